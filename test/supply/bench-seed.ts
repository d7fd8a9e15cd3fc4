// Copyright 2026, airgap-platform authors.
//
// `npm run bench:seed [-- --mib 1024 --images 8 --rounds 4 --jobs 4]` (not run in CI)
//
// About 1 GiB of generated layers on an "upstream" Debian docker-registry, then, in one run: the bundle
// (upstream -> OCI layout) beside `crane pull --format oci` of the same images; then rounds of the seed
// (layout -> empty registry, each blob's file sent as it is, every blob hashed by a pass beside the uploads, each
// upload's commit held until the pass matched them all) beside `crane push --index` of the same layout
// into another empty registry, each on fresh registries and in turn first, and a second seed into the seeded
// registry. Prints MB/s, each round's ratio and load average, when the pass ended and the longest a commit
// waited for it, the client CPU time per GiB of both, the second seed's time and peak memory (GNU time; VmHWM for
// the bundle). Criteria: median seed >= 0.9x crane push, second seed < 2 s with no write, peak memory < 300 MB.

import { execFile } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { makeBundle } from "../../supply/bundle";
import { formatLock, Lock } from "../../supply/lock";
import { resolveLock } from "../../supply/resolve";
import { toolPath } from "../../supply/tools";
import { startRegistry, TestRegistry } from "./support/registry";
import { writeLayout } from "./support/upstream";

interface Timed { seconds: number; maxRssKiB: number; cpuSeconds: number; stdout: string }

/** Runs a command under GNU time for its peak memory (max resident set, KiB) and CPU time (user + system). */
function timed(file: string, args: string[]): Promise<Timed> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = execFile("/usr/bin/time", ["-f", "maxrss=%M cpu=%U+%S", file, ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err) {
                reject(new Error(`${path.basename(file)} ${args.join(" ")}: ${stderr}`));
                return;
            }
            const rss = /maxrss=(\d+)/.exec(stderr);
            const cpu = /cpu=([\d.]+)\+([\d.]+)/.exec(stderr);
            resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, maxRssKiB: rss ? Number(rss[1]) : -1, cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : -1, stdout });
        });
        // No input: closed without a write, which could meet a child already gone (EPIPE).
        child.stdin?.end();
    });
}

/** Writes `images` one-layer images of random bytes into an OCI layout and pushes each to the upstream. */
async function generate(upstream: string, work: string, images: number, layerBytes: number): Promise<string[]> {
    const refs: string[] = [];
    for (let n = 0; n < images; n++) {
        const layout = path.join(work, `gen-${n}`);
        const layer = crypto.randomBytes(layerBytes);
        const diffId = `sha256:${crypto.createHash("sha256").update(layer).digest("hex")}`;
        writeLayout(layout, {
            mediaType: "application/vnd.oci.image.config.v1+json",
            data: Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [diffId] }, config: {} })),
        }, [{ mediaType: "application/vnd.oci.image.layer.v1.tar", data: layer }]);
        const ref = `${upstream}/bench/image-${n}:1`;
        await timed(toolPath("crane"), ["push", "--insecure", layout, ref]);
        fs.rmSync(layout, { recursive: true, force: true });
        refs.push(ref);
    }
    return refs;
}

const mbps = (bytes: number, seconds: number) => bytes / 1e6 / seconds;

