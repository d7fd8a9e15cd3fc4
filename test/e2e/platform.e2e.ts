// Copyright 2026, airgap-platform authors.
//
// The bootstrap for real: the pinned Pulumi CLI and plugins, a real kube-apiserver with KWOK nodes, a real
// sshd standing in for node-1 and Debian's docker-registry on it. Everything listens on 127.0.0.1.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { eventSeq, getJson, platformFixture, POLICY, REGISTRY, registryStatus } from "./support/fixture";
import { GENERATED_PASSWORD } from "../helpers/platform-harness";
import { readEventLog } from "./support/pulumi";

describe("bootstrap on a local cluster (real engine)", function () {
    this.timeout(20 * 60_000);
    const f = platformFixture("local");
    const eventLog = () => path.join(f.ws!.dir, "up-events.jsonl");

    it("previews with the policy pack and no violation", async () => {
        const r = await f.ws!.mustPulumi(["preview", ...POLICY, "--config-file", f.ws!.configFile]);
        assert.doesNotMatch(r.stdout, /mandatory/i, r.stdout);
    });

    it("brings the whole platform up", async () => {
        await f.ws!.mustPulumi(["up", "--yes", "--skip-preview", ...POLICY, "--event-log", eventLog(), "--config-file", f.ws!.configFile]);
        assert.strictEqual(await registryStatus(), 200, "the registry answers /v2/");
    });

    it("leaves every namespace, ready Deployment and established CRD in the live API", async () => {
        const namespaces = (await getJson(f.cluster!, ["get", "namespaces"])).items.map((n: any) => n.metadata.name);
        for (const ns of ["gitea", "monitoring", "argo-rollouts", "argocd"]) {
            assert.ok(namespaces.includes(ns), `namespace ${ns} missing: ${namespaces}`);
        }
        const deployments = (await getJson(f.cluster!, ["get", "deployments", "-A"])).items;
        const names = deployments.map((d: any) => `${d.metadata.namespace}/${d.metadata.name}`);
        for (const expected of [/^gitea\/gitea$/, /^gitea\/act-runner-/, /^monitoring\/kube-prometheus-stack-prometheus$/,
            /^argo-rollouts\/argo-rollouts$/, /^argocd\/argocd-server$/, /^argocd\/argocd-redis$/]) {
            assert.ok(names.some((n: string) => expected.test(n)), `no Deployment ${expected} in ${names}`);
        }
        for (const d of deployments) {
            assert.strictEqual(d.status.readyReplicas, d.spec.replicas, `${d.metadata.name} is not ready`);
        }
        const runner = deployments.find((d: any) => d.metadata.name.startsWith("act-runner-"));
        const runnerPods = (await getJson(f.cluster!, ["get", "pods", "-n", "gitea", "-l", "app=act-runner"])).items;
        assert.deepStrictEqual(runnerPods.map((p: any) => p.spec.nodeName), ["node-1"], `runner ${runner.metadata.name} not on node-1`);

        const crds = (await getJson(f.cluster!, ["get", "crd"])).items;
        for (const name of ["rollouts.argoproj.io", "analysistemplates.argoproj.io", "clusteranalysistemplates.argoproj.io",
            "applications.argoproj.io", "appprojects.argoproj.io", "servicemonitors.monitoring.coreos.com"]) {
            const crd = crds.find((c: any) => c.metadata.name === name);
            assert.ok(crd, `CRD ${name} missing`);
            assert.ok(crd.status.conditions.some((c: any) => c.type === "Established" && c.status === "True"), `${name} not established`);
        }
    });

    it("creates the AppProject, lumen-app with its wave and sync options, the NetworkPolicy and the Secrets", async () => {
        const project = await getJson(f.cluster!, ["get", "appprojects.argoproj.io", "platform", "-n", "argocd"]);
        assert.ok(project.spec.sourceRepos.every((r: string) => r.startsWith("http://gitea-http.gitea.svc.cluster.local:3000/")));
        const app = await getJson(f.cluster!, ["get", "applications.argoproj.io", "lumen-app", "-n", "argocd"]);
        assert.strictEqual(app.metadata.annotations["argocd.argoproj.io/sync-wave"], "3");
        assert.deepStrictEqual(app.spec.syncPolicy.syncOptions, ["CreateNamespace=true", "SkipDryRunOnMissingResource=true"]);
        assert.strictEqual(app.spec.project, "platform");
        const policies = (await getJson(f.cluster!, ["get", "networkpolicies", "-n", "argo-rollouts"])).items;
        assert.strictEqual(policies.length, 1);
        assert.strictEqual(policies[0].spec.egress[0].ports[0].port, 9090);
        const secrets = (await getJson(f.cluster!, ["get", "secrets", "-A"])).items.map((s: any) => `${s.metadata.namespace}/${s.metadata.name}`);
        for (const expected of [/^gitea\/gitea-admin-/, /^gitea\/gitea-runner-token-/, /^argocd\/argocd-redis$/, /^argocd\/argocd-secret$/,
            /^argocd\/argocd-repository-/, /^monitoring\/monitoring-grafana-admin-/]) {
            assert.ok(secrets.some((s: string) => expected.test(s)), `no Secret ${expected}`);
        }
    });

    it("keeps every generated secret out of the plain state", async () => {
        const revealed = JSON.parse((await f.ws!.mustPulumi(["stack", "export", "--show-secrets"])).stdout);
        const generated: string[] = revealed.deployment.resources
            .filter((r: any) => r.type === GENERATED_PASSWORD)
            .flatMap((r: any) => [r.outputs.result, r.outputs.bcryptHash])
            // --show-secrets keeps the secret envelope, with the value as JSON in `plaintext`.
            .map((v: any) => (typeof v === "string" ? v : JSON.parse(v.plaintext)));
        assert.strictEqual(generated.length, 10);
        const plain = (await f.ws!.mustPulumi(["stack", "export"])).stdout;
        for (const secret of generated) {
            assert.ok(!plain.includes(secret), "a generated secret is readable in pulumi stack export");
            assert.ok(!plain.includes(Buffer.from(secret).toString("base64")), "a generated secret is readable (base64) in pulumi stack export");
        }
        const key = fs.readFileSync(f.sshd!.privateKeyPath, "utf8").trim().split("\n")[1];
        assert.ok(!plain.includes(key), "the SSH key is readable in pulumi stack export");
    });

    it("orders the steps: registry before charts, Gitea before act_runner, Rollouts CRDs before Applications", () => {
        const events = readEventLog(eventLog());
        const registryDone = Math.max(...eventSeq(events, "resOutputsEvent", (urn) => urn.endsWith("::registry-service")));
        const chartStarts = eventSeq(events, "resourcePreEvent", (_, type) => type === "kubernetes:helm.sh/v4:Chart");
        assert.strictEqual(chartStarts.length, 4);
        assert.ok(chartStarts.every((s) => s > registryDone), "a chart started before the registry answered");

        const giteaReady = Math.max(...eventSeq(events, "resOutputsEvent", (urn, type) => type === "kubernetes:apps/v1:Deployment" && urn.includes("gitea-chart")));
        const runnerStart = Math.min(...eventSeq(events, "resourcePreEvent", (urn, type) => type === "kubernetes:apps/v1:Deployment" && urn.endsWith("::act-runner")));
        assert.ok(runnerStart > giteaReady, "act_runner started before Gitea was ready");

        const crdsDone = eventSeq(events, "resOutputsEvent", (urn, type) => type.endsWith(":CustomResourceDefinition") && /(rollouts|analysistemplates)\.argoproj\.io/.test(urn));
        const appStarts = eventSeq(events, "resourcePreEvent", (_, type) => type === "kubernetes:argoproj.io/v1alpha1:Application");
        assert.ok(crdsDone.length >= 2 && appStarts.length === 1);
        assert.ok(Math.min(...appStarts) > Math.max(...crdsDone), "an Application started before the Rollouts CRDs existed");
    });

    it("changes nothing on a second up", async () => {
        const r = await f.ws!.mustPulumi(["up", "--yes", "--expect-no-changes", "--config-file", f.ws!.configFile]);
        assert.doesNotMatch(r.stdout, /[1-9]\d* (to )?(create|update|replace|delete)/, r.stdout);
    });

    it("destroys everything but the registry's data", async () => {
        fs.writeFileSync(path.join(REGISTRY.dataDir, "kept-by-destroy"), "marker");
        await f.ws!.mustPulumi(["destroy", "--yes", "--config-file", f.ws!.configFile]);
        const crds = (await getJson(f.cluster!, ["get", "crd"])).items.map((c: any) => c.metadata.name);
        assert.deepStrictEqual(crds.filter((n: string) => n.endsWith("argoproj.io")), []);
        const apps = (await getJson(f.cluster!, ["get", "deployments", "-A"])).items
            .filter((d: any) => ["gitea", "monitoring", "argo-rollouts", "argocd"].includes(d.metadata.namespace));
        assert.deepStrictEqual(apps.map((d: any) => d.metadata.name), []);
        assert.strictEqual(await registryStatus(), 0, "the registry still answers after destroy");
        assert.ok(fs.existsSync(path.join(REGISTRY.dataDir, "kept-by-destroy")), "the registry data was deleted");
        assert.ok(!fs.existsSync(path.join(REGISTRY.nodeConfigRoot, "etc/rancher/k3s/registries.yaml")), "node trust left behind");
    });
});
