// Copyright 2026, airgap-platform authors.
//
// The lumen app stack with the real Pulumi engine: renders with release.sh, checks that a render is
// byte-identical on repeat and equal to the committed output, that a bad config is rejected before
// anything is rendered, and that `pulumi preview --policy-pack` passes.
//
// End-to-end (named *.e2e.ts, so `npm test` leaves it out): needs the toolchain of scripts/setup-toolchain.sh
// (pulumi, pulumi-language-nodejs with policy-pack support, the kubernetes plugin); about 10 s per render.
//   npx mocha --no-config -r ts-node/register/transpile-only --extension ts --timeout 600000 test/apps/lumen-render.e2e.ts

import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RENDERED_LIST } from "../../apps/lumen/publish";
import { APP_DIR, STACK_FILE } from "./helpers/lumen";
import { ROOT } from "../helpers/program-harness";

/** The pack's executable analyzer for language hosts without RunPlugin (policy/analyzer.sh), else the folder. */
const POLICY_PACK = fs.existsSync(path.join(ROOT, "policy", "analyzer.sh")) ? "../../policy/analyzer.sh" : "../../policy";
const COMMITTED = path.join(APP_DIR, "rendered", "03-airgap-zone", "manifests", "app");

/** Runs a bash script with the toolchain environment, from apps/lumen. */
function sh(script: string, env: Record<string, string> = {}): { code: number; out: string } {
    const r = spawnSync("bash", ["-c", `. "${ROOT}/scripts/pulumi-env.sh" 2>/dev/null; ${script}`], {
        cwd: APP_DIR, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024,
    });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** Every file of a folder, name → bytes. */
function snapshot(dir: string): Record<string, string> {
    return Object.fromEntries(fs.readdirSync(dir).sort().map((n) => [n, fs.readFileSync(path.join(dir, n), "latin1")]));
}

describe("lumen app stack with the Pulumi engine (e2e)", function () {
    this.timeout(600000);
    let tmp: string;
    let first: Record<string, string>;

    before(function () {
        const tools = sh("command -v pulumi && pulumi plugin ls");
        assert.strictEqual(tools.code, 0, `the Pulumi toolchain is missing (run scripts/setup-toolchain.sh):\n${tools.out}`);
        assert.match(tools.out, /kubernetes/, `the kubernetes plugin is not installed:\n${tools.out}`);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lumen-e2e-"));
    });
    after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

    it("renders the committed stack file with release.sh --render, leaving the stack file alone", () => {
        const before = fs.readFileSync(STACK_FILE, "utf8");
        const r = sh(`bash release.sh --render --output "${tmp}/one"`);
        assert.strictEqual(r.code, 0, r.out);
        assert.strictEqual(fs.readFileSync(STACK_FILE, "utf8"), before);
        first = snapshot(path.join(tmp, "one"));
        assert.deepStrictEqual(first[RENDERED_LIST].trim().split("\n"), Object.keys(first).filter((n) => n !== RENDERED_LIST));
        assert.strictEqual(Object.keys(first).length, 8, Object.keys(first).join(", "));
    });

    it("renders byte-identical files the second time", () => {
        const r = sh(`bash release.sh --render --output "${tmp}/two"`);
        assert.strictEqual(r.code, 0, r.out);
        assert.deepStrictEqual(snapshot(path.join(tmp, "two")), first);
    });

    it("matches the committed render (apps/lumen/rendered), so Git holds what the stack file says", () =>
        assert.deepStrictEqual(snapshot(COMMITTED), first));

    it("releases v1.5.4 with one command: one line of the stack file and one line of the Rollout change", () => {
        const stack = `e2e-release-${process.pid}`;
        const file = path.join(APP_DIR, `Pulumi.${stack}.yaml`);
        const original = fs.readFileSync(STACK_FILE, "utf8");
        fs.writeFileSync(file, original);
        try {
            const r = sh(`bash release.sh v1.5.4 --stack ${stack} --output "${tmp}/release"`);
            assert.strictEqual(r.code, 0, r.out);
            const changedLines = (a: string, b: string) => {
                const x = a.split("\n");
                const y = b.split("\n");
                assert.strictEqual(x.length, y.length);
                return x.map((line, i) => [line, y[i]]).filter(([p, q]) => p !== q);
            };
            assert.deepStrictEqual(changedLines(original, fs.readFileSync(file, "utf8")), [["  lumen-app:imageTag: v1.5.3", "  lumen-app:imageTag: v1.5.4"]]);
            const released = snapshot(path.join(tmp, "release"));
            const differing = Object.keys(first).filter((n) => first[n] !== released[n]);
            assert.deepStrictEqual(differing, ["argoproj.io_v1alpha1-rollout-lumen-lumen-api.yaml"]);
            assert.deepStrictEqual(changedLines(first[differing[0]], released[differing[0]]).map(([, q]) => q.trim()), ["- image: 192.168.2.2:5000/lumen-api:v1.5.4"]);
        } finally {
            fs.rmSync(file, { force: true });
        }
    });

    it("rejects weights 20 then 10 before rendering, leaving the stack file unchanged", () => {
        const stack = `e2e-bad-${process.pid}`;
        const file = path.join(APP_DIR, `Pulumi.${stack}.yaml`);
        const bad = fs.readFileSync(STACK_FILE, "utf8").replace("weights: [20, 80, 100]", "weights: [20, 10, 100]");
        fs.writeFileSync(file, bad);
        try {
            const r = sh(`bash release.sh v1.5.4 --stack ${stack} --output "${tmp}/bad"`);
            assert.strictEqual(r.code, 1, r.out);
            assert.match(r.out, /lumen-app:canary\.weights\[1\]: is 10, not above 20/);
            assert.strictEqual(fs.readFileSync(file, "utf8"), bad);
            assert.ok(!fs.existsSync(path.join(tmp, "bad")));
        } finally {
            fs.rmSync(file, { force: true });
        }
    });

    /**
     * `pulumi preview` of the committed stack file with the pack: a stack of its own name in a throwaway
     * backend, reading a copy of the stack file (`--config-file`), so the committed file is never written.
     */
    function preview(extra: string): { code: number; out: string } {
        const state = fs.mkdtempSync(path.join(tmp, "state-"));
        const stack = `e2e-preview-${process.pid}`;
        const config = path.join(state, "Pulumi.airgap.yaml");
        fs.copyFileSync(STACK_FILE, config);
        try {
            return sh([
                `export PULUMI_BACKEND_URL="file://${state}" PULUMI_CONFIG_PASSPHRASE=e2e; unset KUBECONFIG`,
                `pulumi stack init ${stack} --non-interactive >/dev/null`,
                `pulumi preview --stack ${stack} --config-file "${config}" --non-interactive --policy-pack ${POLICY_PACK} ${extra}`,
            ].join(" && "));
        } finally {
            fs.rmSync(path.join(APP_DIR, `Pulumi.${stack}.yaml`), { force: true });
        }
    }

    it("passes pulumi preview --policy-pack with every Rollout rule", () => {
        const r = preview("--policy-pack-config policy-config.json");
        assert.strictEqual(r.code, 0, r.out);
        assert.match(r.out, /✅ airgap-platform@v[\d.]+/);
        assert.doesNotMatch(r.out, /\[mandatory\]|\[advisory\]/);
    });

    it("really runs the pack: without policy-config.json only the CRD-dependency rule blocks", () => {
        const r = preview("");
        assert.notStrictEqual(r.code, 0, r.out);
        const rules = new Set([...r.out.matchAll(/\[(?:mandatory|advisory)\] \[severity: \w+\]\s+([a-z-]+)/g)].map((m) => m[1]));
        assert.deepStrictEqual([...rules], ["stack-enforce-crd-dependency"], r.out);
    });
});