async function main(argv: string[]): Promise<number> {
    const arg = (name: string, fallback: number) => { const i = argv.indexOf(name); return i === -1 ? fallback : Number(argv[i + 1]); };
    const mib = arg("--mib", 1024);
    const images = arg("--images", 8);
    // Even, so crane and the seed go first equally often.
    const rounds = arg("--rounds", 4);
    // The seed's parallel transfers (supply.jobs); crane keeps its own default.
    const jobs = arg("--jobs", 4);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-bench-seed-"));
    const registries: TestRegistry[] = [];
    try {
        ["ocisupply", "crane", "helm"].forEach((t) => toolPath(t as "ocisupply"));
        const [upstream, seedTarget, craneTarget] = await Promise.all(["upstream", "seed", "crane"].map((l) => startRegistry(`bench-${l}`)));
        registries.push(upstream, seedTarget, craneTarget);
        process.env.AIRGAP_SUPPLY_PLAIN_HTTP = upstream.address;
        console.log(`generating ${images} images of ${(mib / images).toFixed(0)} MiB (${mib} MiB) on ${upstream.address} ...`);
        const refs = await generate(upstream.address, work, images, Math.floor(mib * 1024 * 1024 / images));

        // The lock, resolved like the connected zone does it.
        const lockFile = path.join(work, "artifacts.lock.yaml");
        const unresolved: Lock = {
            version: 1, registry: seedTarget.address, platforms: ["linux/amd64"], charts: [], artifacts: [],
            images: refs.map((ref) => ({ internal: ref.replace(upstream.address, seedTarget.address), source: ref, index: null, manifests: { "linux/amd64": null }, digest: null })),
        };
        fs.writeFileSync(lockFile, formatLock(await resolveLock(unresolved, path.join(work, "charts"))));

        const bundle = path.join(work, "bundle");
        const b = await makeBundle({ lock: lockFile, out: bundle, jobs: 4, chartCache: path.join(work, "charts"), log: () => undefined });
        const cranePull = await timed(toolPath("crane"), ["pull", "--insecure", "--format", "oci", ...refs, path.join(work, "crane-pull")]);
        // Its GiB is not used again: gone before the pushes, so it weighs on neither.
        fs.rmSync(path.join(work, "crane-pull"), { recursive: true, force: true });

        const verify = await timed(toolPath("ocisupply"), ["verify", "--layout", bundle]);
        const bytes = (JSON.parse(verify.stdout) as { bytes: number }).bytes;
        const lockSha = crypto.createHash("sha256").update(fs.readFileSync(lockFile)).digest("hex");

        // Rounds on fresh, empty registries (the seed's on the lock's address), crane and seed in turn first. Each
        // target is stopped, its storage deleted, once measured: the push that comes second then starts with the
        // same free memory as the first, not beside a GiB the other one just wrote (that cost whichever went second
        // about 10 % when both registries were kept to the end of the round).
        interface Round { seed: Timed & { checked: number; verified: number; held: number }; crane: Timed; again: Timed; writes: number; load: number[] }
        const done: Round[] = [];
        const seedPort = Number(seedTarget.address.split(":")[1]);
        for (let r = 0; r < rounds; r++) {
            const loadBefore = os.loadavg()[0];
            const targets = r === 0 ? { seed: seedTarget, crane: craneTarget } : { seed: await startRegistry("bench-seed", seedPort), crane: await startRegistry("bench-crane") };
            registries.push(targets.seed, targets.crane);
            const seedArgs = ["seed", "--layout", bundle, "--registry", targets.seed.address, "--lock-sha256", lockSha, "--plain-http", "--jobs", String(jobs)];
            // Each measured push starts with the previous one's writes flushed to disk, so neither pays for the other.
            const settled = async <T>(f: () => Promise<T>) => { await timed("/usr/bin/sync", []); return f(); };
            const pushCrane = async () => {
                const crane = await settled(() => timed(toolPath("crane"), ["push", "--insecure", "--index", bundle, `${targets.crane.address}/bench/all:1`]));
                await targets.crane.stop();
                return crane;
            };
            const pushSeed = async () => {
                const seed = await settled(() => timed(toolPath("ocisupply"), seedArgs));
                const writes = () => targets.seed.requests().filter((q) => q.method !== "GET" && q.method !== "HEAD").length;
                const before = writes();
                const again = await timed(toolPath("ocisupply"), seedArgs);
                const after = writes();
                await targets.seed.stop();
                const { checked, verified, held } = JSON.parse(seed.stdout) as { checked: number; verified: number; held: number };
                return { seed: { ...seed, checked, verified, held }, again, writes: after - before };
            };
            const [crane, seeded] = r % 2 === 0 ? [await pushCrane(), await pushSeed()] : [undefined, await pushSeed()];
            done.push({ ...seeded, crane: crane ?? await pushCrane(), load: [loadBefore, os.loadavg()[0]] });
        }

        const median = (xs: number[]) => {
            const sorted = [...xs].sort((a, b) => a - b);
            const mid = Math.floor(sorted.length / 2);
            return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        };
        const line = (what: string, rate: number, seconds: number, rss: number) =>
            console.log(`${what.padEnd(54)} ${rate ? `${rate.toFixed(1).padStart(7)} MB/s` : "           "} ${seconds.toFixed(2).padStart(7)} s  peak ${(rss / 1024).toFixed(0).padStart(4)} MiB`);
        const gib = bytes / 2 ** 30;
        console.log(`\n${(bytes / 1e6).toFixed(0)} MB in ${b.blobs} blobs, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
        line("bundle (ocisupply: upstream -> layout, verified)", mbps(b.fetchedBytes, b.seconds), b.seconds, b.maxRssKiB);
        line("crane pull --format oci (same images)", mbps(bytes, cranePull.seconds), cranePull.seconds, cranePull.maxRssKiB);
        line("verify alone (sha256 of every blob)", mbps(bytes, verify.seconds), verify.seconds, verify.maxRssKiB);
        done.forEach((d, r) => {
            line(`round ${r + 1}: seed (empty registry, verified beside the uploads)`, mbps(bytes, d.seed.seconds), d.seed.seconds, d.seed.maxRssKiB);
            line(`round ${r + 1}: crane push --index (same layout, empty registry)`, mbps(bytes, d.crane.seconds), d.crane.seconds, d.crane.maxRssKiB);
            line(`round ${r + 1}: second seed (everything present; ${d.writes} writes)`, 0, d.again.seconds, d.again.maxRssKiB);
            console.log(`${"".padEnd(54)} seed/crane ${(d.crane.seconds / d.seed.seconds).toFixed(2)}, load ${d.load.map((l) => l.toFixed(1)).join(" -> ")}, checks before any request ${(d.seed.checked * 1000).toFixed(0)} ms`);
            console.log(`${"".padEnd(54)} every blob verified at ${d.seed.verified.toFixed(2)} s, longest commit held for it ${(d.seed.held * 1000).toFixed(0)} ms`);
            console.log(`${"".padEnd(54)} client CPU (user + system) per GiB: seed ${(d.seed.cpuSeconds / gib).toFixed(2)} s, crane push ${(d.crane.cpuSeconds / gib).toFixed(2)} s`);
        });
        const ratio = median(done.map((d) => d.crane.seconds / d.seed.seconds));
        const slowestAgain = Math.max(...done.map((d) => d.again.seconds));
        const peak = Math.max(b.maxRssKiB, ...done.flatMap((d) => [d.seed.maxRssKiB, d.again.maxRssKiB]));
        const checks: [string, boolean][] = [
            [`seed / crane push, median of ${rounds} rounds = ${ratio.toFixed(2)} (>= 0.9)`, ratio >= 0.9],
            [`bundle / crane pull = ${(mbps(b.fetchedBytes, b.seconds) / mbps(bytes, cranePull.seconds)).toFixed(2)} (reported)`, true],
            [`second seed at most ${slowestAgain.toFixed(2)} s (< 2 s), ${done.reduce((n, d) => n + d.writes, 0)} writes (0)`, slowestAgain < 2 && done.every((d) => d.writes === 0)],
            [`peak memory ${(peak / 1024).toFixed(0)} MiB (< 300 MB)`, peak * 1024 < 300e6],
        ];
        console.log("");
        checks.forEach(([l, ok]) => console.log(`${ok ? "ok  " : "FAIL"} ${l}`));
        return checks.every(([, ok]) => ok) ? 0 : 1;
    } finally {
        await Promise.all(registries.map((r) => r.stop()));
        fs.rmSync(work, { recursive: true, force: true });
    }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
