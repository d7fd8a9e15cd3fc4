// Copyright 2026, airgap-platform authors.
//
// The airgap supply against real registries: two Debian docker-registry servers on spare ports of 127.0.0.1,
// an "upstream" one holding images made here (crane), the test charts pushed as OCI (helm) and a Trivy
// database stand-in, and an empty "target" one in node-1's place. The stack file is a local one whose
// registry is the target. find -> bundle -> seed, then everything the issue asks of each step.

import * as assert from "assert";
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { seedFromBundle } from "../../components/registry-seed";
import { findArtifacts } from "../../supply/artifacts-find";
import { bundlePlan, makeBundle } from "../../supply/bundle";
import { renderChart, stackCharts } from "../../supply/charts";
import { imagesInObjects } from "../../supply/find";
import { chartTag, formatLock, lockedDigests, readLock } from "../../supply/lock";
import { pinToLock } from "../../supply/pins";
import { stackSettings } from "../../supply/stack";
import { PROJECT_DIR, toolPath } from "../../supply/tools";
import { run, sleep } from "../e2e/harness/cluster";
import { registryAvailable, startRegistry, TestRegistry } from "./support/registry";
import { crane, helm, populateUpstream, pushChart, pushImage, TEST_CHARTS, withUpstreamSources } from "./support/upstream";

/** Large enough to be in flight when the interrupted bundle is stopped. */
const BIG_IMAGE = "argoproj/argocd:v3.4.4";

