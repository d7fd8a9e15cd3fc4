// Copyright 2026, airgap-platform authors.

import { execFile } from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "../../providers/dynamic";
import { mustSucceed, PlainConnection, runOverSsh, SshConnection } from "../../providers/remote";
import { shellQuote } from "../../providers/shell";
import { REPO_ROOT } from "../../lib/repo-root";
import { LockFile, TRIVY_DB, TRIVY_DB_LAYER, lockedDigests } from "../../supply/lock";
import { RegistrySeedSettings } from "./schema";

export * from "./schema";

/** Arguments of {@link RegistrySeed}. */
export interface RegistrySeedArgs {
    /**
     * Its settings with the lock read (the bundle must have been made from exactly these bytes); `trivyNode`, when set,
     * is the node where Trivy's database is unpacked into `trivyCachePath/db` for the runner's offline scans.
     */
    readonly settings: Omit<RegistrySeedSettings, "lock"> & { readonly lock: LockFile; readonly trivyNode?: string; readonly trivyCachePath: string };
    /** The internal registry's address, resolved once it answers; the seed pushes to it from where Pulumi runs. */
    readonly registry: pulumi.Input<string>;
    /** SSH connections of the nodes by name (NodeRegistry's), when this stack installs the registry. */
    readonly nodes?: Record<string, SshConnection>;
}

/**
 * The lock's charts, images and artifacts pushed from the bundle into the internal registry, by digest, then
 * tagged; whatever the registry already has is skipped, so a re-run pushes nothing. An incomplete bundle, or one
 * made for another lock, is refused before any request; one with a corrupted blob before anything is stored (no
 * upload is committed before a pass beside the uploads matched every blob, and the registry checks each blob's
 * digest as it commits it: docs/supply.md). A failed seed is not recorded, so the next
 * `up` tries again. Charts and workloads name the digests it outputs.
 */
export class RegistrySeed extends pulumi.ComponentResource {
    /** The registry's address, known once the seed is done: charts that name it wait for the seed. */
    public readonly address: pulumi.Output<string>;
    /** Internal reference (registry/repository:tag) → the digest its tag points at. */
    public readonly digests: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: RegistrySeedArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airgap:index:RegistrySeed", name, {}, opts);
        const settings = args.settings;
        const trivyNode = args.nodes && settings.trivyNode !== undefined ? args.nodes[settings.trivyNode] : undefined;

        const expected = Object.fromEntries([...lockedDigests(settings.lock.lock)].map(([ref, digest]) => [ref, digest ?? ""]));
        const trivyDb = settings.lock.lock.artifacts.find((a) => a.name === TRIVY_DB);
        const seed = new BundleSeed(`${name}-bundle`, {
            projectDir: REPO_ROOT,
            bundle: path.resolve(settings.bundle),
            registry: args.registry,
            lockSha256: settings.lock.sha256,
            expected,
            jobs: settings.jobs,
            trivy: trivyNode && trivyDb ? { connection: trivyNode, ref: trivyDb.internal, cachePath: settings.trivyCachePath } : undefined,
        }, { parent: this });

        this.digests = seed.digests;
        this.address = pulumi.all([seed.digests, args.registry]).apply(([, registry]) => registry);
        this.registerOutputs({ address: this.address, digests: this.digests });
    }
}

/** What one seed needs (the provider's inputs). */
export interface SeedInputs {
    projectDir: string;
    bundle: string;
    registry: string;
    lockSha256: string;
    expected: Record<string, string>;
    jobs: number;
    trivy?: { connection: PlainConnection; ref: string; cachePath: string };
}

export interface SeedOutputs extends SeedInputs {
    digests: Record<string, string>;
    /** Artifacts pushed by the run that created or updated this resource (0: all were present). */
    pushed: number;
}

