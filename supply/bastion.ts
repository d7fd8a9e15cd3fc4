// Copyright 2026, airgap-platform authors.
//
// The bastion's part of the bundle (connected zone, written by `npm run bundle`): what the machine that runs
// Pulumi inside the air gap needs besides the registry's content, since it reaches no registry either.
//   bastion/npm-cache.tar     an npm cache holding the packages of package-lock.json (production set: what
//                             `npm ci --omit=dev` installs, the bootstrap's needs; `--npm-full`: every package),
//                             plus the Node binary package the `node` package installs (Node 22)
//   bastion/toolchain-*.tgz   the Pulumi CLI, its nodejs language host and the kubernetes plugin, from where
//                             scripts/pulumi-env.sh finds them, keyed by their versions
//   bastion/ocisupply         the OCI tool the seed runs
//   bastion/manifest          versions, every file's sha256 and size, and the bundle's size split
// plus the supply layout (its sha256sums) and the registry image tarball, each by sha256 in the manifest.
// scripts/airgap-install.sh checks and installs it; `ts-node supply/bastion.ts check BUNDLE` is its step that
// compares the toolchain versions with this repository's once node_modules exists.

import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kubernetesPluginVersion } from "../providers/kubernetes-plugin";
import { PROJECT_DIR, runTool, toolPath } from "./tools";

export const BASTION_DIR = "bastion";
export const MANIFEST_FILE = path.join(BASTION_DIR, "manifest");
export const NPM_CACHE_FILE = path.join(BASTION_DIR, "npm-cache.tar");
export const OCISUPPLY_FILE = path.join(BASTION_DIR, "ocisupply");
const MANIFEST_FORMAT = 1;

/** production: what `npm ci --omit=dev` installs (dependencies: the program, the bootstrap, Node 22); full: everything. */
export type NpmSet = "production" | "full";
export type FileKind = "npm-cache" | "toolchain" | "ocisupply" | "registry-image" | "supply";
export type SizePart = "images" | "charts" | "artifacts" | "npm-cache" | "toolchain" | "ocisupply" | "registry-image";

export interface ToolchainVersions {
    pulumi: string;
    languageNodejs: string;
    kubernetes: string;
}

export interface BundleFile {
    kind: FileKind;
    sha256: string;
    bytes: number;
    /** Relative to the bundle folder. */
    path: string;
}

export interface BastionManifest {
    /** sha256 of the package-lock.json the npm cache was filled from. */
    packageLock: string;
    npmSet: NpmSet;
    /** Version of the `node` npm package (the Node the bastion runs). */
    node: string;
    toolchain: ToolchainVersions;
    sizes: Partial<Record<SizePart, number>>;
    files: BundleFile[];
}

const SHA256 = /^sha256:[0-9a-f]{64}$/;
/** A path inside the bundle: what the installer accepts before it quotes it (no .., no leading / or -). */
const BUNDLE_PATH = /^[A-Za-z0-9_][A-Za-z0-9._/-]*$/;
const VALUE = /^[0-9A-Za-z][0-9A-Za-z.+:-]*$/;
const FILE_KINDS: FileKind[] = ["npm-cache", "toolchain", "ocisupply", "registry-image", "supply"];
const SIZE_PARTS: SizePart[] = ["images", "charts", "artifacts", "npm-cache", "toolchain", "ocisupply", "registry-image"];

/** The toolchain archive's name: keyed by every version in it. */
export function toolchainArchiveName(v: ToolchainVersions): string {
    return path.join(BASTION_DIR, `toolchain-pulumi-${v.pulumi}-nodejs-${v.languageNodejs}-kubernetes-${v.kubernetes}.tgz`);
}

