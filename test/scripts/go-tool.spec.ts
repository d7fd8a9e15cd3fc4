// Copyright 2026, airgap-platform authors.
//
// scripts/lib/go-tool.sh and scripts/build-go-tool.sh in real bash: the pins files parse, a malformed pin is
// refused naming its file, line and field, the cache key follows the line, and a real build of a tiny tracked
// module (in a scratch repository and cache) leaves the tracked folder untouched, is found cached the second
// time, and a failing build names the tool, its version and its build log.

import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kubernetesPluginVersion } from "../../providers/kubernetes-plugin";

const ROOT = path.resolve(__dirname, "..", "..");
const PINS_FILES = ["tools/servers/pins.txt", "tools/pulumi/pins.txt", "tools/providers/pins.txt", "tools/cluster/pins.txt"];

function env(extra: Record<string, string> = {}): Record<string, string> {
    return { PATH: `${path.join(ROOT, "node_modules", ".bin")}:/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin`, HOME: process.env.HOME ?? os.tmpdir(), ...extra };
}

/** Sources the library of `repo` and prints the fields gt_pin read for NAME (exit status of gt_pin on failure). */
function pin(name: string, repo = ROOT, cache = "/nonexistent-cache") {
    const script = `. '${repo}/scripts/lib/go-tool.sh' && gt_pin "$1" && printf '%s\\n' "$GT_PINS" "$GT_AREA" "$GT_MODULE" "$GT_VERSION" "$GT_PKG" "$GT_OPTS" "$(gt_cache_dir "$1")" "$(gt_ldflags /dev/null)" "$GT_OPT_BIN" "$(gt_fingerprint "$1" abc)"`;
    // A fixed Go version: the key is compared whole, and no `go env` runs per call.
    const r = spawnSync("bash", ["-c", script, "pin", name], { encoding: "utf8", env: env({ GT_REPO: repo, AIRGAP_CACHE: cache, GT_GOVERSION: "go1.99.0" }) });
    const [file, area, module, version, pkg, opts, cacheDir, ldflags, bin, fingerprint] = r.stdout.split("\n");
    return { status: r.status, stderr: r.stderr, file, area, module, version, pkg, opts, cacheDir, ldflags, bin, fingerprint };
}

/** A scratch repository: this repository's scripts/, a package.json and the given pins files. */
function scratchRepo(pins: Record<string, string>, pkg = { dependencies: { "@pulumi/pulumi": "3.260.0" } }): string {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), "go-tool-"));
    fs.cpSync(path.join(ROOT, "scripts"), path.join(repo, "scripts"), { recursive: true });
    fs.writeFileSync(path.join(repo, "package.json"), JSON.stringify(pkg));
    for (const [file, text] of Object.entries(pins)) {
        fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
        fs.writeFileSync(path.join(repo, file), text);
    }
    return repo;
}

