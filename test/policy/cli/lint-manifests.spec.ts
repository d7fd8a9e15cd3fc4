// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT_CLEAN, EXIT_MANDATORY, EXIT_UNREADABLE, main } from "../../../policy/cli/lint-manifests";
import { PARALLEL_MIN_BYTES } from "../../../policy/cli/parse-pool";
import { GITOPS_DIR } from "../fixtures";

const ROOT = path.join(__dirname, "..", "..", "..");

async function run(args: string[], cwd = ROOT): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), cwd });
    return { code, out, err };
}

describe("lint-manifests CLI", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "lint-manifests-"));
        const lumen = fs.readFileSync(path.join(GITOPS_DIR, "manifests/app/03-lumen-api.yaml"), "utf8");
        const template = fs.readFileSync(path.join(GITOPS_DIR, "manifests/app/05-analysis-template.yaml"), "utf8");
        fs.mkdirSync(path.join(dir, "bad"));
        fs.writeFileSync(path.join(dir, "bad", "rollout.yaml"), lumen.replace("192.168.2.2:5000/lumen-api:v1.5.3", "lumen-api:latest"));
        fs.writeFileSync(path.join(dir, "bad", "template.yml"), template);
        fs.writeFileSync(path.join(dir, "broken.yaml"), "apiVersion: v1\nkind: Service\nmetadata: [\n");
        fs.writeFileSync(path.join(dir, "list.yaml"), [
            "apiVersion: v1",
            "kind: List",
            "items:",
            "  - apiVersion: argoproj.io/v1alpha1",
            "    kind: Application",
            "    metadata: {name: outside, namespace: argocd}",
            "    spec: {project: default, source: {repoURL: 'https://github.com/x/y.git', path: app}}",
        ].join("\n"));
        fs.writeFileSync(path.join(dir, "lower.json"), JSON.stringify({ "workload-enforce-internal-image": { enforcementLevel: "advisory" } }));
        fs.writeFileSync(path.join(dir, "wrong.json"), JSON.stringify({ "workload-enforce-internal-image": { registry: 5 } }));
    });
    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("exits 0 on the seed's GitOps folder and prints advisory findings and a summary", async () => {
        const { code, out } = await run([path.relative(ROOT, GITOPS_DIR)]);
        assert.strictEqual(code, EXIT_CLEAN);
        assert.ok(out.some((l) => l === "test/policy/fixtures/gitops/manifests/app/05-analysis-template.yaml: AnalysisTemplate/lumen/success-rate analysistemplate-disallow-lenient-failure-limit: [advisory] spec.metrics[0].failureLimit (metric \"success-rate\") is 3 with count 5, so 3 of 5 measurements can fail and the metric still ends Successful: the controller fails a metric only when failures exceed failureLimit, counted over the whole run, not consecutively. Lower failureLimit to 2 or less."), out.join("\n"));
        assert.match(out[out.length - 1], /^\d+ findings \(0 mandatory, \d+ advisory\) in 8 resources from 6 files$/);
    });

    it("exits 1 on a mandatory violation, with one line per finding in file: Kind/namespace/name rule: message form", async () => {
        const { code, out } = await run([path.join(dir, "bad")], dir);
        assert.strictEqual(code, EXIT_MANDATORY);
        const line = out.find((l) => l.includes("workload-enforce-internal-image"));
        assert.strictEqual(line, `${path.join(dir, "bad", "rollout.yaml")}: Rollout/lumen/lumen-api workload-enforce-internal-image: [mandatory] spec.template.spec.containers[0].image (container "lumen-api") is "lumen-api:latest", a bare name that resolves to Docker Hub; use 192.168.2.2:5000/lumen-api:<version>.`);
        for (const l of out.slice(0, -1)) {
            assert.match(l, /^[^:]+\.ya?ml: [A-Za-z]+\/[^/ ]+\/[^ ]+ [a-z-]+: \[(mandatory|advisory)\] /);
        }
        assert.match(out[out.length - 1], /^\d+ findings \(1 mandatory, \d+ advisory\) in 5 resources from 2 files$/);
    });

    it("resolves relative paths against the directory npm was started from", async () => {
        const { code, out } = await run(["bad/rollout.yaml", "bad/template.yml"], dir);
        assert.strictEqual(code, EXIT_MANDATORY);
        assert.ok(out[0].startsWith("bad/rollout.yaml: Rollout/lumen/lumen-api "), out[0]);
    });

    it("reads List documents and checks the manifest set as a whole", async () => {
        const { code, out } = await run(["list.yaml"], dir);
        assert.strictEqual(code, EXIT_MANDATORY);
        assert.ok(out.includes("list.yaml: Application/argocd/outside application-disallow-default-project: [mandatory] spec.project is \"default\", the built-in AppProject that allows any repository, any destination and every kind; set it to a dedicated project."), out.join("\n"));
    });

    it("exits 2 on a path that does not exist", async () => {
        const { code, err, out } = await run(["missing.yaml"], dir);
        assert.strictEqual(code, EXIT_UNREADABLE);
        assert.deepStrictEqual(err, ["missing.yaml: unreadable: no such file or directory"]);
        assert.match(out[out.length - 1], /; 1 unreadable input$/);
    });

    it("exits 2 on YAML that does not parse, even when other files have findings", async () => {
        const { code, err } = await run(["broken.yaml", "bad"], dir);
        assert.strictEqual(code, EXIT_UNREADABLE);
        assert.deepStrictEqual(err, ["broken.yaml: unreadable: document 1 (line 1): YAML error at line 4, column 1: unexpected end of the stream within a flow collection"]);
    });

    it("exits 2 without paths, and on an invalid policy config", async () => {
        assert.strictEqual((await run([])).code, EXIT_UNREADABLE);
        const wrong = await run(["--config", "wrong.json", "bad"], dir);
        assert.strictEqual(wrong.code, EXIT_UNREADABLE);
        assert.deepStrictEqual(wrong.err, ["wrong.json: workload-enforce-internal-image: unknown property \"registry\""]);
    });

    it("takes enforcement levels from the policy config", async () => {
        const { code, out } = await run(["--config", "lower.json", "bad"], dir);
        assert.strictEqual(code, EXIT_CLEAN);
        assert.ok(out.some((l) => l.includes("workload-enforce-internal-image: [advisory]")));
    });

    it("prints JSON with --format json", async () => {
        const { code, out } = await run(["--format", "json", "bad"], dir);
        assert.strictEqual(code, EXIT_MANDATORY);
        const parsed = JSON.parse(out.join("\n"));
        assert.strictEqual(parsed.summary.mandatory, 1);
        assert.ok(parsed.findings.some((f: { rule: string }) => f.rule === "workload-enforce-internal-image"));
    });

    it("runs as npm run lint:manifests does (compiled JavaScript, no TypeScript at run time) and sets the process exit code", function () {
        this.timeout(120000);
        const script = compiledCli();
        const result = spawnSync(process.execPath, [script, path.join(dir, "bad", "rollout.yaml"), path.join(dir, "bad", "template.yml")], { cwd: ROOT, encoding: "utf8", env: { ...process.env, INIT_CWD: ROOT } });
        assert.strictEqual(result.status, EXIT_MANDATORY, result.stderr);
        assert.match(result.stdout, /workload-enforce-internal-image: \[mandatory\] /);
        assert.match(result.stdout, /\d+ findings \(1 mandatory, \d+ advisory\) in 5 resources from 2 files\n$/);
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts["lint:manifests"], `node ${path.relative(ROOT, script)}`);
    });
});

