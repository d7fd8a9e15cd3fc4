// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT_CLEAN, EXIT_MANDATORY, EXIT_UNREADABLE, main } from "../../../policy/cli/lint-manifests";
import { GITOPS_DIR } from "../fixtures";

const ROOT = path.join(__dirname, "..", "..", "..");

function run(args: string[], cwd = ROOT): { code: number; out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    const code = main(args, { out: (l) => out.push(l), err: (l) => err.push(l), cwd });
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

    it("exits 0 on the seed's GitOps folder and prints advisory findings and a summary", () => {
        const { code, out } = run([path.relative(ROOT, GITOPS_DIR)]);
        assert.strictEqual(code, EXIT_CLEAN);
        assert.ok(out.some((l) => l === "test/policy/fixtures/gitops/manifests/app/05-analysis-template.yaml: AnalysisTemplate/lumen/success-rate analysistemplate-disallow-lenient-failure-limit: [advisory] spec.metrics[0].failureLimit (metric \"success-rate\") is 3 with count 5, so 3 of 5 measurements can fail and the metric still ends Successful: the controller fails a metric only when failures exceed failureLimit, counted over the whole run, not consecutively. Lower failureLimit to 2 or less."), out.join("\n"));
        assert.strictEqual(out[out.length - 1], "5 findings (0 mandatory, 5 advisory) in 8 resources from 6 files");
    });

    it("exits 1 on a mandatory violation, with one line per finding in file: Kind/namespace/name rule: message form", () => {
        const { code, out } = run([path.join(dir, "bad")], dir);
        assert.strictEqual(code, EXIT_MANDATORY);
        const line = out.find((l) => l.includes("workload-enforce-internal-image"));
        assert.strictEqual(line, `${path.join(dir, "bad", "rollout.yaml")}: Rollout/lumen/lumen-api workload-enforce-internal-image: [mandatory] spec.template.spec.containers[0].image (container "lumen-api") is "lumen-api:latest", a bare name that resolves to Docker Hub; use 192.168.2.2:5000/lumen-api:<version>.`);
        for (const l of out.slice(0, -1)) {
            assert.match(l, /^[^:]+\.ya?ml: [A-Za-z]+\/[^/ ]+\/[^ ]+ [a-z-]+: \[(mandatory|advisory)\] /);
        }
        assert.match(out[out.length - 1], /^\d+ findings \(1 mandatory, \d+ advisory\) in 5 resources from 2 files$/);
    });

    it("resolves relative paths against the directory npm was started from", () => {
        const { code, out } = run(["bad/rollout.yaml", "bad/template.yml"], dir);
        assert.strictEqual(code, EXIT_MANDATORY);
        assert.ok(out[0].startsWith("bad/rollout.yaml: Rollout/lumen/lumen-api "), out[0]);
    });

    it("reads List documents and checks the manifest set as a whole", () => {
        const { code, out } = run(["list.yaml"], dir);
        assert.strictEqual(code, EXIT_MANDATORY);
        assert.ok(out.includes("list.yaml: Application/argocd/outside application-disallow-default-project: [mandatory] spec.project is \"default\", the built-in AppProject that allows any repository, any destination and every kind; set it to a dedicated project."), out.join("\n"));
    });

    it("exits 2 on a path that does not exist", () => {
        const { code, err, out } = run(["missing.yaml"], dir);
        assert.strictEqual(code, EXIT_UNREADABLE);
        assert.deepStrictEqual(err, ["missing.yaml: unreadable: no such file or directory"]);
        assert.match(out[out.length - 1], /; 1 unreadable input$/);
    });

    it("exits 2 on YAML that does not parse, even when other files have findings", () => {
        const { code, err } = run(["broken.yaml", "bad"], dir);
        assert.strictEqual(code, EXIT_UNREADABLE);
        assert.match(err[0], /^broken\.yaml: unreadable: YAML error at line \d+, column \d+: /);
    });

    it("exits 2 without paths, and on an invalid policy config", () => {
        assert.strictEqual(run([]).code, EXIT_UNREADABLE);
        const wrong = run(["--config", "wrong.json", "bad"], dir);
        assert.strictEqual(wrong.code, EXIT_UNREADABLE);
        assert.deepStrictEqual(wrong.err, ["wrong.json: workload-enforce-internal-image: unknown property \"registry\""]);
    });

    it("takes enforcement levels from the policy config", () => {
        const { code, out } = run(["--config", "lower.json", "bad"], dir);
        assert.strictEqual(code, EXIT_CLEAN);
        assert.ok(out.some((l) => l.includes("workload-enforce-internal-image: [advisory]")));
    });

    it("prints JSON with --format json", () => {
        const { code, out } = run(["--format", "json", "bad"], dir);
        assert.strictEqual(code, EXIT_MANDATORY);
        const parsed = JSON.parse(out.join("\n"));
        assert.strictEqual(parsed.summary.mandatory, 1);
        assert.ok(parsed.findings.some((f: { rule: string }) => f.rule === "workload-enforce-internal-image"));
    });

    it("runs as npm run lint:manifests does and sets the process exit code", function () {
        this.timeout(30000);
        const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "ts-node", "dist", "bin.js"), "--transpile-only", "policy/cli/lint-manifests.ts", path.join(dir, "bad", "rollout.yaml"), path.join(dir, "bad", "template.yml")], { cwd: ROOT, encoding: "utf8", env: { ...process.env, INIT_CWD: ROOT } });
        assert.strictEqual(result.status, EXIT_MANDATORY, result.stderr);
        assert.match(result.stdout, /workload-enforce-internal-image: \[mandatory\] /);
        assert.match(result.stdout, /\d+ findings \(1 mandatory, \d+ advisory\) in 5 resources from 2 files\n$/);
    });
});