/** Runs ocisupply (tools/ocisupply, built by scripts/build-go-tool.sh) and returns its JSON result. */
async function runOcisupply(projectDir: string, args: string[]): Promise<any> {
    const run = (file: string, argv: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(file, argv, { maxBuffer: 64 * 1024 * 1024 }, (err: any, stdout: string, stderr: string) =>
            resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr })));
    const built = await run("bash", [path.join(projectDir, "scripts", "build-go-tool.sh"), "ocisupply"]);
    if (built.code !== 0) {
        throw new Error(`ocisupply is not built and cannot be (scripts/build-go-tool.sh ocisupply):\n${built.stderr}`);
    }
    const r = await run(built.stdout.trim().split("\n").pop() ?? "", args);
    if (r.code !== 0) {
        const message = r.stderr.split("\n").filter((l) => l.startsWith("ocisupply: ")).map((l) => l.slice(11)).join("\n") || r.stderr;
        // Exit 3: ocisupply refused its input before writing anything.
        throw new Error(r.code === 3 ? `the bundle was refused; nothing was pushed: ${message}` : `seeding failed (exit ${r.code}): ${message}`);
    }
    return JSON.parse(r.stdout);
}

/** Unpacks a .tar.gz arriving on stdin into `cachePath/db` on the node, replacing the old database whole. */
export function trivyUnpackCommand(cachePath: string): string {
    const root = shellQuote(cachePath);
    const db = shellQuote(`${cachePath}/db`);
    return `mkdir -p -- ${root} && tmp="$(mktemp -d ${shellQuote(`${cachePath}/.trivy-db.`)}XXXXXX)" && `
        + `{ tar -xzf - -C "$tmp" && test -s "$tmp/trivy.db" && test -s "$tmp/metadata.json" && chmod 0755 "$tmp" `
        + `&& rm -rf -- ${db}.old && { if [ -e ${db} ]; then mv -- ${db} ${db}.old; fi; } && mv -- "$tmp" ${db} && rm -rf -- ${db}.old `
        + `|| { rm -rf -- "$tmp"; exit 1; }; }`;
}

/** Pushes the bundle (storing nothing of a bad one), checks the digests, unpacks the Trivy database. */
export async function seedFromBundle(inputs: SeedInputs): Promise<SeedOutputs> {
    const result = await runOcisupply(inputs.projectDir, [
        "seed", "--layout", inputs.bundle, "--registry", inputs.registry, "--lock-sha256", inputs.lockSha256,
        "--plain-http", "--jobs", String(inputs.jobs),
    ]);
    const wrong = Object.entries(inputs.expected).filter(([ref, digest]) => result.digests[ref] !== digest);
    if (wrong.length > 0) {
        throw new Error(`the registry does not hold what the lock says for ${wrong.map(([ref, d]) => `${ref} (lock ${d}, seeded ${result.digests[ref] ?? "nothing"})`).join(", ")}`);
    }
    if (inputs.trivy) {
        const blob = await runOcisupply(inputs.projectDir, ["blob", "--layout", inputs.bundle, "--ref", inputs.trivy.ref, "--media-type", TRIVY_DB_LAYER]);
        await mustSucceed(`unpacking the Trivy database into ${inputs.trivy.cachePath}`, inputs.trivy.connection,
            await runOverSsh(inputs.trivy.connection, { upload: { file: blob.path, command: trivyUnpackCommand(inputs.trivy.cachePath) } }));
    }
    return { ...inputs, digests: result.digests, pushed: result.pushed.length };
}

export const seedProvider: pulumi.dynamic.ResourceProvider<SeedInputs, SeedOutputs> = {
    async create(inputs) {
        return { id: `seed-${inputs.lockSha256.slice(0, 16)}`, outs: await seedFromBundle(inputs) };
    },
    async diff(_id, olds, news) {
        const trivy = (t?: SeedInputs["trivy"]) => t && [t.ref, t.cachePath, t.connection.host, t.connection.port, t.connection.user].join(" ");
        const changed = olds.lockSha256 !== news.lockSha256 || olds.registry !== news.registry || olds.bundle !== news.bundle
            || JSON.stringify(olds.expected) !== JSON.stringify(news.expected) || trivy(olds.trivy) !== trivy(news.trivy);
        return { changes: changed };
    },
    async update(_id, _olds, news) {
        return { outs: await seedFromBundle(news) };
    },
    // Deleting the stack leaves the registry's content, like its data folder.
};

/** The bundle pushed into the registry (one step, so a refused bundle changes nothing). */
class BundleSeed extends DynamicResource {
    // `declare`: an ES2022 class field would overwrite, after super(), the output the engine fills in.
    declare public readonly digests: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        super(seedProvider, name, { ...args, digests: undefined, pushed: undefined }, { ...opts, additionalSecretOutputs: ["trivy"] }, "airgap", "RegistrySeed");
    }
}
