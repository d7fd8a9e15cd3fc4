// Copyright 2026, airgap-platform authors.
//
// A destroy waits for a namespace only as long as the bound its annotation gives (components/namespace.ts), then
// fails, the namespace's conditions naming what it still holds: real engine, real provider, real namespace
// controller on the local cluster.

import * as assert from "assert";
import * as path from "path";
import { Cluster, startCluster } from "./harness/cluster";
import { ROOT, Workspace } from "./support/pulumi";

const BOUND_SECONDS = 8;

describe("a destroy's wait for a namespace is bounded (real engine, real namespace controller)", function () {
    this.timeout(10 * 60_000);
    let cluster: Cluster;
    let ws: Workspace;
    before(async () => {
        cluster = await startCluster({ workers: 1 });
        ws = new Workspace("nsdelete", "Pulumi.nsdelete.yaml", {}, path.join(ROOT, "test", "e2e", "fixtures", "namespace-delete"));
        await ws.init({});
        for (const [key, value] of [["kubeconfig", cluster.kubeconfigPath], ["deleteTimeoutSeconds", String(BOUND_SECONDS)]]) {
            await ws.mustPulumi(["config", "set", `namespace-delete:${key}`, value, "--config-file", ws.configFile]);
        }
        await ws.mustPulumi(["up", "--yes", "--skip-preview", "--config-file", ws.configFile]);
    });
    after(async () => {
        ws?.remove();
        await cluster?.stop();
    });

    it("stops waiting after the bound, the namespace naming what it holds, and finishes once the content can go", async () => {
        const annotation = await cluster.kubectl(["get", "namespace", "held", "-o", "jsonpath={.metadata.annotations.pulumi\\.com/timeoutSeconds}"]);
        assert.strictEqual(annotation, String(BOUND_SECONDS));
        // Content that cannot be deleted until its finalizer is removed keeps the namespace terminating.
        await cluster.kubectl(["create", "configmap", "hold", "--namespace", "held"]);
        await cluster.kubectl(["patch", "configmap", "hold", "--namespace", "held", "--type", "merge", "-p", '{"metadata":{"finalizers":["airgap.test/hold"]}}']);

        const started = Date.now();
        const stuck = await ws.pulumi(["destroy", "--yes", "--config-file", ws.configFile]);
        const seconds = (Date.now() - started) / 1000;
        assert.notStrictEqual(stuck.code, 0, stuck.stdout);
        assert.match(stuck.stdout, /Namespace held \*\*deleting failed\*\* error: timed out waiting for the condition/);
        assert.ok(seconds >= BOUND_SECONDS && seconds < BOUND_SECONDS + 45, `the destroy stopped after ${seconds.toFixed(1)} s, bound ${BOUND_SECONDS} s`);
        // The provider's own warning names metadata.finalizers, which a namespace does not use ("()"): what it waits
        // for is in its conditions, which docs/bootstrap-speed.md tells the operator to read.
        assert.match(await cluster.kubectl(["get", "namespace", "held", "-o", "jsonpath={.status.phase}"]), /Terminating/);
        const conditions = await cluster.kubectl(["get", "namespace", "held", "-o", "jsonpath={range .status.conditions[?(@.status==\"True\")]}{.type}: {.message}{\"\\n\"}{end}"]);
        assert.match(conditions, /NamespaceContentRemaining: Some resources are remaining: configmaps\. has 1 resource instances/);
        assert.match(conditions, /NamespaceFinalizersRemaining: Some content in the namespace has finalizers remaining: airgap\.test\/hold in 1 resource instances/);

        await cluster.kubectl(["patch", "configmap", "hold", "--namespace", "held", "--type", "json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]']);
        const r = await ws.pulumi(["destroy", "--yes", "--config-file", ws.configFile]);
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        await assert.rejects(cluster.kubectl(["get", "namespace", "held"]), /NotFound|not found/);
    });
});