/** The manifest as lines `key value...`, read by scripts/airgap-install.sh with `read -r`. */
export function formatManifest(m: BastionManifest): string {
    return [
        "# airgap-platform bundle manifest, written by npm run bundle; scripts/airgap-install.sh checks it",
        `format ${MANIFEST_FORMAT}`,
        `package-lock ${m.packageLock}`,
        `npm-set ${m.npmSet}`,
        `node ${m.node}`,
        `pulumi ${m.toolchain.pulumi}`,
        `pulumi-language-nodejs ${m.toolchain.languageNodejs}`,
        `kubernetes ${m.toolchain.kubernetes}`,
        ...SIZE_PARTS.filter((p) => m.sizes[p] !== undefined).map((p) => `size ${p} ${m.sizes[p]}`),
        ...m.files.map((f) => `file ${f.kind} ${f.sha256} ${f.bytes} ${f.path}`),
        "",
    ].join("\n");
}

/** Parses a manifest; throws listing every malformed line. */
export function parseManifest(text: string, where = MANIFEST_FILE): BastionManifest {
    const problems: string[] = [];
    const values = new Map<string, string>();
    const sizes: BastionManifest["sizes"] = {};
    const files: BundleFile[] = [];
    text.split("\n").forEach((raw, i) => {
        const line = raw.trim();
        if (line === "" || line.startsWith("#")) {
            return;
        }
        const [key, ...rest] = line.split(/\s+/);
        const bad = (why: string): void => { problems.push(`${where}:${i + 1}: ${why}: ${line}`); };
        if (key === "file") {
            const [kind, sha256, bytes, file] = rest;
            if (rest.length !== 4 || !FILE_KINDS.includes(kind as FileKind)) {
                return bad(`expected 'file KIND sha256:HEX BYTES PATH' with KIND one of ${FILE_KINDS.join(", ")}`);
            }
            if (!SHA256.test(sha256) || !/^\d+$/.test(bytes) || !BUNDLE_PATH.test(file) || file.split("/").includes("..")) {
                return bad("malformed digest, size or path (a path inside the bundle: letters, digits, . _ / -)");
            }
            files.push({ kind: kind as FileKind, sha256, bytes: Number(bytes), path: file });
        } else if (key === "size") {
            if (rest.length !== 2 || !SIZE_PARTS.includes(rest[0] as SizePart) || !/^\d+$/.test(rest[1])) {
                return bad(`expected 'size PART BYTES' with PART one of ${SIZE_PARTS.join(", ")}`);
            }
            sizes[rest[0] as SizePart] = Number(rest[1]);
        } else if (rest.length !== 1 || !VALUE.test(rest[0])) {
            bad("expected 'KEY VALUE'");
        } else {
            values.set(key, rest[0]);
        }
    });
    const need = (key: string, ok: (v: string) => boolean, what: string) => {
        const v = values.get(key);
        if (v === undefined || !ok(v)) {
            problems.push(`${where}: '${key}' must be ${what}${v === undefined ? " (missing)" : `, got ${v}`}`);
        }
        return v ?? "";
    };
    need("format", (v) => v === String(MANIFEST_FORMAT), `${MANIFEST_FORMAT}`);
    const manifest: BastionManifest = {
        packageLock: need("package-lock", (v) => SHA256.test(v), "sha256:<64 hex digits>"),
        npmSet: need("npm-set", (v) => v === "production" || v === "full", "production or full") as NpmSet,
        node: need("node", () => true, "a version"),
        toolchain: {
            pulumi: need("pulumi", () => true, "a version"),
            languageNodejs: need("pulumi-language-nodejs", () => true, "a version"),
            kubernetes: need("kubernetes", () => true, "a version"),
        },
        sizes,
        files,
    };
    // Only docker mode has a registry image tarball.
    for (const kind of FILE_KINDS.filter((k) => k !== "registry-image")) {
        const n = files.filter((f) => f.kind === kind).length;
        if (n !== 1) {
            problems.push(`${where}: ${n === 0 ? "no" : "more than one"} '${kind}' file`);
        }
    }
    if (problems.length > 0) {
        throw new Error(`${where} is not a bundle manifest this installer can use:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    return manifest;
}

/** What differs between the bundle and this repository, each naming both versions (empty when none). */
export function versionMismatches(bundle: BastionManifest, repo: { packageLock: string; toolchain: ToolchainVersions }): string[] {
    const problems: string[] = [];
    if (bundle.packageLock !== repo.packageLock) {
        problems.push(`the bundle's npm cache was filled from package-lock.json ${bundle.packageLock}, this repository's is ${repo.packageLock}: make the bundle again from this commit (npm run bundle)`);
    }
    const pieces: [keyof ToolchainVersions, string, string][] = [
        ["pulumi", "pulumi CLI", "package.json @pulumi/pulumi"],
        ["languageNodejs", "pulumi-language-nodejs", "tools/pulumi/pins.txt"],
        ["kubernetes", "kubernetes plugin", "tools/providers/pins.txt"],
    ];
    for (const [key, name, pinnedIn] of pieces) {
        if (bundle.toolchain[key] !== repo.toolchain[key]) {
            problems.push(`the bundle's toolchain has ${name} ${bundle.toolchain[key]}, this repository pins ${repo.toolchain[key]} (${pinnedIn}): make the bundle again from this commit`);
        }
    }
    return problems;
}

