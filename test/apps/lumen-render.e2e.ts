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
import { ROOT } from "./helpers/program-harness";

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

    it("rejects weights 20 then 10 before rendering, and restores the stack file", () => {
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

    it("passes pulumi preview --policy-pack ../../policy", () => {
        const state = path.join(tmp, "state");
        fs.mkdirSync(state);
        // `stack init` on the throwaway backend writes its salt into the stack file: put the file back.
        const before = fs.readFileSync(STACK_FILE, "utf8");
        const r = sh([
            `export PULUMI_BACKEND_URL="file://${state}" PULUMI_CONFIG_PASSPHRASE=e2e; unset KUBECONFIG`,
            "pulumi stack init airgap --non-interactive >/dev/null",
            `pulumi preview --stack airgap --non-interactive --policy-pack ${POLICY_PACK} --policy-pack-config policy-config.json`,
        ].join(" && "));
        fs.writeFileSync(STACK_FILE, before);
        assert.strictEqual(r.code, 0, r.out);
        assert.match(r.out, /Policies:|airgap-platform/);
        assert.doesNotMatch(r.out, /mandatory/i);
    });
});
