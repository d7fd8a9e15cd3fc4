// Copyright 2026, airgap-platform authors.
//
// Runs a Pulumi program (a function, or a program file such as apps/lumen/index.ts) under the runtime's
// mocks and records each registration as the engine receives it: type, name, parent, provider and
// inputs. The app stack and ProgressiveApp tests share it.

import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { promiseOf, unwrapSecrets } from "../../helpers/platform-harness";

const settings = require("@pulumi/pulumi/runtime/settings");

export const ROOT = path.resolve(__dirname, "..", "..", "..");

/** One registration. */
export interface Registration {
    urn: string;
    type: string;
    name: string;
    parent: string;
    custom: boolean;
    /** Provider reference of a custom resource (`urn::id`). */
    provider: string;
    /** Providers of a component, by package. */
    providers: Record<string, string>;
    dependencies: string[];
    /** The plugin version requested (the `version` resource option), if any. */
    version: string;
    inputs: any;
}

export interface ProgramRun {
    resources: Registration[];
    outputs: Record<string, unknown>;
    error?: Error;
}

/**
 * Runs `program` with `config` (`project:key` → string) under mocks in which every Kubernetes object
 * echoes its inputs. `program` is a function or the path of a program file (loaded afresh each run).
 */
export async function runProgram(program: string | (() => unknown), config: Record<string, string> = {}, project = "test", stack = "test"): Promise<ProgramRun> {
    const resources: Registration[] = [];
    pulumi.runtime.setAllConfig(config, []);
    await pulumi.runtime.setMocks({
        newResource(args: pulumi.runtime.MockResourceArgs) {
            return { id: args.custom ? `${args.name}-id` : undefined as any, state: { ...args.inputs } };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            return args.inputs;
        },
    }, project, stack, false);

    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, res: any) => void) => {
        const propertyDeps: string[] = [];
        req.getPropertydependenciesMap().forEach((v: any) => propertyDeps.push(...v.getUrnsList()));
        const entry = {
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent(),
            custom: req.getCustom(),
            provider: req.getProvider(),
            providers: Object.fromEntries(req.getProvidersMap().toArray()),
            dependencies: [...new Set<string>([...req.getDependenciesList(), ...propertyDeps])],
            version: req.getVersion(),
            inputs: unwrapSecrets(req.getObject()?.toJavaScript() ?? {}),
        };
        return register(req, (err: any, res: any) => {
            if (!err) {
                resources.push({ ...entry, urn: res.getUrn() });
            }
            callback(err, res);
        });
    };

    let error: Error | undefined;
    const outputs: Record<string, unknown> = {};
    try {
        let exports: Record<string, unknown> = {};
        if (typeof program === "string") {
            const file = path.resolve(ROOT, program);
            delete require.cache[require.resolve(file)];
            exports = require(file);
        } else {
            const result = await program();
            exports = (result && typeof result === "object" ? result : {}) as Record<string, unknown>;
        }
        for (const [name, value] of Object.entries(exports)) {
            outputs[name] = pulumi.Output.isInstance(value) ? await promiseOf(value as pulumi.Output<unknown>) : value;
        }
        await settings.waitForRPCs();
    } catch (e) {
        error = e as Error;
    }
    return { resources, outputs, error };
}

/** The Kubernetes objects registered, as plain manifests (apiVersion and kind from the type token). */
export function kubernetesObjects(run: ProgramRun): Array<Record<string, any>> {
    return run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:")).map((r) => {
        const [, module, kind] = r.type.split(":");
        const apiVersion = module.startsWith("core/") ? module.slice("core/".length) : module;
        return { apiVersion, kind, ...r.inputs };
    });
}

/** The one registration of `type` named `name`. */
export function registration(run: ProgramRun, type: string, name: string): Registration {
    const found = run.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one ${type} named ${name}, found ${found.length}: ${run.resources.map((r) => `${r.type}/${r.name}`).join(", ")}`);
    }
    return found[0];
}
