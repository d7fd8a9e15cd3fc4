// Copyright 2026, airgap-platform authors.
//
// Runs a Pulumi program under the runtime's mocks and records each registration as the engine receives
// it: type, name, URN, parent, dependencies, providers, plugin version and inputs (with the secret markers
// kept), so tests can assert on the dependency graph and on secrecy the way the engine would see them.
// The program is a function, a program file such as apps/lumen/index.ts, or the platform (runPlatform).

import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { isRpcSecret } from "@pulumi/pulumi/runtime/rpc";
import { parse as parseYaml } from "yaml";
import { kubernetesObjectOf } from "../../policy/lib/pulumi";
import { syntheticLock } from "./supply-fixture";

const settings = require("@pulumi/pulumi/runtime/settings");

export const ROOT = path.resolve(__dirname, "..", "..");

/** One registration as the engine receives it. */
export interface Registered {
    urn: string;
    type: string;
    name: string;
    parent: string;
    custom: boolean;
    remote: boolean;
    /** Provider reference of a custom resource (`urn::id`). */
    provider: string;
    /** Provider references of a component, by package. */
    providers: Record<string, string>;
    /** URNs this resource depends on (dependsOn and the resources behind its input values). */
    dependencies: string[];
    /** The plugin version requested (the `version` resource option), if any. */
    version: string;
    /** Inputs with secrets unwrapped. */
    inputs: any;
    /** Inputs as serialized for the engine: secrets still wrapped. */
    wire: any;
}

export interface ProgramRun {
    resources: Registered[];
    /** The program's exports, resolved (undefined for unset ones). */
    outputs: Record<string, unknown>;
    /** Exported outputs that are secret. */
    secretOutputs: string[];
    /** Every generated secret value the mocks handed out. */
    generatedSecrets: string[];
    /** Reads of live objects (`Resource.get`): type, name, id and provider reference (`urn::id`). */
    reads: { type: string; name: string; id: string; provider: string }[];
    error?: Error;
}

/** A run of the platform program (index.ts). */
export type PlatformRun = ProgramRun;

/** Type tokens of the project's dynamic resources. */
export const GENERATED_PASSWORD = "pulumi-nodejs:dynamic/airgap:GeneratedPassword";
export const REMOTE_COMMAND = "pulumi-nodejs:dynamic/airgap:RemoteCommand";
/** Gitea resources whose `token` output is a secret that Gitea hands out. */
export const GITEA_TOKENS = ["pulumi-nodejs:dynamic/airgap:GiteaAccessToken", "pulumi-nodejs:dynamic/airgap:GiteaRunnerRegistrationToken"];
export const REMOTE_FILE = "pulumi-nodejs:dynamic/airgap:RemoteFile";

/** Stands in for the `docker save` tarball of the registry image, which is not in the repository. */
export const REGISTRY_TARBALL_FIXTURE = path.join(ROOT, "test", "fixtures", "registry-image.tar");

/**
 * The config of a stack file, as `project:key` strings (objects as JSON, as the CLI passes them). The
 * registry tarball is pointed at a fixture, since the real one lives in the operator's airgap bundle.
 */
export function stackConfig(stackFile: string): Record<string, string> {
    const doc = parseYaml(fs.readFileSync(path.join(ROOT, stackFile), "utf8")) as { config?: Record<string, any> };
    const config = { ...(doc.config ?? {}) };
    const registry = config["airgap-platform:registry"];
    if (registry?.mode === "docker") {
        config["airgap-platform:registry"] = { ...registry, imageTarball: REGISTRY_TARBALL_FIXTURE };
    }
    // The stack's lock is resolved in the connected zone (dev) or made by the e2e suite (local): a stand-in here.
    const supply = config["airgap-platform:supply"] ?? {};
    if (supply.enabled !== false) {
        config["airgap-platform:supply"] = { ...supply, lock: syntheticLock(toConfigMap(config)) };
    }
    return toConfigMap(config);
}