/** The toolchain versions this repository pins (the ones scripts/pulumi-env.sh and the program expect). */
export function toolchainVersions(projectDir = PROJECT_DIR): ToolchainVersions {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    const pulumi = pkg.dependencies?.["@pulumi/pulumi"] ?? "";
    const pins = path.join(projectDir, "tools", "pulumi", "pins.txt");
    const line = fs.readFileSync(pins, "utf8").split("\n").find((l) => l.split(/\s+/)[0] === "pulumi-language-nodejs");
    // The language host's version is the line's first version-shaped field (with or without the Go module's v).
    const languageNodejs = line?.split(/\s+/).slice(1).find((f) => /^v?\d+\.\d+\.\d+/.test(f))?.replace(/^v/, "") ?? "";
    if (!/^\d+\.\d+\.\d+$/.test(pulumi) || !languageNodejs) {
        throw new Error(`cannot read the toolchain versions: package.json @pulumi/pulumi '${pulumi}', ${pins} pulumi-language-nodejs '${languageNodejs}'`);
    }
    return { pulumi, languageNodejs, kubernetes: kubernetesPluginVersion(path.join(projectDir, "tools", "providers", "pins.txt")) };
}

interface LockPackage {
    name?: string;
    version?: string;
    dev?: boolean;
    link?: boolean;
    inBundle?: boolean;
}

/** One package of the npm cache. */
export interface NpmPackage {
    name: string;
    version: string;
}

/**
 * The packages of a package-lock.json (v2 or v3) the bastion installs: production (not `dev`, so what
 * `npm ci --omit=dev` installs) or all. The `node` package installs its binary from `node-<platform>` at
 * install time (its preinstall runs `npm install node-<platform>@<version>`), so that one is added too.
 */
export function npmPackages(lockText: string, set: NpmSet, nodePlatform: string): NpmPackage[] {
    const lock = JSON.parse(lockText) as { lockfileVersion?: number; packages?: Record<string, LockPackage> };
    if (!lock.packages || (lock.lockfileVersion ?? 1) < 2) {
        throw new Error("package-lock.json must be lockfileVersion 2 or 3 (npm 7 or later)");
    }
    const wanted = new Map<string, NpmPackage>();
    for (const [where, p] of Object.entries(lock.packages)) {
        if (where === "" || p.link || p.inBundle || (set === "production" && p.dev)) {
            continue;
        }
        // An alias (node_modules/x with name y) is fetched under its real name.
        const name = p.name ?? where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length);
        if (!p.version) {
            throw new Error(`package-lock.json: ${where} has no version`);
        }
        wanted.set(`${name}@${p.version}`, { name, version: p.version });
    }
    const node = lock.packages["node_modules/node"];
    if (node?.version && wanted.has(`node@${node.version}`)) {
        wanted.set(`node-${nodePlatform}@${node.version}`, { name: `node-${nodePlatform}`, version: node.version });
    }
    return [...wanted.values()].sort((a, b) => `${a.name}@${a.version}`.localeCompare(`${b.name}@${b.version}`));
}

