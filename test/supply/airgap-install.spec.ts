// Copyright 2026, airgap-platform authors.
//
// scripts/airgap-install.sh's checks before anything is installed, against small bundles made here (bash and
// coreutils only, no npm, no network): a manifest value that tries to reach the shell, a file that is missing,
// short or altered, and a bundle made for another lockfile. Every bundle here names a foreign lockfile, so even
// a check that wrongly passed would stop before `npm ci` touches this repository. The real install runs in
// test/supply/airgap-install.e2e.ts.

import * as assert from "assert";
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BastionManifest, formatManifest, MANIFEST_FILE } from "../../supply/bastion";
import { PROJECT_DIR } from "../../supply/tools";

const FOREIGN_LOCK = `sha256:${"0".repeat(64)}`;
const sha = (data: string | Buffer) => `sha256:${crypto.createHash("sha256").update(data).digest("hex")}`;

/** A bundle folder with small stand-in files whose digests the manifest records. */
function makeBundle(dir: string): BastionManifest {
    const files: Record<string, string> = {
        "bastion/npm-cache.tar": "npm cache stand-in",
        "bastion/toolchain-pulumi-1.0.0-nodejs-1.0.0-kubernetes-1.0.0.tgz": "toolchain stand-in",
        "bastion/ocisupply": "ocisupply stand-in",
        "supply/index.json": "{}",
    };
    files["supply/sha256sums"] = `${sha(files["supply/index.json"]).slice("sha256:".length)}  index.json\n`;
    for (const [rel, data] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), data);
    }
    const entry = (kind: BastionManifest["files"][number]["kind"], rel: string) => ({ kind, path: rel, sha256: sha(files[rel]), bytes: Buffer.byteLength(files[rel]) });
    const manifest: BastionManifest = {
        packageLock: FOREIGN_LOCK, npmSet: "production", node: "22.23.3",
        toolchain: { pulumi: "1.0.0", languageNodejs: "1.0.0", kubernetes: "1.0.0" },
        sizes: {},
        files: [
            entry("npm-cache", "bastion/npm-cache.tar"),
            entry("toolchain", "bastion/toolchain-pulumi-1.0.0-nodejs-1.0.0-kubernetes-1.0.0.tgz"),
            entry("ocisupply", "bastion/ocisupply"),
            entry("supply", "supply/sha256sums"),
        ],
    };
    fs.writeFileSync(path.join(dir, MANIFEST_FILE), formatManifest(manifest));
    return manifest;
}

function install(bundle: string): { code: number; out: string } {
    const r = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "airgap-install.sh"), bundle], { encoding: "utf8" });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe("scripts/airgap-install.sh: checks before installing", () => {
    let dir: string;
    let manifest: BastionManifest;
    const lockSha = () => sha(fs.readFileSync(path.join(PROJECT_DIR, "package-lock.json")));
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-install-spec-"));
        manifest = makeBundle(path.join(dir, "bundle"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("verifies every digest, then stops on another lockfile naming both, before npm ci", () => {
        const r = install(path.join(dir, "bundle"));
        assert.strictEqual(r.code, 1, r.out);
        assert.match(r.out, /every digest verified/);
        assert.match(r.out, new RegExp(`made for package-lock.json ${FOREIGN_LOCK} \\(node 22\\.23\\.3\\), this repository's is ${lockSha()} \\(node \\d+\\.\\d+\\.\\d+\\)`));
        assert.doesNotMatch(r.out, /npm ci --offline/);
    });

    it("refuses a manifest value that would reach the shell, running nothing of it", () => {
        const marker = path.join(dir, "ran");
        const file = path.join(dir, "bundle", MANIFEST_FILE);
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("bastion/ocisupply", `bastion/$(touch ${marker})`));
        const r = install(path.join(dir, "bundle"));
        assert.strictEqual(r.code, 1, r.out);
        assert.match(r.out, /malformed line 'file ocisupply/);
        assert.ok(!fs.existsSync(marker), "the command substitution never ran");
    });

    it("names a missing file, a short one and an altered one", () => {
        const bundle = path.join(dir, "bundle");
        fs.rmSync(path.join(bundle, "bastion", "ocisupply"));
        assert.match(install(bundle).out, /bastion\/ocisupply \(ocisupply\) is missing from the bundle/);
        fs.writeFileSync(path.join(bundle, "bastion", "ocisupply"), "short");
        assert.match(install(bundle).out, /bastion\/ocisupply \(ocisupply\) has 5 bytes, the manifest says 18: the bundle is incomplete or corrupted/);
        fs.writeFileSync(path.join(bundle, "bastion", "ocisupply"), "ocisupply stand-iN");
        assert.match(install(bundle).out, new RegExp(`bastion/ocisupply \\(ocisupply\\) does not have the sha256 the manifest records \\(${manifest.files[2].sha256}\\)`));
    });

    it("checks the supply layout's own sha256sums", () => {
        fs.writeFileSync(path.join(dir, "bundle", "supply", "index.json"), "{ }");
        const r = install(path.join(dir, "bundle"));
        assert.strictEqual(r.code, 1, r.out);
        assert.match(r.out, /the supply layout supply does not match its sha256sums/);
    });

    it("refuses a manifest of another format", () => {
        const file = path.join(dir, "bundle", MANIFEST_FILE);
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("format 1", "format 2"));
        assert.match(install(path.join(dir, "bundle")).out, /format '2' is not 1/);
    });
});