/** Turns `project:key` → value into the string map the runtime expects. */
export function toConfigMap(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/**
 * What reads of live objects (`Resource.get`) return, by `type::id`: the API server as a cluster publishes it
 * (the kubernetes Service and the EndpointSlice the API server keeps for it).
 */
export const LIVE_OBJECTS: Record<string, Record<string, unknown>> = {
    "kubernetes:core/v1:Service::default/kubernetes": {
        spec: { clusterIP: "10.43.0.1", clusterIPs: ["10.43.0.1"], ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }] },
    },
    "kubernetes:discovery.k8s.io/v1:EndpointSlice::default/kubernetes": {
        addressType: "IPv4",
        endpoints: [{ addresses: ["192.168.2.2"], conditions: { ready: true } }],
        ports: [{ name: "https", port: 6443, protocol: "TCP" }],
    },
};

/** A throwaway SSH key stand-in: tests never connect anywhere. */
export const TEST_SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\ntest-key-material-not-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n";

/** How to run a program. */
export interface RunOptions {
    /** `project:key` → string, as the CLI hands config to a program. */
    readonly config?: Record<string, string>;
    /** Config keys that are secret. */
    readonly secretKeys?: string[];
    readonly project?: string;
    readonly stack?: string;
}

/**
 * Runs `program` under mocks in which every custom resource echoes its inputs, Kubernetes objects get the
 * provider's auto-name, the project's dynamic resources hand out generated secrets, and reads of live
 * objects return LIVE_OBJECTS. `program` is a function or the path of a program file (loaded afresh each
 * run: a program file reads its config when it loads).
 */
export async function runProgram(program: string | (() => unknown), options: RunOptions = {}): Promise<ProgramRun> {
    const resources: Registered[] = [];
    const generatedSecrets: string[] = [];
    const reads: ProgramRun["reads"] = [];
    const secretOutputsByName = new Map<string, string[]>();
    let counter = 0;

    pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
    await pulumi.runtime.setMocks({
        newResource(args: pulumi.runtime.MockResourceArgs) {
            if (args.id) {
                reads.push({ type: args.type, name: args.name, id: args.id, provider: args.provider ?? "" });
            }
            const live = args.id ? LIVE_OBJECTS[`${args.type}::${args.id}`] : undefined;
            if (live) {
                return { id: args.id!, state: { ...live, metadata: { name: args.id!.split("/")[1] } } };
            }
            const state: Record<string, any> = { ...args.inputs };
            if (args.type === GENERATED_PASSWORD) {
                counter += 1;
                state.result = `GeneratedSecret${String(counter).padStart(4, "0")}x${args.name.replace(/[^A-Za-z0-9]/g, "")}`;
                state.bcryptHash = `$2a$10$GeneratedHash${String(counter).padStart(4, "0")}${"h".repeat(30)}`;
                generatedSecrets.push(state.result, state.bcryptHash);
            }
            if (args.type.startsWith("kubernetes:") && args.custom) {
                // The provider auto-names objects without metadata.name.
                state.metadata = { ...(args.inputs.metadata ?? {}), name: args.inputs.metadata?.name ?? `${args.name}-a1b2c3d4` };
            }
            if (GITEA_TOKENS.includes(args.type)) {
                counter += 1;
                state.token = `GiteaToken${String(counter).padStart(4, "0")}x${args.name.replace(/[^A-Za-z0-9]/g, "")}`;
                generatedSecrets.push(state.token);
            }
            if (args.type === REMOTE_COMMAND) {
                state.stdout = "ok";
            }
            // The engine, not the SDK, marks additionalSecretOutputs secret: do the same here.
            for (const key of secretOutputsByName.get(`${args.type}::${args.name}`) ?? []) {
                if (state[key] !== undefined) {
                    state[key] = pulumi.secret(state[key]);
                }
            }
            return { id: args.custom ? `${args.name}-id` : undefined as any, state };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            return args.inputs;
        },
    }, options.project ?? "test", options.stack ?? "test", false);

    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, res: any) => void) => {
        secretOutputsByName.set(`${req.getType()}::${req.getName()}`, req.getAdditionalsecretoutputsList());
        const propertyDeps: string[] = [];
        req.getPropertydependenciesMap().forEach((v: any) => propertyDeps.push(...v.getUrnsList()));
        const entry: Omit<Registered, "urn" | "inputs"> = {
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent(),
            custom: req.getCustom(),
            remote: req.getRemote(),
            provider: req.getProvider(),
            providers: Object.fromEntries(req.getProvidersMap().toArray()),
            dependencies: [...new Set<string>([...req.getDependenciesList(), ...propertyDeps])],
            version: req.getVersion(),
            wire: req.getObject()?.toJavaScript() ?? {},
        };
        return register(req, (err: any, res: any) => {
            if (!err) {
                resources.push({ ...entry, urn: res.getUrn(), inputs: unwrapSecrets(entry.wire) });
            }
            callback(err, res);
        });
    };

    let error: Error | undefined;
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    try {
        // Not named `exports`: that would shadow the CommonJS `exports` that ROOT compiles to.
        let programExports: Record<string, unknown> = {};
        if (typeof program === "string") {
            const file = path.resolve(ROOT, program);
            delete require.cache[require.resolve(file)];
            programExports = require(file);
        } else {
            const result = await program();
            programExports = (result && typeof result === "object" ? result : {}) as Record<string, unknown>;
        }
        for (const [name, value] of Object.entries(programExports)) {
            if (pulumi.Output.isInstance(value)) {
                outputs[name] = await promiseOf(value as pulumi.Output<unknown>);
                if (await (value as any).isSecret) {
                    secretOutputs.push(name);
                }
            } else {
                outputs[name] = value;
            }
        }
        await settings.waitForRPCs();
    } catch (e) {
        error = e as Error;
    }
    return { resources, outputs, secretOutputs, generatedSecrets, reads, error };
}