function names(file: string): string[] {
    return fs.readFileSync(path.join(ROOT, file), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#")).map((l) => l.split(/\s+/)[0]);
}

describe("pinned Go tools (scripts/lib/go-tool.sh, real bash)", function () {
    this.timeout(120_000);
    const made: string[] = [];
    after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    describe("the repository's pins files", () => {
        it("pin each tool once, and every line parses", () => {
            const all = PINS_FILES.flatMap(names);
            assert.deepStrictEqual(all.filter((n, i) => all.indexOf(n) !== i), [], "a tool is pinned twice");
            // One bash for every line: the refusals below prove what a bad line does.
            const r = spawnSync("bash", ["-c", `. '${ROOT}/scripts/lib/go-tool.sh' && for n; do gt_pin "$n" || exit 1; done`, "pins", ...all],
                { encoding: "utf8", env: env() });
            assert.strictEqual(r.status, 0, r.stderr);
        });

        it("keep the cache paths the scripts and harnesses read", () => {
            const pulumiVersion = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];
            // scripts/pulumi-env.sh puts toolchain/pulumi-<npm version>/bin on PATH.
            assert.strictEqual(pin("pulumi").cacheDir, `/nonexistent-cache/toolchain/pulumi-${pulumiVersion}`);
            assert.strictEqual(pin("kubernetes").cacheDir, `/nonexistent-cache/toolchain/kubernetes-${kubernetesPluginVersion()}`);
            assert.strictEqual(pin("kubernetes").bin, "pulumi-resource-kubernetes");
            assert.match(pin("kube-apiserver").cacheDir, /^\/nonexistent-cache\/cluster\/kube-apiserver-v\d+\.\d+\.\d+$/);
            assert.strictEqual(pin("gitea").cacheDir, "/nonexistent-cache/tools/gitea-v1.26.0");
        });

        it("build kwok for the Kubernetes version of the kube-* lines", () => {
            const kube = pin("kube-apiserver").version;
            for (const name of ["kube-controller-manager", "kube-scheduler", "kubectl"]) {
                assert.strictEqual(pin(name).version, kube, name);
            }
            for (const name of ["kwok", "kwokctl"]) {
                assert.ok(pin(name).ldflags.includes(`-X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${kube.slice(1)} `), name);
            }
        });
    });

    describe("gt_pin", () => {
        const servers = "tools/servers/pins.txt";
        const parse = (line: string, name = "tool", extra: Record<string, string> = {}) => {
            const repo = scratchRepo({ [servers]: `# comment\n\n${line}\n`, ...extra });
            made.push(repo);
            return pin(name, repo, "/c");
        };

        it("reads the fields, the options in order, and derives the cache folder and key from the line", () => {
            const p = parse("tool example.com/a/tool v1.2.3 ./cmd/tool cgo tags=a,b ldx=main.version  ldxv=main.short ldset=main.mode=GA");
            assert.strictEqual(p.status, 0, p.stderr);
            assert.deepStrictEqual([p.file, p.area, p.module, p.version, p.pkg, p.bin], [servers, "tools", "example.com/a/tool", "v1.2.3", "./cmd/tool", "tool"]);
            assert.strictEqual(p.opts, "cgo tags=a,b ldx=main.version ldxv=main.short ldset=main.mode=GA");
            assert.strictEqual(p.cacheDir, "/c/tools/tool-v1.2.3");
            assert.strictEqual(p.ldflags, "-s -w -X main.version=v1.2.3 -X main.short=1.2.3 -X main.mode=GA");
            assert.match(p.fingerprint, /^tool example\.com\/a\/tool v1\.2\.3 \.\/cmd\/tool cgo tags=a,b ldx=main\.version ldxv=main\.short ldset=main\.mode=GA recipe=1 go1\.99\.0 src=abc$/);
        });

        it("takes npm:<package> as the exact version package.json pins, and names the toolchain folder without v", () => {
            const p = parse("pulumi example.com/pulumi/pkg/v3 npm:@pulumi/pulumi ./cmd/pulumi", "pulumi",
                { "tools/pulumi/pins.txt": "", [servers]: "" });
            assert.strictEqual(p.status, 2, "not in servers any more");
            const repo = scratchRepo({ "tools/pulumi/pins.txt": "pulumi example.com/pulumi/pkg/v3 npm:@pulumi/pulumi ./cmd/pulumi\n" });
            made.push(repo);
            const q = pin("pulumi", repo, "/c");
            assert.strictEqual(q.status, 0, q.stderr);
            assert.deepStrictEqual([q.version, q.area, q.cacheDir], ["v3.260.0", "toolchain", "/c/toolchain/pulumi-3.260.0"]);
            const ranged = scratchRepo({ "tools/pulumi/pins.txt": "pulumi example.com/pulumi/pkg/v3 npm:@pulumi/pulumi ./cmd/pulumi\n" }, { dependencies: { "@pulumi/pulumi": "^3.260.0" } });
            made.push(ranged);
            const r = pin("pulumi", ranged, "/c");
            assert.strictEqual(r.status, 2);
            assert.match(r.stderr, /package\.json: @pulumi\/pulumi must be pinned exactly, got '\^3\.260\.0'/);
        });

        const refusals: Array<[string, string, RegExp]> = [
            ["a missing PACKAGE", "tool example.com/a/tool v1.2.3", /tools\/servers\/pins\.txt:3: 'tool' needs NAME MODULE VERSION PACKAGE/],
            ["a version without v", "tool example.com/a/tool 1.2.3 .", /tools\/servers\/pins\.txt:3: 'tool': VERSION '1\.2\.3' is not a Go module version/],
            ["a module with shell characters", "tool example.com/a;rm v1.2.3 .", /MODULE 'example\.com\/a;rm' is neither a Go module path nor \.\/<folder/],
            ["a ./ module climbing out", "tool ./tools/../.. v1.2.3 .", /MODULE '\.\/tools\/\.\.\/\.\.' is neither/],
            ["an unknown option", "tool example.com/a/tool v1.2.3 . static", /unknown option 'static'/],
            ["a malformed option value", "tool example.com/a/tool v1.2.3 . tags=a;b", /malformed option 'tags=a;b'/],
            ["in= on a ./ module", "tool ./tools/x v1.2.3 . in=./tools/y", /in= builds an upstream MODULE inside a tools module/],
        ];
        for (const [what, line, message] of refusals) {
            it(`refuses ${what}, naming the file, the line and the field`, () => {
                const p = parse(line);
                assert.strictEqual(p.status, 2);
                assert.match(p.stderr, message);
            });
        }

        it("refuses a tool pinned in two files, and an unknown tool", () => {
            const p = parse("tool example.com/a/tool v1.2.3 .", "tool", { "tools/cluster/pins.txt": "tool example.com/b/tool v1.0.0 .\n" });
            assert.strictEqual(p.status, 2);
            assert.match(p.stderr, /'tool' is pinned twice: tools\/servers\/pins\.txt:3 and tools\/cluster\/pins\.txt:1/);
            const q = parse("tool example.com/a/tool v1.2.3 .", "other");
            assert.strictEqual(q.status, 2);
            assert.match(q.stderr, /no line 'other' in tools\/servers\/pins\.txt/);
        });
    });

    describe("scripts/build-go-tool.sh without Go (the air-gapped bastion)", () => {
        const withoutGo = (extra: Record<string, string>) => spawnSync("bash", [path.join(ROOT, "scripts", "build-go-tool.sh"), "ocisupply"],
            { encoding: "utf8", env: { ...env(extra), PATH: "/usr/bin:/bin" } });

        it("prints the bundled binary beside pulumi, and names what is missing when there is none", () => {
            const bin = fs.mkdtempSync(path.join(os.tmpdir(), "bundled-"));
            try {
                const none = withoutGo({ AIRGAP_PULUMI_BIN: bin });
                assert.strictEqual(none.status, 1);
                assert.match(none.stderr, /go is not on PATH \(and no bundled ocisupply in \$AIRGAP_PULUMI_BIN\)/);
                fs.writeFileSync(path.join(bin, "ocisupply"), "#!/bin/sh\n", { mode: 0o755 });
                const found = withoutGo({ AIRGAP_PULUMI_BIN: bin });
                assert.strictEqual(found.status, 0, found.stderr);
                assert.strictEqual(found.stdout, `${path.join(bin, "ocisupply")}\n`);
            } finally {
                fs.rmSync(bin, { recursive: true, force: true });
            }
        });
    });

    describe("scripts/build-go-tool.sh on a tracked module (real go build)", () => {
        let repo: string;
        let cache: string;
        const run = (...args: string[]) => spawnSync("bash", [path.join(repo, "scripts", "build-go-tool.sh"), ...args],
            { encoding: "utf8", env: env({ AIRGAP_CACHE: cache }) });
        const snapshot = (dir: string) => fs.readdirSync(dir).map((f) => `${f}\n${fs.readFileSync(path.join(dir, f), "utf8")}`).join("\n--\n");

        before(() => {
            // go.mod without a `go` line: a build with -mod=mod adds one, in the copy it builds in.
            repo = scratchRepo({
                "tools/servers/pins.txt": "hello ./tools/hello v0.1.0 . ldx=main.version\nbroken ./tools/broken v0.1.0 .\n",
                "tools/hello/go.mod": "module example.com/hello\n",
                "tools/hello/main.go": "package main\n\nimport \"fmt\"\n\nvar version = \"unstamped\"\n\nfunc main() { fmt.Println(\"hello\", version) }\n",
                "tools/broken/go.mod": "module example.com/broken\n\ngo 1.22\n",
                "tools/broken/main.go": "package main\n\nfunc main() { undefinedCall() }\n",
            });
            cache = fs.mkdtempSync(path.join(os.tmpdir(), "go-tool-cache-"));
            made.push(repo, cache);
        });

        it("builds it stamped, leaves the tracked folder untouched, then finds it cached", () => {
            const before = snapshot(path.join(repo, "tools", "hello"));
            const first = run("hello");
            assert.strictEqual(first.status, 0, first.stderr);
            const bin = first.stdout.trim();
            assert.strictEqual(bin, path.join(cache, "tools", "hello-v0.1.0", "bin", "hello"));
            assert.match(first.stderr, /building hello v0\.1\.0 from \.\/tools\/hello/);
            assert.strictEqual(spawnSync(bin, [], { encoding: "utf8" }).stdout, "hello v0.1.0\n");
            assert.strictEqual(snapshot(path.join(repo, "tools", "hello")), before, "the tracked module folder changed");

            const second = run("hello");
            assert.strictEqual(second.status, 0, second.stderr);
            assert.strictEqual(second.stdout.trim(), bin);
            assert.doesNotMatch(second.stderr, /building/);

            const dir = run("--dir", "hello");
            assert.strictEqual(dir.status, 0, dir.stderr);
            assert.strictEqual(dir.stdout.trim(), path.join(repo, "tools", "hello"));

            fs.appendFileSync(path.join(repo, "tools", "hello", "main.go"), "\n// changed\n");
            const third = run("hello");
            assert.strictEqual(third.status, 0, third.stderr);
            assert.match(third.stderr, /building hello v0\.1\.0/, "a changed source must rebuild");
        });

        it("fails naming the tool, its version, the step and the build log", () => {
            const r = run("broken");
            assert.strictEqual(r.status, 1);
            const log = path.join(cache, "tools", "broken-v0.1.0", "build.log");
            assert.match(r.stderr, new RegExp(`FAILED: broken v0\\.1\\.0, step: (go build|resolve dependencies)[^\\n]*log: ${log.replace(/[.]/g, "\\.")}`));
            assert.match(fs.readFileSync(log, "utf8"), /undefined: undefinedCall/);
            assert.ok(!fs.existsSync(path.join(cache, "tools", "broken-v0.1.0", "bin", "broken")));
        });

        it("refuses an in= tools module that does not require the pinned version, before any download", () => {
            const other = scratchRepo({
                "tools/cluster/pins.txt": "thing example.com/up/thing v1.2.0 example.com/up/thing in=./tools/thing\n",
                "tools/thing/go.mod": "module example.com/tools/thing\n\ngo 1.22\n\nrequire example.com/up/thing v1.1.0 // indirect\n",
            });
            made.push(other);
            const r = spawnSync("bash", [path.join(other, "scripts", "build-go-tool.sh"), "thing"], { encoding: "utf8", env: env({ AIRGAP_CACHE: cache, GOPROXY: "off" }) });
            assert.strictEqual(r.status, 2);
            assert.match(r.stderr, /thing v1\.2\.0: \.\/tools\/thing\/go\.mod requires example\.com\/up\/thing v1\.1\.0, tools\/cluster\/pins\.txt pins v1\.2\.0/);
            assert.match(r.stderr, /run 'bash scripts\/build-go-tool\.sh --sync thing' once/);
        });
    });
});
