// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import { prometheusUrlFor } from "../../components/monitoring";
import {
    dependencyClosure, findResource, plainTextLeaks, PlatformRun, REMOTE_COMMAND, REMOTE_FILE, runPlatform, stackConfig, TEST_SSH_KEY,
} from "../helpers/platform-harness";
import { imagesInChartValues, imagesInPodSpecs } from "../helpers/images";

const SSH = { "airgap-platform:sshPrivateKey": TEST_SSH_KEY };
const REGISTRY = "192.168.2.2:5000";
const CHART = "kubernetes:helm.sh/v4:Chart";
const APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application";

describe("platform program (dev stack)", () => {
    let run: PlatformRun;
    before(async () => {
        run = await runPlatform({ ...stackConfig("Pulumi.dev.yaml"), ...SSH }, ["airgap-platform:sshPrivateKey"]);
        assert.ifError(run.error);
    });

    it("registers every component of the platform", () => {
        const components = run.resources.filter((r) => r.type.startsWith("airgap:index:")).map((r) => r.type).sort();
        assert.deepStrictEqual(components, [
            "airgap:index:ActRunner", "airgap:index:ArgoCD", "airgap:index:ArgoRollouts",
            "airgap:index:Gitea", "airgap:index:Monitoring", "airgap:index:NodeRegistry",
        ]);
        assert.strictEqual(run.resources.filter((r) => r.type === CHART).length, 4);
    });

    it("gives every Kubernetes object the explicit provider and a component as parent", () => {
        const provider = findResource(run, "pulumi:providers:kubernetes", "cluster");
        const kube = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(kube.length >= 19, `only ${kube.length} Kubernetes resources`);
        for (const r of kube) {
            const ref = r.remote ? r.providers.kubernetes : r.provider;
            assert.ok(ref?.startsWith(`${provider.urn}::`), `${r.type} ${r.name} uses provider ${ref}`);
            assert.match(r.parent, /airgap:index:/, `${r.type} ${r.name} has parent ${r.parent}`);
        }
    });

    describe("dependency order", () => {
        const waitsFor = (type: string, name: string, otherType: string, otherName: string) => {
            const later = findResource(run, type, name);
            const earlier = findResource(run, otherType, otherName);
            assert.ok(dependencyClosure(run, later.urn).has(earlier.urn), `${name} does not wait for ${otherName}`);
        };

        it("starts the registry only after every node trusts it", () =>
            waitsFor(REMOTE_COMMAND, "registry-service", REMOTE_COMMAND, "registry-trust-node-1"));

        it("installs every chart after the registry answers", () => {
            for (const chart of run.resources.filter((r) => r.type === CHART)) {
                waitsFor(CHART, chart.name, REMOTE_COMMAND, "registry-service");
            }
        });

        it("starts act_runner after Gitea", () =>
            waitsFor("kubernetes:apps/v1:Deployment", "act-runner", CHART, "gitea-chart"));

        it("installs Argo Rollouts after monitoring", () =>
            waitsFor(CHART, "argo-rollouts-chart", CHART, "monitoring-chart"));

        it("creates Applications after the Rollouts CRDs, the project and the repository", () => {
            const apps = run.resources.filter((r) => r.type === APPLICATION);
            assert.strictEqual(apps.length, 1);
            for (const app of apps) {
                waitsFor(APPLICATION, app.name, CHART, "argo-rollouts-chart");
                waitsFor(APPLICATION, app.name, "kubernetes:argoproj.io/v1alpha1:AppProject", "argocd-project");
                waitsFor(APPLICATION, app.name, "kubernetes:core/v1:Secret", "argocd-repository");
            }
        });

        it("does not make Gitea wait for monitoring (they install side by side)", () => {
            const gitea = findResource(run, CHART, "gitea-chart");
            const monitoring = findResource(run, CHART, "monitoring-chart");
            assert.ok(!dependencyClosure(run, gitea.urn).has(monitoring.urn));
        });
    });

    describe("airgap images", () => {
        it("points every image override of every chart at the internal registry with a pinned tag", () => {
            const charts = run.resources.filter((r) => r.type === CHART);
            const counts: Record<string, number> = {};
            for (const chart of charts) {
                const images = imagesInChartValues(chart.inputs.values);
                counts[chart.name] = images.length;
                for (const image of images) {
                    assert.ok(image.startsWith(`${REGISTRY}/`), `${chart.name}: ${image}`);
                    assert.match(image, /^[^@]+:[A-Za-z0-9_][A-Za-z0-9_.-]*$|@sha256:[a-f0-9]{64}$/, `${chart.name}: ${image} is not pinned`);
                    assert.doesNotMatch(image, /:latest$/, `${chart.name}: ${image}`);
                }
            }
            // kube-prometheus-stack names 9 images (8 workloads, the webhook Jobs' certgen), Argo CD 2 (dex off), Argo Rollouts 2, Gitea 1.
            assert.deepStrictEqual(counts, { "monitoring-chart": 9, "argocd-chart": 2, "argo-rollouts-chart": 2, "gitea-chart": 1 });
            const kps = findResource(run, CHART, "monitoring-chart");
            assert.strictEqual(kps.inputs.values.global.imageRegistry, REGISTRY);
        });

        it("names only internal, pinned images in its own workloads and runner labels", () => {
            const images = imagesInPodSpecs(run.resources.filter((r) => r.type.startsWith("kubernetes:apps/")).map((r) => r.inputs));
            assert.deepStrictEqual(images, [`${REGISTRY}/gitea/act_runner:0.2.11`]);
            assert.strictEqual(run.outputs.actRunnerLabels, `lumen-builder:docker://${REGISTRY}/lumen-api:builder`);
        });

        it("pulls charts from the internal registry over plain HTTP at the pinned version", () => {
            const versions = Object.fromEntries(run.resources.filter((r) => r.type === CHART).map((c) => [c.name, c.inputs.version]));
            assert.deepStrictEqual(versions, {
                "gitea-chart": "12.7.0", "monitoring-chart": "88.5.3", "argo-rollouts-chart": "2.40.9", "argocd-chart": "10.1.1",
            });
            for (const chart of run.resources.filter((r) => r.type === CHART)) {
                assert.ok(chart.inputs.chart.startsWith(`oci://${REGISTRY}/charts/`), chart.inputs.chart);
                assert.strictEqual(chart.inputs.plainHttp, true);
            }
        });
    });

    describe("secrets", () => {
        it("never shows a generated secret or the SSH key in plain text in resource inputs", () => {
            assert.ok(run.generatedSecrets.length >= 10);
            for (const r of run.resources) {
                assert.deepStrictEqual(plainTextLeaks(r.wire, [...run.generatedSecrets, TEST_SSH_KEY.trim()]), [], `${r.type} ${r.name}`);
            }
        });

        it("never shows a generated secret in a stack output", () => {
            const plain = Object.entries(run.outputs).filter(([name]) => !run.secretOutputs.includes(name));
            for (const [name, value] of plain) {
                const text = JSON.stringify(value) ?? "";
                assert.ok(!run.generatedSecrets.some((s) => text.includes(s)), `output ${name} leaks a secret`);
            }
        });

        it("hands the generated secrets to Kubernetes as Secrets, Argo CD's admin password only bcrypt-hashed", () => {
            const argocd = findResource(run, CHART, "argocd-chart").inputs.values;
            assert.match(argocd.configs.secret.argocdServerAdminPassword, /^\$2a\$10\$/);
            assert.strictEqual(argocd.configs.secret.argocdServerAdminPasswordMtime, "2026-01-01T00:00:00Z");
            const runnerToken = findResource(run, "kubernetes:core/v1:Secret", "gitea-runner-token").inputs.stringData.token;
            assert.ok(runnerToken.length >= 32, "Gitea needs a preset runner token of at least 32 characters");
        });
    });

    describe("wiring", () => {
        it("hands out the Prometheus address that the monitoring component serves", () => {
            assert.strictEqual(run.outputs.analysisPrometheusUrl, prometheusUrlFor("monitoring"));
            assert.strictEqual(run.outputs.analysisPrometheusUrl, "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090");
            const policy = findResource(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "argo-rollouts-controller-egress").inputs.spec;
            assert.deepStrictEqual(policy.egress[0], {
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
                ports: [{ protocol: "TCP", port: 9090 }],
            });
        });

        it("registers act_runner with Gitea's NodePort URL and the preset token", () => {
            const runner = findResource(run, "kubernetes:apps/v1:Deployment", "act-runner").inputs.spec.template.spec;
            const env = Object.fromEntries(runner.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
            assert.strictEqual(env.GITEA_INSTANCE_URL, "http://192.168.2.2:30300");
            assert.deepStrictEqual(env.GITEA_RUNNER_REGISTRATION_TOKEN, { secretKeyRef: { name: "gitea-runner-token-a1b2c3d4", key: "token" } });
            assert.deepStrictEqual(runner.nodeSelector, { "kubernetes.io/hostname": "node-1" });
            const mounts = runner.containers[0].volumeMounts.map((m: any) => `${m.mountPath}${m.readOnly ? ":ro" : ""}`);
            assert.deepStrictEqual(mounts, ["/data", "/etc/act_runner:ro", "/var/run/docker.sock", "/var/cache/trivy:ro"]);
        });

        it("configures Gitea for Actions from the local instance on NodePort 30300", () => {
            const values = findResource(run, CHART, "gitea-chart").inputs.values;
            assert.deepStrictEqual(values.gitea.config.actions, { ENABLED: true, DEFAULT_ACTIONS_URL: "self" });
            assert.deepStrictEqual(values.service.http, { type: "NodePort", port: 3000, nodePort: 30300 });
            assert.strictEqual(values.gitea.config.server.ROOT_URL, "http://192.168.2.2:30300/");
            assert.strictEqual(values.persistence.enabled, true);
        });

        it("syncs lumen-app from Gitea in wave 3 with prune, self-heal and the CRD safety net", () => {
            const app = findResource(run, APPLICATION, "argocd-app-lumen-app").inputs;
            assert.strictEqual(app.metadata.annotations["argocd.argoproj.io/sync-wave"], "3");
            assert.deepStrictEqual(app.spec.source, {
                repoURL: "http://gitea-http.gitea.svc.cluster.local:3000/lumen/lumen.git",
                path: "03-airgap-zone/manifests/app",
                targetRevision: "main",
            });
            assert.strictEqual(app.spec.project, "platform");
            assert.deepStrictEqual(app.spec.destination, { server: "https://kubernetes.default.svc", namespace: "lumen" });
            assert.deepStrictEqual(app.spec.syncPolicy, {
                automated: { prune: true, selfHeal: true },
                syncOptions: ["CreateNamespace=true", "SkipDryRunOnMissingResource=true"],
            });
        });

        it("limits the AppProject to the internal repository and lists the analysis kinds", () => {
            const project = findResource(run, "kubernetes:argoproj.io/v1alpha1:AppProject", "argocd-project").inputs;
            assert.strictEqual(project.metadata.name, "platform");
            assert.deepStrictEqual(project.spec.sourceRepos, ["http://gitea-http.gitea.svc.cluster.local:3000/lumen/lumen.git"]);
            assert.ok(project.spec.clusterResourceWhitelist.some((k: any) => k.group === "argoproj.io" && k.kind === "ClusterAnalysisTemplate"));
            assert.ok(project.spec.namespaceResourceWhitelist.some((k: any) => k.group === "argoproj.io" && k.kind === "AnalysisTemplate"));
        });
    });

    it("registers the same inputs when run again with the same config", async () => {
        const again = await runPlatform({ ...stackConfig("Pulumi.dev.yaml"), ...SSH }, ["airgap-platform:sshPrivateKey"]);
        const shape = (r: PlatformRun) => r.resources.map((x) => `${x.urn} ${JSON.stringify(x.wire)}`).sort();
        assert.deepStrictEqual(shape(again), shape(run));
    });
});

describe("platform program with components switched off", () => {
    it("uses the cluster's own Prometheus when monitoring is disabled", async () => {
        const run = await runPlatform({
            ...stackConfig("Pulumi.dev.yaml"), ...SSH,
            "airgap-platform:monitoring": JSON.stringify({ enabled: false, prometheusUrl: "http://prometheus-k8s.observability.svc:9090" }),
        });
        assert.ifError(run.error);
        assert.ok(!run.resources.some((r) => r.type === "airgap:index:Monitoring"));
        assert.strictEqual(run.outputs.analysisPrometheusUrl, "http://prometheus-k8s.observability.svc:9090");
        const policy = findResource(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "argo-rollouts-controller-egress").inputs.spec;
        assert.deepStrictEqual(policy.egress[0].to[0].namespaceSelector.matchLabels, { "kubernetes.io/metadata.name": "observability" });
    });

    it("needs no SSH key and no node access when the cluster already has the registry", async () => {
        const run = await runPlatform({
            ...stackConfig("Pulumi.dev.yaml"),
            "airgap-platform:registry": JSON.stringify({ enabled: false, address: REGISTRY }),
        });
        assert.ifError(run.error);
        assert.ok(!run.resources.some((r) => r.type === REMOTE_COMMAND || r.type === REMOTE_FILE));
        assert.strictEqual(run.outputs.registryAddress, REGISTRY);
    });

    it("installs only the registry when every other component is off", async () => {
        const off = JSON.stringify({ enabled: false });
        const run = await runPlatform({
            ...stackConfig("Pulumi.dev.yaml"), ...SSH,
            "airgap-platform:gitea": off, "airgap-platform:actRunner": off, "airgap-platform:argoRollouts": off,
            "airgap-platform:argocd": off,
            "airgap-platform:monitoring": JSON.stringify({ enabled: false, prometheusUrl: "http://prometheus.monitoring.svc:9090" }),
        });
        assert.ifError(run.error);
        assert.deepStrictEqual(run.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.type), []);
        assert.ok(run.resources.some((r) => r.type === "airgap:index:NodeRegistry"));
    });
});

describe("platform program (local stack)", () => {
    it("points every address at this machine and every chart at a local test chart", async () => {
        const run = await runPlatform({ ...stackConfig("Pulumi.local.yaml"), ...SSH }, ["airgap-platform:sshPrivateKey"]);
        assert.ifError(run.error);
        assert.strictEqual(run.outputs.registryAddress, "127.0.0.1:15000");
        for (const chart of run.resources.filter((r) => r.type === CHART)) {
            assert.match(chart.inputs.chart, /\/test\/charts\/[a-z-]+$/);
            assert.strictEqual(chart.inputs.plainHttp, false);
            for (const image of imagesInChartValues(chart.inputs.values)) {
                assert.ok(image.startsWith("127.0.0.1:15000/"), image);
            }
        }
        const trust = findResource(run, REMOTE_COMMAND, "registry-trust-node-1").inputs;
        assert.strictEqual(trust.connection.host, "127.0.0.1");
        assert.strictEqual(trust.connection.port, 12222);
        assert.match(trust.create, /\/tmp\/airgap-e2e\/node-1\/etc\/rancher\/k3s\/registries\.yaml/);
    });
});