/** The `node` package's version in a package-lock.json. */
export function nodeVersion(lockText: string): string {
    const version = (JSON.parse(lockText) as { packages?: Record<string, LockPackage> }).packages?.["node_modules/node"]?.version;
    if (!version) {
        throw new Error("package-lock.json has no node_modules/node: Node 22 comes through the `node` npm package");
    }
    return version;
}

/**
 * The package an npm cache (cacache) index key is about: the registry's packument of a name, a tarball
 * (its URL, or pacote's own tarball key), or nothing of ours.
 */
export function cacheKeyPackage(key: string): { packument: string } | { tarball: string } | undefined {
    const tarballKey = "pacote:tarball:";
    if (key.startsWith(tarballKey)) {
        return { tarball: key.slice(tarballKey.length) };
    }
    const requestKey = "make-fetch-happen:request-cache:";
    if (!key.startsWith(requestKey)) {
        return undefined;
    }
    let pathname: string;
    try {
        pathname = decodeURIComponent(new URL(key.slice(requestKey.length)).pathname).replace(/^\//, "");
    } catch {
        return undefined;
    }
    // <name>/-/<basename>-<version>.tgz, else the packument <name>.
    const m = /^(.+)\/-\/[^/]+-(\d[^/]*)\.tgz$/.exec(pathname);
    return m ? { tarball: `${m[1]}@${m[2]}` } : { packument: pathname };
}

/**
 * Copies the entries of `packages` from the npm cache `source` into the empty cache `target` (cacache's
 * on-disk format: index-v5 buckets of `sha1\tjson` lines, content-v2 by integrity). Throws naming every
 * package whose tarball is not in the source.
 */
export function copyNpmCacheEntries(source: string, target: string, packages: NpmPackage[]): { entries: number; bytes: number } {
    const names = new Set(packages.map((p) => p.name));
    const specs = new Set(packages.map((p) => `${p.name}@${p.version}`));
    const found = new Set<string>();
    const src = path.join(source, "_cacache");
    const dst = path.join(target, "_cacache");
    let entries = 0;
    let bytes = 0;
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
        .flatMap((d) => d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]);
    const index = path.join(src, "index-v5");
    for (const bucket of fs.existsSync(index) ? walk(index) : []) {
        const kept: string[] = [];
        for (const line of fs.readFileSync(bucket, "utf8").split("\n")) {
            const json = line.slice(line.indexOf("\t") + 1);
            let entry: { key?: string; integrity?: string | null };
            try {
                entry = JSON.parse(json);
            } catch {
                continue;
            }
            const about = entry.key ? cacheKeyPackage(entry.key) : undefined;
            const wanted = about !== undefined && ("tarball" in about ? specs.has(about.tarball) : names.has(about.packument));
            if (!entry.integrity || !wanted) {
                continue;
            }
            const contents = entry.integrity.split(/\s+/).map((i) => {
                const [algorithm, b64] = i.split("-", 2);
                const hex = Buffer.from(b64 ?? "", "base64").toString("hex");
                return path.join("content-v2", algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
            }).filter((c) => fs.existsSync(path.join(src, c)));
            if (contents.length === 0) {
                continue;
            }
            for (const c of contents) {
                const to = path.join(dst, c);
                if (!fs.existsSync(to)) {
                    fs.mkdirSync(path.dirname(to), { recursive: true });
                    fs.copyFileSync(path.join(src, c), to);
                    bytes += fs.statSync(to).size;
                }
            }
            if ("tarball" in about) {
                found.add(about.tarball);
            }
            kept.push(line);
            entries++;
        }
        if (kept.length > 0) {
            const to = path.join(dst, path.relative(src, bucket));
            fs.mkdirSync(path.dirname(to), { recursive: true });
            fs.appendFileSync(to, kept.map((l) => `\n${l}`).join(""));
        }
    }
    const missing = [...specs].filter((s) => !found.has(s));
    if (missing.length > 0) {
        throw new Error(`the npm cache ${source} lacks ${missing.length} package(s): ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", ..." : ""}`);
    }
    return { entries, bytes };
}

/** sha256 of a file, streamed. */
export function sha256OfFile(file: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const hash = crypto.createHash("sha256");
        fs.createReadStream(file).on("error", reject).on("data", (d) => hash.update(d)).on("end", () => resolve(`sha256:${hash.digest("hex")}`));
    });
}