/**
 * Runs the platform program (index.ts) as the `dev` stack of airgap-platform. `config` maps
 * `airgap-platform:key` to values; secret keys are listed in `secretKeys`.
 */
export function runPlatform(config: Record<string, string>, secretKeys: string[] = []): Promise<PlatformRun> {
    return runProgram("index.ts", { config, secretKeys, project: "airgap-platform", stack: "dev" });
}

/** Resolves an Output under mocks. */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => { resolve(v); return v; }));
}

/** Removes the engine's secret wrappers, keeping the values. */
export function unwrapSecrets(value: any): any {
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (value && typeof value === "object") {
        if (isRpcSecret(value)) {
            return unwrapSecrets(value.value);
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** Paths of strings outside any secret wrapper that contain one of `needles`. */
export function plainTextLeaks(value: any, needles: string[], where = "$"): string[] {
    if (Array.isArray(value)) {
        return value.flatMap((v, i) => plainTextLeaks(v, needles, `${where}[${i}]`));
    }
    if (value && typeof value === "object") {
        if (isRpcSecret(value)) {
            return [];
        }
        return Object.entries(value).flatMap(([k, v]) => plainTextLeaks(v, needles, `${where}.${k}`));
    }
    if (typeof value === "string" && needles.some((n) => value.includes(n))) {
        return [where];
    }
    return [];
}

/** URNs that `urn` waits for, directly or through other dependencies. */
export function dependencyClosure(run: ProgramRun, urn: string): Set<string> {
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const stack = [...(byUrn.get(urn)?.dependencies ?? [])];
    while (stack.length > 0) {
        const next = stack.pop()!;
        if (seen.has(next)) {
            continue;
        }
        seen.add(next);
        stack.push(...(byUrn.get(next)?.dependencies ?? []));
    }
    return seen;
}

/** The one registered resource of `type` whose name is `name`. */
export function findResource(run: ProgramRun, type: string, name: string): Registered {
    const found = run.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one ${type} named ${name}, found ${found.length}: ${run.resources.map((r) => `${r.type}/${r.name}`).join(", ")}`);
    }
    return found[0];
}

/** The Kubernetes objects registered, as plain manifests (apiVersion and kind from the type token, as the pack reads them). */
export function kubernetesObjects(run: ProgramRun): Array<Record<string, any>> {
    return run.resources
        .filter((r) => r.custom)
        .map((r) => kubernetesObjectOf(r.type, r.inputs))
        .filter((o): o is Record<string, any> => o !== undefined);
}