describe("airgap supply with real registries (find, bundle, seed)", function () {
    this.timeout(900_000);
    let upstream: TestRegistry;
    let target: TestRegistry;
    let work: string;
    let stackFile: string;
    let lockFile: string;
    let bundle: string;
    let chartCache: string;
    let upstreamTgz = new Map<string, string>();
    const log: string[] = [];
    const find = (extra: Partial<Parameters<typeof findArtifacts>[0]> = {}) =>
        findArtifacts({ stackFile, lock: lockFile, write: false, offline: false, chartCache, log: (l) => log.push(l), ...extra });
    const seed = (layout: string, lockSha256 = readLock(lockFile).sha256, jobs = 4) => seedFromBundle({
        projectDir: PROJECT_DIR, bundle: layout, registry: target.address, lockSha256, jobs,
        expected: Object.fromEntries([...lockedDigests(readLock(lockFile).lock)].map(([ref, digest]) => [ref, digest ?? ""])),
    });
    /** Requests that write to the target registry. */
    const writes = () => target.requests().filter((r) => ["PUT", "POST", "PATCH", "DELETE"].includes(r.method)).length;

    before(async () => {
        if (!registryAvailable()) {
            throw new Error("Debian's docker-registry is not installed: scripts/setup-cluster.sh installs it (apt-get install docker-registry)");
        }
        ["ocisupply", "helm", "crane"].forEach((t) => toolPath(t as "ocisupply"));
        [upstream, target] = await Promise.all([startRegistry("upstream"), startRegistry("target")]);
        process.env.AIRGAP_SUPPLY_PLAIN_HTTP = `${upstream.address},${target.address}`;
        work = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-supply-test-"));
        lockFile = path.join(work, "artifacts.lock.yaml");
        bundle = path.join(work, "bundle");
        chartCache = path.join(work, "charts");
        stackFile = path.join(work, "Pulumi.supply.yaml");
        const P = "airgap-platform";
        fs.writeFileSync(stackFile, stringify({
            config: {
                [`${P}:registry`]: { address: target.address, mode: "package", nodes: [{ name: "node-1", host: "127.0.0.1", runtimes: ["containerd"] }] },
                [`${P}:gitea`]: { chart: `oci://${target.address}/charts/gitea`, chartVersion: "0.1.0", publicHost: "127.0.0.1" },
                [`${P}:monitoring`]: { chart: `oci://${target.address}/charts/kube-prometheus-stack`, chartVersion: "0.1.0" },
                [`${P}:argoRollouts`]: { chart: `oci://${target.address}/charts/argo-rollouts`, chartVersion: "0.1.0" },
                [`${P}:argocd`]: { chart: `oci://${target.address}/charts/argo-cd`, chartVersion: "0.1.0" },
                [`${P}:supply`]: { lock: lockFile, bundle },
            },
        }));
        // Upstream: every image the stack names at the same path, the test charts, Trivy's database.
        upstreamTgz = await populateUpstream(upstream.address, stackSettings(stackFile), work, { images: [BIG_IMAGE], bytes: 24 * 1024 * 1024 });
    });

    after(async () => {
        await Promise.all([upstream?.stop(), target?.stop()]);
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    it("--write --offline lists every image, chart and artifact, and asks a person for the sources", async () => {
        const r = await find({ write: true, offline: true });
        const lock = readLock(lockFile).lock;
        assert.strictEqual(lock.registry, target.address);
        assert.deepStrictEqual(lock.charts.map((c) => c.name).sort(), [...TEST_CHARTS].sort());
        assert.ok(lock.images.length >= 15, `${lock.images.length} images`);
        assert.ok(lock.images.every((i) => i.source === null && i.digest === null));
        assert.ok(r.problems.some((p) => p === `image ${target.address}/argoproj/argocd:v3.4.4 has no source`), r.problems.join("\n"));
        // A person fills in the sources (here: the upstream registry at the same paths).
        const withSources = withUpstreamSources(lock, upstream.address);
        fs.writeFileSync(lockFile, formatLock(withSources));
    });

    it("--write resolves every digest upstream: per-platform manifests, the index they came from, packaged charts", async () => {
        const r = await find({ write: true });
        assert.deepStrictEqual(r.problems, []);
        const lock = readLock(lockFile).lock;
        const gitea = lock.images.find((i) => i.internal.startsWith(`${target.address}/gitea:`))!;
        assert.match(gitea.index ?? "", /^sha256:[a-f0-9]{64}$/);
        assert.notStrictEqual(gitea.digest, gitea.index, "the internal tag points at the locked platform's manifest, not the upstream index");
        assert.strictEqual(gitea.digest, gitea.manifests["linux/amd64"]);
        for (const c of lock.charts) {
            const tgz = upstreamTgz.get(c.name)!;
            assert.strictEqual(c.chartDigest, `sha256:${crypto.createHash("sha256").update(fs.readFileSync(tgz)).digest("hex")}`, c.name);
        }
        // Written again with nothing changed: the same bytes.
        const before = fs.readFileSync(lockFile, "utf8");
        await find({ write: true });
        assert.strictEqual(fs.readFileSync(lockFile, "utf8"), before);
    });

    it("finds the images of every rendered object (operator flags included) and passes on the resolved lock", async () => {
        const r = await find();
        assert.deepStrictEqual(r.problems, []);
        const where = r.used.map((u) => u.where);
        assert.ok(where.some((w) => /^chart monitoring: Deployment\/kube-prometheus-stack-operator .*args\[\d\] \(--prometheus-config-reloader\)$/.test(w)), where.join("\n"));
        assert.ok(where.some((w) => w.startsWith("setting actRunner.jobImage")));
        // Rendered with the lock's digests, as the stack renders them.
        assert.ok(r.used.filter((u) => u.where.startsWith("chart ")).every((u) => u.base || /@sha256:[a-f0-9]{64}$/.test(u.image)));
    });

    it("fails naming the image and the object when a rendered image is missing from the lock", async () => {
        const lock = readLock(lockFile).lock;
        const partial = path.join(work, "partial.lock.yaml");
        const operator = `${target.address}/prometheus-operator/prometheus-operator:v0.93.1`;
        fs.writeFileSync(partial, formatLock({ ...lock, images: lock.images.filter((i) => i.internal !== operator) }));
        const r = await find({ lock: partial });
        assert.ok(r.problems.some((p) => p.startsWith(`${operator} (chart monitoring: Deployment/kube-prometheus-stack-operator .spec.template.spec.containers[0].image) is not in the lock`)), r.problems.join("\n"));
    });

    it("bundles every locked entry by digest into one OCI layout with the lock, a sha256 list and internal references", async () => {
        const r = await makeBundle({ lock: lockFile, out: bundle, jobs: 4, chartCache, log: () => undefined });
        const lock = readLock(lockFile).lock;
        assert.strictEqual(r.artifacts, lock.charts.length + lock.images.length + lock.artifacts.length);
        await run("sha256sum", ["--quiet", "-c", "sha256sums"], { cwd: bundle });
        const index = JSON.parse(fs.readFileSync(path.join(bundle, "index.json"), "utf8"));
        const refs = index.manifests.map((m: any) => m.annotations["org.opencontainers.image.ref.name"]).sort();
        assert.deepStrictEqual(refs, [...lock.charts.map(chartTag), ...lock.images.map((i) => i.internal), ...lock.artifacts.map((a) => a.internal)].sort());
        assert.strictEqual(fs.readFileSync(path.join(bundle, "artifacts.lock.yaml"), "utf8"), fs.readFileSync(lockFile, "utf8"));
    });

    it("stores nothing of a bundle with a tampered blob (no blob, manifest or tag); refuses an incomplete bundle or one made for another lock before any request", async () => {
        const before = target.requests().length;
        const blobsDir = path.join(target.dir, "data", "docker", "registry", "v2", "blobs");
        const stored = () => fs.existsSync(blobsDir) ? fs.readdirSync(blobsDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith("/data")).sort() : [];
        const storedBefore = stored();
        const copy = path.join(work, "tampered");
        await run("cp", ["-r", bundle, copy]);
        const blobFile = (hex: string) => path.join(copy, "blobs", "sha256", hex);
        const bySize = fs.readdirSync(path.join(copy, "blobs", "sha256")).sort((a, b) => fs.statSync(blobFile(b)).size - fs.statSync(blobFile(a)).size);
        // Configs and layers (a manifest is hashed before any request): the uploads go largest first, beside a pass
        // that hashes every blob to upload in the same order, and each upload's commit waits for that pass
        // (docs/supply.md, "A blob that does not match its digest"). The largest is found first, often before the
        // uploads got far; the smallest last, once the pass hashed every other blob. One transfer per blob: by then
        // the small blobs' bytes have all been sent, so a commit sent before the pass ended would show below.
        const content = new Set(bySize.flatMap((hex) => {
            try {
                const m = JSON.parse(fs.readFileSync(blobFile(hex), "utf8"));
                return Array.isArray(m.layers) ? [m.config, ...m.layers].map((d: { digest: string }) => d.digest.slice("sha256:".length)) : [];
            } catch {
                return [];
            }
        }));
        const targets = bySize.filter((hex) => content.has(hex) && fs.statSync(blobFile(hex)).size > 0);
        for (const tampered of [targets[0], targets[targets.length - 1]]) {
            const original = fs.readFileSync(blobFile(tampered));
            const fd = fs.openSync(blobFile(tampered), "r+");
            fs.writeSync(fd, Buffer.from("tampered"), 0, Math.min(8, original.length), Math.min(1000, original.length - Math.min(8, original.length)));
            fs.closeSync(fd);
            const from = target.requests().length;
            await assert.rejects(seed(copy, undefined, targets.length), new RegExp(`seeding failed \\(exit 4\\): corrupted bundle: blob sha256:${tampered} of .* has sha256 [a-f0-9]{64} \\(nothing of this seed was stored: no blob was committed, no manifest or tag was pushed\\)`));
            // The uploads it stopped are logged once the registry has read what reached it: wait for the log to settle.
            for (let n = -1, stable = 0; stable < 5; await sleep(200)) {
                stable = target.requests().length === n ? stable + 1 : 0;
                n = target.requests().length;
            }
            const sent = target.requests().slice(from);
            if (tampered === targets[targets.length - 1]) {
                assert.ok(sent.some((r) => r.method === "PATCH" && r.status === 202), "an upload sent all its bytes before the seed stopped, so the checks below can fail");
            }
            assert.deepStrictEqual(sent.filter((r) => r.method === "PUT"), [], "no upload was committed, no manifest or tag pushed");
            assert.deepStrictEqual(sent.filter((r) => r.path.includes("/manifests/") && r.method !== "HEAD"), [], "no manifest or tag was pushed");
            assert.deepStrictEqual(stored(), storedBefore, "the registry stored no blob of this seed, good or tampered");
            fs.writeFileSync(blobFile(tampered), original);
        }
        const asked = target.requests().length;
        fs.rmSync(blobFile(targets[0]));
        await assert.rejects(seed(copy), /nothing was pushed: incomplete bundle: .*blob sha256:[a-f0-9]+ is missing/);
        await assert.rejects(seed(bundle, "0".repeat(64)), /nothing was pushed: the bundle .* was made for the lock with sha256 [a-f0-9]{64}, but the stack's lock has sha256 0{64}/);
        assert.strictEqual(target.requests().length, asked, "an incomplete bundle or another lock's: the registry saw no request");
        assert.ok(asked > before, "the tampered bundle's seed did ask the registry, so the counts can differ");
    });

    it("names a blob that changed after the seed verified it: the registry refuses its commit, nothing refers to what was stored", async () => {
        // A change between the pass and the upload is timed in process (tools/ocisupply/seed_test.go: at the first
        // commit, which the seed sends only once the pass matched every blob), on a registry of its own.
        const registry = await startRegistry("changed");
        try {
            const r = await run("bash", [path.join(PROJECT_DIR, "scripts", "build-go-tool.sh"), "--test", "ocisupply", "-count=1", "-v"], {
                env: { ...process.env, AIRGAP_SEED_TEST_REGISTRY: registry.address }, timeoutMs: 600_000,
            });
            for (const test of ["TestCommitHoldSendsTheCommitOnlyOnceThePassMatchedEveryBlob", "TestCommitHoldNeverSendsACommitWhenABlobDidNotMatch",
                "TestCommitHoldStopsWaitingWhenTheSeedIsCancelled", "TestSeedNamesABlobThatChangedAfterThePassMatchedIt/rewritten",
                "TestSeedNamesABlobThatChangedAfterThePassMatchedIt/truncated"]) {
                assert.match(r.stdout, new RegExp(`--- PASS: ${test} `), `${test} ran and passed:\n${r.stdout}`);
            }
            // The registry's own log: the two larger blobs committed (201); the rewritten one refused by the registry's
            // digest check (400); the truncated one's upload failed before any commit; no manifest or tag.
            const commits = (repo: string) => registry.requests("PUT", `/v2/toctou/${repo}/blobs/uploads/`).map((q) => q.status);
            assert.deepStrictEqual(commits("rewritten"), [201, 201, 400]);
            assert.deepStrictEqual(commits("truncated"), [201, 201]);
            assert.deepStrictEqual(registry.requests().filter((q) => q.path.includes("/manifests/") && q.method !== "HEAD"), []);
        } finally {
            await registry.stop();
        }
    });

    it("seeds the target by digest, and everything pulls back by digest byte for byte", async () => {
        const lock = readLock(lockFile).lock;
        const r = await seed(bundle);
        assert.strictEqual(r.pushed, lock.charts.length + lock.images.length + lock.artifacts.length);
        for (const i of lock.images) {
            assert.strictEqual(r.digests[i.internal], i.digest, i.internal);
            const repo = i.internal.slice(0, i.internal.lastIndexOf(":"));
            const manifest = (await run(crane(), ["manifest", "--insecure", `${repo}@${i.digest}`])).stdout;
            assert.strictEqual(manifest, fs.readFileSync(path.join(bundle, "blobs", "sha256", i.digest!.slice(7)), "utf8"), i.internal);
            for (const layer of JSON.parse(manifest).layers) {
                const pulled = await run("bash", ["-c", `"$0" blob --insecure "$1" | sha256sum`, crane(), `${repo}@${layer.digest}`]);
                assert.strictEqual(`sha256:${pulled.stdout.slice(0, 64)}`, layer.digest);
            }
            // And the tag points at the locked digest.
            assert.strictEqual((await run(crane(), ["digest", "--insecure", i.internal])).stdout.trim(), i.digest);
        }
        for (const c of lock.charts) {
            const dest = fs.mkdtempSync(path.join(work, "pull-"));
            await run(helm(), ["pull", `oci://${target.address}/charts/${c.name}`, "--version", c.version, "--plain-http", "--destination", dest]);
            assert.ok(fs.readFileSync(path.join(dest, `${c.name}-${c.version}.tgz`)).equals(fs.readFileSync(upstreamTgz.get(c.name)!)), c.name);
        }
    });

    it("a second seed makes no PUT (nor any other write)", async () => {
        const before = writes();
        const r = await seed(bundle);
        assert.strictEqual(r.pushed, 0);
        assert.strictEqual(writes(), before, `writes after the second seed: ${JSON.stringify(target.requests().slice(-5))}`);
        assert.ok(target.requests("PUT").length > 0, "the first seed's PUTs are in the log, so the count can fail");
    });

    it("resumes an interrupted bundle without fetching any complete blob twice", async () => {
        const layout = path.join(work, "interrupted");
        const lock = readLock(lockFile);
        const items = await bundlePlan(lock.lock, chartCache);
        const request = JSON.stringify({ layout, lockFile, plainHttp: [upstream.address], jobs: 1, items });
        const mark = upstream.requests().length;
        // First run, stopped (SIGKILL) as soon as one blob is written.
        await new Promise<void>((resolve) => {
            const child = spawn(toolPath("ocisupply"), ["bundle"], { stdio: ["pipe", "ignore", "pipe"] });
            child.stderr.on("data", (d) => { if (String(d).includes("fetched ")) { child.kill("SIGKILL"); } });
            child.on("close", () => resolve());
            child.stdin.end(request);
        });
        assert.ok(!fs.existsSync(path.join(layout, "sha256sums")), "the first run was interrupted before it finished");
        const complete = fs.readdirSync(path.join(layout, "blobs", "sha256"));
        const second = JSON.parse((await run(toolPath("ocisupply"), ["bundle"], { input: request })).stdout);
        // Blobs and manifests are fetched by digest: count each digest's GETs over both runs.
        const since = upstream.requests().slice(mark).filter((r) => r.method === "GET").map((r) => /sha256:([a-f0-9]{64})$/.exec(r.path)?.[1]).filter(Boolean);
        for (const blob of complete) {
            assert.ok(since.filter((b) => b === blob).length <= 1, `complete blob ${blob} was fetched again`);
        }
        assert.ok(second.fetchedBlobs > 0, "the second run fetched what the first left incomplete");
        await run("sha256sum", ["--quiet", "-c", "sha256sums"], { cwd: layout });
        await run(toolPath("ocisupply"), ["verify", "--layout", layout]);
    });

    it("a tag re-pushed with other content after seeding changes nothing the stack renders", async () => {
        const lockFileContent = readLock(lockFile);
        const settings = pinToLock(stackSettings(stackFile), lockFileContent);
        const renderAll = async () => {
            const out: string[] = [];
            for (const chart of stackCharts(settings)) {
                const ref = (settings as any)[chart.section].chart as string;
                assert.match(ref, /@sha256:[a-f0-9]{64}$/, "the stack names charts by digest");
                const dest = fs.mkdtempSync(path.join(work, "render-"));
                // As the stack's renderer does with a digest reference: no version, the digest alone.
                await run(helm(), ["pull", ref, "--plain-http", "--destination", dest]);
                const tgz = path.join(dest, fs.readdirSync(dest)[0]);
                const objects = await renderChart(tgz, chart);
                out.push(JSON.stringify(objects));
                for (const u of imagesInObjects(objects, chart.section).filter((i) => !i.base)) {
                    assert.match(u.image, /:[^/@]+@sha256:[a-f0-9]{64}$/, `${u.where} renders repo:tag@sha256`);
                }
            }
            return out;
        };
        const before = await renderAll();
        // Other content under the same tags: a different chart 0.1.0 and a different image.
        const other = path.join(work, "other-gitea");
        await run("cp", ["-r", path.join(PROJECT_DIR, "test", "charts", "gitea"), other]);
        fs.appendFileSync(path.join(other, "templates", "gitea.yaml"), "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: injected}\n");
        await pushChart(other, target.address, fs.mkdtempSync(path.join(work, "other-")));
        const byTag = fs.mkdtempSync(path.join(work, "by-tag-"));
        await run(helm(), ["pull", `oci://${target.address}/charts/gitea`, "--version", "0.1.0", "--plain-http", "--destination", byTag]);
        assert.ok(!fs.readFileSync(path.join(byTag, "gitea-0.1.0.tgz")).equals(fs.readFileSync(upstreamTgz.get("gitea")!)), "the chart tag moved");
        const argocd = `${target.address}/${BIG_IMAGE}`;
        await pushImage(argocd, 512);
        assert.notStrictEqual((await run(crane(), ["digest", "--insecure", argocd])).stdout.trim(), lockFileContent.lock.images.find((i) => i.internal === argocd)!.digest, "the tag moved");
        assert.deepStrictEqual(await renderAll(), before);
    });
});
