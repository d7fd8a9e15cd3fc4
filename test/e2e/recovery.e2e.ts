// Copyright 2026, airgap-platform authors.
//
// Bad faults, survived: the API server dies in the middle of `pulumi up`; after it is back, `pulumi refresh`
// and `pulumi up` converge with no duplicate object and no state surgery. Also: a stack that breaks the
// conventions is stopped by the policy pack at preview time.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { getJson, platformFixture, POLICY, STACK_FILE } from "./support/fixture";
import { ROOT, Workspace } from "./support/pulumi";

/** Resolves once `file` (an event log) holds at least `n` finished Kubernetes steps. */
async function waitForSteps(file: string, n: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        const done = fs.existsSync(file)
            ? fs.readFileSync(file, "utf8").split("\n").filter((l) => l.includes("resOutputsEvent") && l.includes('"type":"kubernetes:')).length
            : 0;
        if (done >= n) {
            return done;
        }
        await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`fewer than ${n} Kubernetes steps finished within ${timeoutMs} ms`);
}

describe("recovery from an API server crash in the middle of pulumi up (real engine)", function () {
    this.timeout(30 * 60_000);
    const f = platformFixture("fault");

    it("converges after refresh and up, with one object per resource and no pending operation", async () => {
        const events = path.join(f.ws!.dir, "crash-events.jsonl");
        const up = f.ws!.pulumi(["up", "--yes", "--skip-preview", "--event-log", events, "--config-file", f.ws!.configFile]);
        const stepsBeforeCrash = await waitForSteps(events, 6, 10 * 60_000);
        await f.cluster!.killApiServer();
        await new Promise((r) => setTimeout(r, 5000));
        await f.cluster!.restartApiServer();
        const interrupted = await up;
        console.log(`      crashed after ${stepsBeforeCrash} finished steps; that up exited ${interrupted.code}`);

        await f.ws!.mustPulumi(["refresh", "--yes", "--clear-pending-creates", "--config-file", f.ws!.configFile]);
        await f.ws!.mustPulumi(["up", "--yes", "--skip-preview", "--config-file", f.ws!.configFile]);

        const state = JSON.parse((await f.ws!.mustPulumi(["stack", "export"])).stdout);
        assert.deepStrictEqual(state.deployment.pending_operations ?? [], []);

        // Auto-named objects: a create lost in the crash and made again would leave a second one behind.
        const secrets = (await getJson(f.cluster!, ["get", "secrets", "-A"])).items.map((s: any) => `${s.metadata.namespace}/${s.metadata.name}`);
        for (const family of [/^gitea\/gitea-admin-/, /^gitea\/act-runner-registration-token-/, /^argocd\/argocd-repository-/, /^monitoring\/monitoring-grafana-admin-/]) {
            assert.strictEqual(secrets.filter((s: string) => family.test(s)).length, 1, `${family}: ${secrets.filter((s: string) => family.test(s))}`);
        }
        for (const [kind, family] of [["deployments", /^gitea\/act-runner-/], ["configmaps", /^gitea\/act-runner-config-/], ["pvc", /^gitea\/act-runner-state-/],
            ["networkpolicies", /^argo-rollouts\/argo-rollouts-controller-egress-/]] as [string, RegExp][]) {
            const names = (await getJson(f.cluster!, ["get", kind, "-A"])).items.map((o: any) => `${o.metadata.namespace}/${o.metadata.name}`);
            assert.strictEqual(names.filter((n: string) => family.test(n)).length, 1, `${kind} ${family}: ${names}`);
        }

        await f.ws!.mustPulumi(["up", "--yes", "--expect-no-changes", "--config-file", f.ws!.configFile]);
    });
});

describe("a stack that breaks the conventions (real engine)", function () {
    this.timeout(10 * 60_000);

    it("stops bad config before anything is created, naming every bad key", async () => {
        const ws = new Workspace("badconfig", STACK_FILE);
        try {
            await ws.init({});
            fs.writeFileSync(ws.configFile, fs.readFileSync(ws.configFile, "utf8")
                .replace("    publicHost: 127.0.0.1", "    publicHost: 127.0.0.1\n    nodePort: 80")
                .replace("    chartVersion: 0.1.0\n  airgap-platform:argocd:", "    chartVersion: ^0.1.0\n  airgap-platform:argocd:"));
            const r = await ws.pulumi(["up", "--yes", "--skip-preview", "--config-file", ws.configFile]);
            const out = r.stdout + r.stderr;
            assert.notStrictEqual(r.code, 0, out);
            assert.match(out, /airgap-platform:gitea\.nodePort: must be a NodePort between 30000 and 32767/);
            assert.match(out, /airgap-platform:argoRollouts\.chartVersion: must be one exact chart version/);
            assert.match(out, /airgap-platform:sshPrivateKey: is required while registry\.enabled is true/);
            const state = JSON.parse((await ws.mustPulumi(["stack", "export"])).stdout);
            assert.deepStrictEqual((state.deployment?.resources ?? []).filter((x: any) => x.type !== "pulumi:pulumi:Stack"), []);
        } finally {
            ws.remove();
        }
    });

    it("fails pulumi preview with the policy pack, naming the rules", async () => {
        const ws = new Workspace("violation", "Pulumi.violation.yaml", {}, path.join(ROOT, "test", "e2e", "fixtures", "violation"));
        try {
            await ws.init({});
            const r = await ws.pulumi(["preview", "--policy-pack", POLICY[1], "--config-file", ws.configFile]);
            const out = r.stdout + r.stderr;
            assert.notStrictEqual(r.code, 0, out);
            assert.match(out, /workload-enforce-internal-image/);
            assert.match(out, /rollout-enforce-weight-progression/);
        } finally {
            ws.remove();
        }
    });
});
