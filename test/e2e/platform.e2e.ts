// Copyright 2026, airgap-platform authors.
//
// The bootstrap for real: the pinned Pulumi CLI and plugins, a real kube-apiserver with KWOK nodes, a real
// sshd standing in for node-1 and Debian's docker-registry on it. Everything listens on 127.0.0.1.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { eventSeq, getJson, platformFixture, POLICY, REGISTRY, registryStatus, revealed } from "./support/fixture";
import { GENERATED_PASSWORD } from "../helpers/program-harness";
import { readEventLog } from "./support/pulumi";
import { run } from "./harness/cluster";
import { chartTag, readLock } from "../../supply/lock";
import { toolPath } from "../../supply/tools";

describe("bootstrap on a local cluster (real engine)", function () {
    this.timeout(20 * 60_000);
    const f = platformFixture("local");
    const eventLog = () => path.join(f.ws!.dir, "up-events.jsonl");
    const state = async () => JSON.parse((await f.ws!.mustPulumi(["stack", "export", "--show-secrets"])).stdout).deployment.resources as any[];

    it("previews with the policy pack and no violation", async () => {
        const r = await f.ws!.mustPulumi(["preview", ...POLICY, "--config-file", f.ws!.configFile]);
        assert.doesNotMatch(r.stdout, /mandatory/i, r.stdout);
    });

    it("brings the whole platform up", async () => {
        await f.ws!.mustPulumi(["up", "--yes", "--skip-preview", ...POLICY, "--event-log", eventLog(), "--config-file", f.ws!.configFile]);
        assert.strictEqual(await registryStatus(), 200, "the registry answers /v2/");
    });

    it("seeds the registry from the bundle before any chart, and every workload names its image by the lock's digest", async () => {
        const lock = readLock("/tmp/airgap-e2e/supply/artifacts.lock.yaml").lock;
        for (const entry of [...lock.images, ...lock.artifacts]) {
            assert.strictEqual((await run(toolPath("crane"), ["digest", "--insecure", entry.internal])).stdout.trim(), entry.digest, entry.internal);
        }
        for (const chart of lock.charts) {
            assert.strictEqual((await run(toolPath("crane"), ["digest", "--insecure", chartTag(chart)])).stdout.trim(), chart.digest, chart.name);
        }
        const locked = new Map(lock.images.map((i) => [i.internal, i.digest]));
        const deployments = (await getJson(f.cluster!, ["get", "deployments", "-A"])).items;
        const images: string[] = deployments.flatMap((d: any) => [...(d.spec.template.spec.initContainers ?? []), ...d.spec.template.spec.containers].map((c: any) => c.image));
        assert.ok(images.length >= 6);
        for (const image of images) {
            const [ref, digest] = image.split("@");
            assert.strictEqual(digest, locked.get(ref), `${image} is not named by the lock's digest`);
        }
        const events = readEventLog(eventLog());
        const seeded = Math.max(...eventSeq(events, "resOutputsEvent", (_, type) => type.endsWith(":RegistrySeed")));
        assert.ok(eventSeq(events, "resourcePreEvent", (_, type) => type === "kubernetes:helm.sh/v4:Chart").every((s) => s > seeded), "a chart started before the seed");
        const db = "/tmp/airgap-e2e/node-1/var/cache/trivy/db";
        assert.deepStrictEqual(fs.readdirSync(db).sort(), ["metadata.json", "trivy.db"], "Trivy's database unpacked on node-1");
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
        for (const expected of [/^gitea\/gitea-admin-/, /^gitea\/act-runner-registration-token-/, /^argocd\/argocd-redis$/, /^argocd\/argocd-secret$/,
            /^argocd\/argocd-repository-/, /^monitoring\/monitoring-grafana-admin-/]) {
            assert.ok(secrets.some((s: string) => expected.test(s)), `no Secret ${expected}`);
        }
    });

    it("keeps every generated secret and Gitea token out of the plain state", async () => {
        const resources = await state();
        const generated: string[] = resources
            .filter((r: any) => r.type === GENERATED_PASSWORD)
            .flatMap((r: any) => [r.outputs.result, r.outputs.bcryptHash])
            .map(revealed);
        const tokens: string[] = resources.filter((r: any) => /:Gitea(AccessToken|RunnerRegistrationToken)$/.test(r.type)).map((r: any) => revealed(r.outputs.token));
        assert.strictEqual(tokens.length, 3, "Argo CD's, the pipeline's and the runner's tokens");
        generated.push(...tokens);
        assert.strictEqual(generated.length, 11);
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

        const contentStart = Math.min(...eventSeq(events, "resourcePreEvent", (_, type) => type.includes("dynamic/airgap:Gitea")));
        assert.ok(contentStart > giteaReady, "Gitea's content started before Gitea was ready");
        const firstCommit = Math.max(...eventSeq(events, "resOutputsEvent", (_, type) => type.endsWith(":GiteaInitialCommit")));

        const crdsDone = eventSeq(events, "resOutputsEvent", (urn, type) => type.endsWith(":CustomResourceDefinition") && /(rollouts|analysistemplates)\.argoproj\.io/.test(urn));
        const appStarts = eventSeq(events, "resourcePreEvent", (_, type) => type === "kubernetes:argoproj.io/v1alpha1:Application");
        assert.ok(crdsDone.length >= 2 && appStarts.length === 1);
        assert.ok(Math.min(...appStarts) > Math.max(...crdsDone), "an Application started before the Rollouts CRDs existed");
        assert.ok(Math.min(...appStarts) > firstCommit, "an Application started before its repository had its first commit");
    });

    it("keeps Gitea's content in the real Gitea: lumen/lumen with its first commit, Argo CD and the runner with their own tokens", async () => {
        const repo = await f.gitea!.api("GET", "/repos/lumen/lumen");
        assert.deepStrictEqual([repo.status, repo.body.private, repo.body.default_branch], [200, true, "main"]);
        const files = await f.gitea!.api("GET", "/repos/lumen/lumen/contents/03-airgap-zone/manifests/app?ref=main");
        assert.ok(files.body.some((f: any) => f.name === "argoproj.io_v1alpha1-rollout-lumen-lumen-api.yaml"), JSON.stringify(files.body));
        assert.deepStrictEqual((await f.gitea!.api("GET", "/repos/lumen/lumen/actions/secrets")).body.map((s: any) => s.name), ["CI_TOKEN"]);

        const repositories = (await getJson(f.cluster!, ["get", "secrets", "-n", "argocd", "-l", "argocd.argoproj.io/secret-type=repository"])).items;
        assert.strictEqual(repositories.length, 1);
        const decode = (v: string) => Buffer.from(v, "base64").toString();
        assert.strictEqual(decode(repositories[0].data.username), "argocd", "Argo CD uses its machine user, not the admin");
        const argocdToken = decode(repositories[0].data.password);
        assert.notStrictEqual(argocdToken, f.gitea!.admin.password);
        assert.strictEqual((await f.gitea!.api("GET", "/repos/lumen/lumen", { auth: { token: argocdToken } })).status, 200);

        const orgToken = (await f.gitea!.api("POST", "/orgs/lumen/actions/runners/registration-token")).body.token;
        const runners = (await getJson(f.cluster!, ["get", "deployments", "-n", "gitea"])).items.filter((d: any) => d.metadata.name.startsWith("act-runner"));
        assert.ok(runners.length >= 1);
        for (const runner of runners) {
            const ref = runner.spec.template.spec.containers[0].env.find((e: any) => e.name === "GITEA_RUNNER_REGISTRATION_TOKEN").valueFrom.secretKeyRef;
            const secret = await getJson(f.cluster!, ["get", "secret", "-n", "gitea", ref.name]);
            assert.strictEqual(decode(secret.data[ref.key]), orgToken, `${runner.metadata.name} registers for lumen only`);
        }
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
        for (const gone of ["/orgs/lumen", "/repos/lumen/lumen", "/users/argocd", "/users/lumen-ci"]) {
            assert.strictEqual((await f.gitea!.api("GET", gone)).status, 404, `${gone} survived destroy`);
        }
    });
});