interface Descriptor {
    mediaType?: string;
    digest: string;
    size: number;
    annotations?: Record<string, string>;
}

/** Bytes of the supply layout by kind of entry (images, charts, artifacts), each blob counted once. */
export function supplySizes(layout: string): Pick<Record<SizePart, number>, "images" | "charts" | "artifacts"> {
    const blob = (digest: string) => path.join(layout, "blobs", ...digest.split(":"));
    const seen = new Set<string>();
    const sizes = { images: 0, charts: 0, artifacts: 0 };
    const count = (part: keyof typeof sizes, d: Descriptor) => {
        if (!seen.has(d.digest)) {
            seen.add(d.digest);
            sizes[part] += d.size;
        }
    };
    const visit = (part: keyof typeof sizes, d: Descriptor) => {
        count(part, d);
        const doc = JSON.parse(fs.readFileSync(blob(d.digest), "utf8")) as { manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] };
        doc.manifests?.forEach((m) => visit(part, m));
        [doc.config, ...(doc.layers ?? [])].forEach((b) => b && count(part, b));
    };
    const index = JSON.parse(fs.readFileSync(path.join(layout, "index.json"), "utf8")) as { manifests: Descriptor[] };
    for (const d of index.manifests) {
        const kind = d.annotations?.["io.airgap-platform.supply.kind"];
        visit(kind === "chart" ? "charts" : kind === "artifact" ? "artifacts" : "images", d);
    }
    return sizes;
}

/** Runs a command (no shell); throws with its output on failure. */
async function must(bin: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
    const r = await runTool(bin, args, { env: env ?? process.env });
    if (r.code !== 0) {
        throw new Error(`${path.basename(bin)} ${args.slice(0, 3).join(" ")} ... failed (exit ${r.code}):\n${(r.stderr || r.stdout).slice(-3000)}`);
    }
    return r.stdout;
}

/** Where scripts/pulumi-env.sh finds the toolchain: the pulumi bin folder and PULUMI_HOME. */
export async function toolchainLocation(projectDir = PROJECT_DIR): Promise<{ pulumiBin: string; pulumiHome: string }> {
    const out = await must("bash", ["-c", '. "$1/scripts/pulumi-env.sh" >/dev/null 2>&1; printf "%s\\n%s\\n" "$AIRGAP_PULUMI_BIN" "$PULUMI_HOME"', "pulumi-env", projectDir]);
    const [pulumiBin, pulumiHome] = out.split("\n");
    return { pulumiBin, pulumiHome };
}

export interface BastionBundleOptions {
    /** The bundle folder (holds the supply layout and the registry tarball; bastion/ is written into it). */
    root: string;
    /** The supply layout npm run bundle wrote. */
    supplyLayout: string;
    /** The registry image's `docker save` tarball (docker mode), when there is one. */
    registryTarball?: string;
    npmSet: NpmSet;
    /** node-<platform> the bastion's Node binary package is named after (linux-x64, linux-arm64). */
    nodePlatform: string;
    /** The npm cache the packages are taken from, filled first with `npm cache add` (the registry only for what it lacks). */
    npmSourceCache: string;
    projectDir?: string;
    log: (line: string) => void;
}