/** A Rollout whose only problem, if any, is the one a test writes into it. */
function rollout(name: string, podSpec: string[]): string[] {
    return [
        "apiVersion: argoproj.io/v1alpha1",
        "kind: Rollout",
        `metadata: {name: ${name}, namespace: lumen}`,
        "spec:",
        "  replicas: 2",
        "  revisionHistoryLimit: 3",
        "  progressDeadlineSeconds: 600",
        "  progressDeadlineAbort: true",
        `  selector: {matchLabels: {app: ${name}}}`,
        "  template:",
        `    metadata: {labels: {app: ${name}}}`,
        "    spec:",
        ...podSpec.map((l) => `      ${l}`),
        "  strategy: {canary: {steps: [{setWeight: 100}]}}",
    ];
}

const INTERNAL = "192.168.2.2:5000/lumen-api:v1.5.3";

/** The lines of one rule's findings, as `file Kind/ns/name: message-start`. */
function imageFindings(out: string[]): string[] {
    return out.filter((l) => l.includes(" workload-enforce-internal-image: ")).map((l) => l.replace(/ workload-enforce-internal-image: \[mandatory\] /, " ").replace(/ \(container .*$/, ""));
}

describe("lint-manifests CLI on hostile and unusual input", () => {
    let dir: string;
    let outside: string;
    const write = (rel: string, lines: string[] | string) => {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), Array.isArray(lines) ? `${lines.join("\n")}\n` : lines);
    };
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "lint-hostile-"));
        outside = fs.mkdtempSync(path.join(os.tmpdir(), "lint-outside-"));
    });
    afterEach(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(outside, { recursive: true, force: true });
    });

    it("applies YAML merge keys as kubectl and Argo CD do, so a merged initContainer's image is checked", async () => {
        write("merge.yaml", rollout("merged", [
            "<<: {initContainers: [{name: init, image: docker.io/x:latest}]}",
            `containers: [{name: app, image: "${INTERNAL}"}]`,
        ]));
        const { code, out } = await run(["merge.yaml"], dir);
        assert.strictEqual(code, EXIT_MANDATORY, out.join("\n"));
        assert.deepStrictEqual(imageFindings(out), ["merge.yaml: Rollout/lumen/merged spec.template.spec.initContainers[0].image"]);
    });

    it("lets a merge overwrite the keys written before it, as the Go reader does, so an image cannot be hidden behind an earlier key", async () => {
        write("anchors.yaml", [
            "base: &bad {initContainers: [{name: init, image: docker.io/x:latest}]}",
            "---",
            ...rollout("hidden", [
                `initContainers: [{name: init, image: "${INTERNAL}"}]`,
                "<<: {initContainers: [{name: init, image: docker.io/x:latest}]}",
                `containers: [{name: app, image: "${INTERNAL}"}]`,
            ]),
        ]);
        const { code, out } = await run(["anchors.yaml"], dir);
        assert.strictEqual(code, EXIT_MANDATORY, out.join("\n"));
        assert.deepStrictEqual(imageFindings(out), ["anchors.yaml: Rollout/lumen/hidden spec.template.spec.initContainers[0].image"]);
    });

    it("reads *.json manifests in a folder, as Argo CD's directory source does", async () => {
        const object = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "lumen" }, spec: { template: { spec: { containers: [{ name: "web", image: "nginx:latest" }] } } } };
        write("apps/web.json", JSON.stringify(object, null, 2));
        write("apps/notes.txt", "not a manifest");
        const { code, out } = await run(["apps"], dir);
        assert.strictEqual(code, EXIT_MANDATORY, out.join("\n"));
        assert.deepStrictEqual(imageFindings(out), [`${path.join("apps", "web.json")}: Deployment/lumen/web spec.template.spec.containers[0].image`]);
        assert.match(out[out.length - 1], / in 1 resource from 1 file$/);
    });

    it("reports a broken JSON manifest with its line and column", async () => {
        write("apps/broken.json", "{\n  \"kind\": \"Service\",\n  \"metadata\": {\"name\": \"x\",}\n}\n");
        write("apps/ok.yaml", rollout("ok", [`containers: [{name: app, image: "${INTERNAL}"}]`]));
        const { code, err } = await run(["apps"], dir);
        assert.strictEqual(code, EXIT_UNREADABLE);
        assert.deepStrictEqual(err, [`${path.join("apps", "broken.json")}: unreadable: document 1 (line 1): JSON error at line 3, column 28: Expected double-quoted property name`]);
    });

    it("never follows a symbolic link out of the folder, reports link loops on their own entry, skips dangling links as Argo CD does, and still checks every other file", async () => {
        write("tree/bad.yaml", rollout("bad", ["containers: [{name: app, image: nginx:latest}]"]));
        write("tree/sub/good.yaml", rollout("good", [`containers: [{name: app, image: "${INTERNAL}"}]`]));
        fs.writeFileSync(path.join(outside, "secret.yaml"), rollout("outside", ["containers: [{name: app, image: outside:latest}]"]).join("\n"));
        fs.symlinkSync(path.join(outside, "secret.yaml"), path.join(dir, "tree", "escape.yaml"));
        fs.symlinkSync(outside, path.join(dir, "tree", "escape-dir"));
        fs.symlinkSync("self.yaml", path.join(dir, "tree", "self.yaml"));
        fs.symlinkSync("ping", path.join(dir, "tree", "pong"));
        fs.symlinkSync("pong", path.join(dir, "tree", "ping"));
        fs.symlinkSync("..", path.join(dir, "tree", "sub", "up"));
        fs.symlinkSync("missing.yaml", path.join(dir, "tree", "dangling.yaml"));
        fs.symlinkSync("bad.yaml", path.join(dir, "tree", "again.yaml"));
        const { code, out, err } = await run(["tree"], dir);
        assert.strictEqual(code, EXIT_UNREADABLE);
        const t = (rel: string) => path.join("tree", rel);
        assert.deepStrictEqual(err, [
            `${t("escape-dir")}: unreadable: symbolic link to ${outside} leads outside tree; not followed`,
            `${t("escape.yaml")}: unreadable: symbolic link to ${path.join(outside, "secret.yaml")} leads outside tree; not followed`,
            `${t("ping")}: unreadable: symbolic link to pong: symbolic link loop`,
            `${t("pong")}: unreadable: symbolic link to ping: symbolic link loop`,
            `${t("self.yaml")}: unreadable: symbolic link to self.yaml: symbolic link loop`,
            `${t("sub/up")}: unreadable: symbolic link loop: .. is a folder that contains this link`,
            `${t("dangling.yaml")}: skipped: symbolic link to missing.yaml, which does not exist`,
        ]);
        // again.yaml is a second name for bad.yaml (already read); the outside file is never read.
        assert.deepStrictEqual(imageFindings(out), [`${t("bad.yaml")}: Rollout/lumen/bad spec.template.spec.containers[0].image`]);
        assert.match(out[out.length - 1], / in 2 resources from 2 files; 6 unreadable inputs$/);
    });

    it("follows a link given as the PATH itself, and links inside the folder", async () => {
        write("real/app.yaml", rollout("linked", ["containers: [{name: app, image: nginx:latest}]"]));
        fs.symlinkSync("real", path.join(dir, "alias"));
        fs.symlinkSync(path.join(dir, "real", "app.yaml"), path.join(dir, "real", "link.yml"));
        const { code, out, err } = await run(["alias"], dir);
        assert.deepStrictEqual(err, []);
        assert.strictEqual(code, EXIT_MANDATORY);
        assert.deepStrictEqual(imageFindings(out), [`${path.join("alias", "app.yaml")}: Rollout/lumen/linked spec.template.spec.containers[0].image`]);
    });

    it("reports one broken document of a multi-document file with its index, and checks the others", async () => {
        write("stream.yaml", [
            "# three documents; the second is broken",
            ...rollout("first", ["containers: [{name: app, image: nginx:latest}]"]),
            "---",
            "apiVersion: v1",
            "kind: Service",
            "metadata:",
            "  name: broken",
            "   namespace: lumen",
            "---",
            ...rollout("third", ["containers: [{name: app, image: busybox}]"]),
        ]);
        const { code, out, err } = await run(["stream.yaml"], dir);
        assert.strictEqual(code, EXIT_UNREADABLE);
        assert.deepStrictEqual(err, ["stream.yaml: unreadable: document 2 (line 17): YAML error at line 21, column 13: bad indentation of a mapping entry"]);
        assert.deepStrictEqual(imageFindings(out), ["stream.yaml: Rollout/lumen/first spec.template.spec.containers[0].image", "stream.yaml: Rollout/lumen/third spec.template.spec.containers[0].image"]);
        assert.match(out[out.length - 1], / in 2 resources from 1 file; 1 unreadable input$/);
    });

    it("refuses a file over the size limit (16 MiB by default, --max-file-size to change) with its name, and reads the rest", async () => {
        write("big.yaml", "");
        fs.truncateSync(path.join(dir, "big.yaml"), 16 * 1024 * 1024 + 1);
        write("small.yaml", rollout("small", ["containers: [{name: app, image: nginx:latest}]"]));
        const byDefault = await run([".", "--jobs", "1"], dir);
        assert.strictEqual(byDefault.code, EXIT_UNREADABLE);
        assert.deepStrictEqual(byDefault.err, ["big.yaml: unreadable: 16.0 MiB is over the 16 MiB limit for one file; raise it with --max-file-size if the file is meant to be this big"]);
        assert.deepStrictEqual(imageFindings(byDefault.out), ["small.yaml: Rollout/lumen/small spec.template.spec.containers[0].image"]);

        const lowered = await run(["--max-file-size", "100", "small.yaml"], dir);
        assert.strictEqual(lowered.code, EXIT_UNREADABLE);
        assert.match(lowered.err[0], /^small\.yaml: unreadable: \d+ bytes is over the 100 bytes limit for one file; /);
        assert.strictEqual((await run(["--max-file-size", "64KiB", "small.yaml"], dir)).code, EXIT_MANDATORY);
        const wrong = await run(["--max-file-size", "lots", "small.yaml"], dir);
        assert.strictEqual(wrong.code, EXIT_UNREADABLE);
        assert.strictEqual(wrong.err[0], "lint-manifests: --max-file-size is a size such as 16MiB, 512KiB or a number of bytes");
    });

    it("exits 2 with a clear message when a folder or file holds no Kubernetes resources at all", async () => {
        write("docs/README.md", "# nothing here");
        write("values.yaml", "replicaCount: 2\nimage: {tag: v1}\n");
        write("empty.yaml", "# only a comment\n---\n");
        const folder = await run(["docs"], dir);
        assert.strictEqual(folder.code, EXIT_UNREADABLE);
        assert.deepStrictEqual(folder.err, ["docs: no Kubernetes resources (no *.yaml, *.yml or *.json file); check the path"]);
        const files = await run(["values.yaml", "empty.yaml"], dir);
        assert.strictEqual(files.code, EXIT_UNREADABLE);
        assert.deepStrictEqual(files.err, [
            "values.yaml: no Kubernetes resources (1 file but no document with a kind); check the path",
            "empty.yaml: no Kubernetes resources (1 file but no document with a kind); check the path",
        ]);
    });

    it("gives the same findings on one thread and on several (large input goes to worker threads)", async function () {
        this.timeout(60000);
        // Just over the size from which worker threads are used.
        const apps: string[] = [];
        for (let i = 0, bytes = 0; bytes < PARALLEL_MIN_BYTES * 1.1; i++) {
            const app = [...rollout(`app-${i}`, [`containers: [{name: app, image: ${i % 50 === 0 ? "nginx:latest" : `"${INTERNAL}"`}}]`]), "---"];
            apps.push(...app);
            bytes += app.join("\n").length;
        }
        write("many.yaml", apps);
        write("inf.yaml", rollout("inf", ["containers: [{name: app, image: nginx:latest}]", "terminationGracePeriodSeconds: .inf"]));
        const one = await run(["--jobs", "1", "many.yaml", "inf.yaml"], dir);
        const two = await run(["--jobs", "2", "many.yaml", "inf.yaml"], dir);
        assert.strictEqual(one.code, EXIT_MANDATORY);
        assert.deepStrictEqual(two, one);
        assert.ok(imageFindings(one.out).length > 100, one.out.slice(-1)[0]);
    });

    it("refuses a bad --jobs value", async () => {
        const { code, err } = await run(["--jobs", "0", "x.yaml"], dir);
        assert.strictEqual(code, EXIT_UNREADABLE);
        assert.strictEqual(err[0], "lint-manifests: --jobs is the number of threads, 1 or more");
    });
});

/** The compiled CLI that `npm run lint:manifests` runs; built here when a checkout has none yet. */
function compiledCli(): string {
    const script = path.join(ROOT, "dist", "policy", "cli", "lint-manifests.js");
    if (!fs.existsSync(script)) {
        const build = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(build.status, 0, build.stdout);
    }
    return script;
}
