// Copyright 2026, airgap-platform authors.
//
// The toolchain's nodejs language host honours the project's runtime options (tools/language-host): the
// 3.68.0 host takes them as flags, which the CLI no longer passes, so without the wrapper every program ran
// under ts-node. Real CLI, real host, a file backend, no cluster.

import * as assert from "assert";
import * as path from "path";
import { spawnSync } from "child_process";
import { ROOT, Workspace } from "./support/pulumi";

const FIXTURES = path.join(ROOT, "test", "e2e", "fixtures", "runtime-options");

async function outputsOf(project: string): Promise<{ typescriptEnv: string; tsNodeRegistered: boolean; execArgv: string[] }> {
    const ws = new Workspace("options", "../Pulumi.options.yaml", {}, path.join(FIXTURES, project));
    try {
        await ws.init({});
        await ws.mustPulumi(["up", "--yes", "--skip-preview", "--config-file", ws.configFile]);
        return JSON.parse((await ws.mustPulumi(["stack", "output", "--json"])).stdout);
    } finally {
        await ws.pulumi(["stack", "rm", "--yes", "--force"]);
        ws.remove();
    }
}

describe("the nodejs language host with the project's runtime options", function () {
    this.timeout(5 * 60_000);

    it("passes the wrapper's own tests (the options read from Pulumi.yaml, refusals named)", () => {
        const r = spawnSync("bash", [path.join(ROOT, "scripts", "build-go-tool.sh"), "--test", "language-host", "-count=1"], { encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /^ok\s/m);
    });

    it("runs a `typescript: false` program without ts-node, with its nodeargs", async () => {
        const o = await outputsOf("compiled");
        assert.deepStrictEqual(o, { typescriptEnv: "unset", tsNodeRegistered: false, execArgv: ["--stack-size=2000", "--no-warnings"] });
    });

    it("still registers ts-node for a `typescript: true` program (apps/lumen)", async () => {
        const o = await outputsOf("typescript");
        assert.strictEqual(o.typescriptEnv, "true");
        assert.strictEqual(o.tsNodeRegistered, true);
    });
});