/** Fills `cache` with the packages (`npm cache add --prefer-offline`: the registry only for what it lacks). */
export async function fillNpmCache(cache: string, packages: NpmPackage[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
    const specs = packages.map((p) => `${p.name}@${p.version}`);
    for (let i = 0; i < specs.length; i += 100) {
        await must("npm", ["cache", "add", "--prefer-offline", "--cache", cache, "--", ...specs.slice(i, i + 100)], env);
    }
}

/** Writes bastion/ (npm cache, toolchain, ocisupply) and the manifest into the bundle folder; returns the manifest. */
export async function makeBastionBundle(o: BastionBundleOptions): Promise<BastionManifest> {
    const projectDir = o.projectDir ?? PROJECT_DIR;
    const root = path.resolve(o.root);
    const inside = (file: string, what: string) => {
        const rel = path.relative(root, path.resolve(file));
        if (rel.startsWith("..") || path.isAbsolute(rel) || !BUNDLE_PATH.test(rel)) {
            throw new Error(`${what} ${file} must be inside the bundle folder ${root} (it is carried with it), in a path of letters, digits, . _ / -`);
        }
        return rel;
    };
    const supplyDir = inside(o.supplyLayout, "the supply layout");
    const registryTarball = o.registryTarball === undefined ? undefined : inside(o.registryTarball, "the registry image tarball");
    fs.mkdirSync(path.join(root, BASTION_DIR), { recursive: true });

    const lockText = fs.readFileSync(path.join(projectDir, "package-lock.json"), "utf8");
    const packages = npmPackages(lockText, o.npmSet, o.nodePlatform);
    o.log(`bastion: ${packages.length} npm packages (${o.npmSet}) from ${o.npmSourceCache}`);
    await fillNpmCache(o.npmSourceCache, packages);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-npm-cache-"));
    try {
        copyNpmCacheEntries(o.npmSourceCache, work, packages);
        const tarball = path.join(root, NPM_CACHE_FILE);
        await must("tar", ["-cf", `${tarball}.partial`, "-C", work, "_cacache"]);
        fs.renameSync(`${tarball}.partial`, tarball);
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }

    const versions = toolchainVersions(projectDir);
    const archive = toolchainArchiveName(versions);
    const { pulumiBin, pulumiHome } = await toolchainLocation(projectDir);
    const plugin = path.join("plugins", `resource-kubernetes-v${versions.kubernetes}`);
    const sources = [pulumiBin, path.join(pulumiHome, plugin)];
    if (path.basename(pulumiBin) !== "bin") {
        throw new Error(`scripts/pulumi-env.sh names ${pulumiBin} as the pulumi folder; the archive and scripts/airgap-install.sh expect a bin/ folder`);
    }
    for (const s of sources) {
        if (!fs.existsSync(s)) {
            throw new Error(`${s} is missing: build the toolchain first (bash scripts/setup-toolchain.sh)`);
        }
    }
    const archivePath = path.join(root, archive);
    // Keyed by versions: reused unless a binary is newer than it (a rebuilt toolchain of the same versions).
    const newest = Math.max(...sources.flatMap((s) => fs.readdirSync(s).map((f) => fs.statSync(path.join(s, f)).mtimeMs)));
    if (!fs.existsSync(archivePath) || fs.statSync(archivePath).mtimeMs < newest) {
        o.log(`bastion: packing the toolchain into ${archive}`);
        // Members: bin/ (pulumi, its language host, the dynamic-provider shim) and plugins/resource-kubernetes-v<version>/.
        await must("tar", ["-czf", `${archivePath}.partial`, "-C", path.dirname(pulumiBin), path.basename(pulumiBin), "-C", pulumiHome, plugin]);
        fs.renameSync(`${archivePath}.partial`, archivePath);
    }

    fs.copyFileSync(toolPath("ocisupply"), path.join(root, OCISUPPLY_FILE));
    fs.chmodSync(path.join(root, OCISUPPLY_FILE), 0o755);

    const entries: [FileKind, string][] = [
        ["npm-cache", NPM_CACHE_FILE],
        ["toolchain", archive],
        ["ocisupply", OCISUPPLY_FILE],
        ...(registryTarball ? [["registry-image", registryTarball] as [FileKind, string]] : []),
        ["supply", path.join(supplyDir, "sha256sums")],
    ];
    const files: BundleFile[] = [];
    for (const [kind, rel] of entries) {
        const file = path.join(root, rel);
        files.push({ kind, path: rel, sha256: await sha256OfFile(file), bytes: fs.statSync(file).size });
    }
    const size = (kind: FileKind) => files.filter((f) => f.kind === kind).reduce((n, f) => n + f.bytes, 0);
    const manifest: BastionManifest = {
        packageLock: `sha256:${crypto.createHash("sha256").update(lockText).digest("hex")}`,
        npmSet: o.npmSet,
        node: nodeVersion(lockText),
        toolchain: versions,
        sizes: {
            ...supplySizes(path.join(root, supplyDir)),
            "npm-cache": size("npm-cache"), toolchain: size("toolchain"), ocisupply: size("ocisupply"),
            ...(registryTarball ? { "registry-image": size("registry-image") } : {}),
        },
        files,
    };
    fs.writeFileSync(path.join(root, MANIFEST_FILE), formatManifest(manifest));
    o.log(`bastion: ${sizeSplit(manifest)}`);
    return manifest;
}

/** One line: each part of the bundle in MB and the total. */
export function sizeSplit(m: Pick<BastionManifest, "sizes">): string {
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    const parts = SIZE_PARTS.filter((p) => m.sizes[p] !== undefined);
    const total = parts.reduce((n, p) => n + (m.sizes[p] ?? 0), 0);
    return `${parts.map((p) => `${p} ${mb(m.sizes[p] ?? 0)}`).join(", ")}; total ${mb(total)}`;
}

/** The node-<platform> suffix of the machine this runs on (the bastion's, when it is alike). */
export function defaultNodePlatform(): string {
    return `${process.platform}-${process.arch}`;
}

/**
 * `check BUNDLE`: the installer's version step, once node_modules exists; exit 1 naming both versions.
 * `fill-npm-cache [full]`: the connected zone's npm step alone, into npm's own cache (scripts/test-e2e.sh
 * runs it before the suite, so that the bastion e2e bundles from that cache without the registry).
 */
async function main(argv: string[]): Promise<number> {
    const [command, bundle] = argv;
    if (command === "fill-npm-cache") {
        const packages = npmPackages(fs.readFileSync(path.join(PROJECT_DIR, "package-lock.json"), "utf8"), bundle === "full" ? "full" : "production", defaultNodePlatform());
        const cache = process.env.npm_config_cache ?? path.join(os.homedir(), ".npm");
        await fillNpmCache(cache, packages);
        console.log(`${packages.length} packages in ${cache}`);
        return 0;
    }
    if (command !== "check" || !bundle) {
        console.error("usage: ts-node supply/bastion.ts check BUNDLE | fill-npm-cache [full]");
        return 2;
    }
    const manifest = parseManifest(fs.readFileSync(path.join(bundle, MANIFEST_FILE), "utf8"), path.join(bundle, MANIFEST_FILE));
    const lockText = fs.readFileSync(path.join(PROJECT_DIR, "package-lock.json"));
    const problems = versionMismatches(manifest, {
        packageLock: `sha256:${crypto.createHash("sha256").update(lockText).digest("hex")}`,
        toolchain: toolchainVersions(),
    });
    if (problems.length > 0) {
        console.error(`${bundle} was made for another version of this repository; nothing of its toolchain was installed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        return 1;
    }
    console.log(`toolchain pulumi ${manifest.toolchain.pulumi}, pulumi-language-nodejs ${manifest.toolchain.languageNodejs}, kubernetes ${manifest.toolchain.kubernetes}`);
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code), (e) => { console.error((e as Error).message); process.exit(1); });
}
