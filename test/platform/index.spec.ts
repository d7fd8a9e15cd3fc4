// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import { parse as parseYaml } from "yaml";
import { prometheusUrlFor } from "../../components/monitoring";
import { NAMESPACE_DELETE_TIMEOUT_SECONDS } from "../../components/namespace";
import {
    dependencyClosure, findResource, plainTextLeaks, PlatformRun, REMOTE_COMMAND, REMOTE_FILE, runPlatform, stackConfig, TEST_SSH_KEY,
} from "../helpers/program-harness";
import { imagesInChartValues, imagesInPodSpecs } from "../helpers/images";
import { syntheticDigest } from "../helpers/supply-fixture";

const SSH = { "airgap-platform:sshPrivateKey": TEST_SSH_KEY };
const REGISTRY = "192.168.2.2:5000";
const CHART = "kubernetes:helm.sh/v4:Chart";
const APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application";
const GITEA = (kind: string) => `pulumi-nodejs:dynamic/airgap:${kind}`;
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const PSA_RESTRICTED = {
    "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/warn": "restricted",
};

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
            "airgap:index:Gitea", "airgap:index:GiteaContent", "airgap:index:Monitoring", "airgap:index:NodeRegistry",
            "airgap:index:RegistrySeed",
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

    it("bounds how long a destroy waits for each of the platform's namespaces", () => {
        const namespaces = run.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace");
        assert.deepStrictEqual(namespaces.map((n) => n.inputs.metadata.name).sort(), ["argo-rollouts", "argocd", "gitea", "monitoring"]);
        for (const ns of namespaces) {
            assert.strictEqual(ns.inputs.metadata.annotations?.["pulumi.com/timeoutSeconds"], String(NAMESPACE_DELETE_TIMEOUT_SECONDS), ns.name);
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

        it("creates Gitea's content after Gitea's chart, and the Applications after the first commit and Argo CD's token", () => {
            waitsFor(GITEA("GiteaOrganization"), "gitea-content-org", CHART, "gitea-chart");
            for (const app of run.resources.filter((r) => r.type === APPLICATION)) {
                waitsFor(APPLICATION, app.name, GITEA("GiteaInitialCommit"), "gitea-content-first-commit");
                waitsFor(APPLICATION, app.name, GITEA("GiteaRepositoryCollaborator"), "gitea-content-argocd-access");
            }
            waitsFor("kubernetes:core/v1:Secret", "argocd-repository", GITEA("GiteaAccessToken"), "gitea-content-argocd-token");
            waitsFor(GITEA("GiteaBranchProtection"), "gitea-content-main-protection", GITEA("GiteaInitialCommit"), "gitea-content-first-commit");
            waitsFor(GITEA("GiteaBranchProtection"), "gitea-content-main-protection", GITEA("GiteaRepositoryCollaborator"), "gitea-content-ci-access");
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

        it("sets the operator's default base images (Prometheus, Alertmanager, Thanos) on the internal registry", () => {
            const op = findResource(run, CHART, "monitoring-chart").inputs.values.prometheusOperator;
            assert.deepStrictEqual(
                [op.prometheusDefaultBaseImageRegistry, op.prometheusDefaultBaseImage, op.alertmanagerDefaultBaseImageRegistry, op.alertmanagerDefaultBaseImage],
                [REGISTRY, "prometheus/prometheus", REGISTRY, "prometheus/alertmanager"]);
            assert.deepStrictEqual(op.thanosImage, {
                registry: REGISTRY, repository: "thanos/thanos", tag: "v0.42.4", sha: syntheticDigest(`${REGISTRY}/thanos/thanos:v0.42.4`).slice(7),
            });
        });

        it("names only internal, pinned images in its own workloads and runner labels", () => {
            const images = imagesInPodSpecs(run.resources.filter((r) => r.type.startsWith("kubernetes:apps/")).map((r) => r.inputs));
            // Pinned to the lock's digests (a synthetic lock under mocks).
            const runner = `${REGISTRY}/gitea/act_runner:0.2.11`;
            const job = `${REGISTRY}/lumen-api:builder`;
            assert.deepStrictEqual(images, [`${runner}@${syntheticDigest(runner)}`, `${runner}@${syntheticDigest(runner)}`]);
            assert.deepStrictEqual(run.outputs.actRunnerLabels, [
                `lumen-builder:docker://${job}@${syntheticDigest(job)}`, `lumen-sandbox:docker://${job}@${syntheticDigest(job)}`,
            ]);
        });

        it("pulls charts from the internal registry over plain HTTP by the digest the lock pins for the configured version", () => {
            const charts = Object.fromEntries(run.resources.filter((r) => r.type === CHART).map((c) => [c.name, [c.inputs.chart, c.inputs.version]]));
            const pinned = (name: string, version: string) => [`oci://${REGISTRY}/charts/${name}@${syntheticDigest(`oci://${REGISTRY}/charts/${name}:${version}`)}`, undefined];
            assert.deepStrictEqual(charts, {
                "gitea-chart": pinned("gitea", "12.7.0"), "monitoring-chart": pinned("kube-prometheus-stack", "88.5.3"),
                "argo-rollouts-chart": pinned("argo-rollouts", "2.40.9"), "argocd-chart": pinned("argo-cd", "10.1.1"),
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
            const runnerToken = findResource(run, "kubernetes:core/v1:Secret", "act-runner-registration-token");
            assert.strictEqual(runnerToken.inputs.stringData.token, run.generatedSecrets.find((s) => s.endsWith("xgiteacontentrunnertoken")));
            assert.ok(plainTextLeaks(runnerToken.wire, [runnerToken.inputs.stringData.token]).length === 0);
        });
    });

    describe("wiring", () => {
        it("hands out the Prometheus address that the monitoring component serves", () => {
            assert.strictEqual(run.outputs.analysisPrometheusUrl, prometheusUrlFor("monitoring"));
            assert.strictEqual(run.outputs.analysisPrometheusUrl, "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090");
            const policy = findResource(run, NETWORK_POLICY, "argo-rollouts-controller-egress").inputs.spec;
            assert.deepStrictEqual(policy.egress[0], {
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
                ports: [{ protocol: "TCP", port: 9090 }],
            });
        });

        it("lets the Rollouts controller reach the API server at the addresses the cluster publishes, and nowhere else", () => {
            const egress = findResource(run, NETWORK_POLICY, "argo-rollouts-controller-egress").inputs.spec.egress;
            for (const rule of egress) {
                assert.ok(rule.to?.length > 0, `rule ${JSON.stringify(rule)} allows any address`);
            }
            // The harness's live kubernetes Service (10.43.0.1:443) and its EndpointSlice (192.168.2.2:6443).
            assert.deepStrictEqual(egress.filter((r: any) => r.to[0].ipBlock), [
                { to: [{ ipBlock: { cidr: "10.43.0.1/32" } }], ports: [{ protocol: "TCP", port: 443 }] },
                { to: [{ ipBlock: { cidr: "192.168.2.2/32" } }], ports: [{ protocol: "TCP", port: 6443 }] },
            ]);
            // Read with the cluster's provider, never the ambient kubeconfig.
            const provider = findResource(run, "pulumi:providers:kubernetes", "cluster");
            assert.deepStrictEqual(run.reads.map((r) => [r.type, r.id, r.provider.startsWith(`${provider.urn}::`)]), [
                ["kubernetes:core/v1:Service", "default/kubernetes", true],
                ["kubernetes:discovery.k8s.io/v1:EndpointSlice", "default/kubernetes", true],
            ]);
        });

        it("starts a builder runner whose jobs get the Docker socket and a sandbox runner whose jobs get none", () => {
            const config = (name: string) => parseYaml(findResource(run, "kubernetes:core/v1:ConfigMap", name).inputs.data["config.yaml"]).container;
            assert.deepStrictEqual(config("act-runner-config"), { valid_volumes: ["/var/cache/trivy"], docker_host: "", privileged: false, force_pull: false });
            assert.deepStrictEqual(config("sandbox-act-runner-config"), { valid_volumes: [], docker_host: "-", privileged: false, force_pull: false });
            const sandbox = findResource(run, "kubernetes:apps/v1:Deployment", "sandbox-act-runner").inputs.spec.template.spec;
            const env = Object.fromEntries(sandbox.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
            assert.strictEqual(env.GITEA_RUNNER_NAME, "node-1-sandbox-runner");
            assert.strictEqual(env.GITEA_RUNNER_LABELS, `lumen-sandbox:docker://${REGISTRY}/lumen-api:builder@${syntheticDigest(`${REGISTRY}/lumen-api:builder`)}`);
            // The runner itself talks to node-1's Docker; the Trivy cache is the builder's only.
            assert.deepStrictEqual(sandbox.containers[0].volumeMounts.map((m: any) => m.mountPath), ["/data", "/etc/act_runner", "/var/run/docker.sock"]);
            assert.deepStrictEqual(sandbox.nodeSelector, { "kubernetes.io/hostname": "node-1" });
        });

        it("hides Gitea from anonymous visitors and presets no instance-wide runner token", () => {
            const values = findResource(run, CHART, "gitea-chart").inputs.values;
            assert.strictEqual(values.gitea.config.service.REQUIRE_SIGNIN_VIEW, true);
            assert.strictEqual(values.gitea.config.server.HTTP_PORT, 3000);
            assert.doesNotMatch(JSON.stringify(values), /RUNNER_REGISTRATION_TOKEN/);
            assert.ok(!run.resources.some((r) => r.name === "gitea-runner-token"), "an instance-wide runner token is still generated");
        });

        it("gives Argo CD the node's address as its domain", () => {
            assert.strictEqual(findResource(run, CHART, "argocd-chart").inputs.values.global.domain, "192.168.2.2");
        });

        it("registers both runners with Gitea's NodePort URL and the lumen organisation's token", () => {
            for (const name of ["act-runner", "sandbox-act-runner"]) {
                const env = findResource(run, "kubernetes:apps/v1:Deployment", name).inputs.spec.template.spec.containers[0].env;
                assert.deepStrictEqual(env.find((e: any) => e.name === "GITEA_RUNNER_REGISTRATION_TOKEN").valueFrom,
                    { secretKeyRef: { name: "act-runner-registration-token-a1b2c3d4", key: "token" } }, name);
            }
            assert.strictEqual(findResource(run, GITEA("GiteaRunnerRegistrationToken"), "gitea-content-runner-token").inputs.org, "lumen");
            const runner = findResource(run, "kubernetes:apps/v1:Deployment", "act-runner").inputs.spec.template.spec;
            const env = Object.fromEntries(runner.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
            assert.strictEqual(env.GITEA_INSTANCE_URL, "http://192.168.2.2:30300");
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

        it("gives Argo CD its own read-only machine user and token, never the admin password", () => {
            const repository = findResource(run, "kubernetes:core/v1:Secret", "argocd-repository");
            const token = run.generatedSecrets.find((s) => s.endsWith("xgiteacontentargocdtoken"));
            assert.deepStrictEqual([repository.inputs.stringData.username, repository.inputs.stringData.password], ["argocd", token]);
            assert.deepStrictEqual(findResource(run, GITEA("GiteaAccessToken"), "gitea-content-argocd-token").inputs.scopes, ["read:repository"]);
            assert.strictEqual(findResource(run, GITEA("GiteaRepositoryCollaborator"), "gitea-content-argocd-access").inputs.permission, "read");
            const admin = run.generatedSecrets.find((s) => s.endsWith("xgiteaadminpassword"));
            assert.ok(!JSON.stringify(repository.inputs).includes(admin!), "the admin password reached Argo CD");
        });

        it("keeps lumen/lumen private on main, seeded once with the rendered tree, main changed by pull request except the pipeline", () => {
            const repo = findResource(run, GITEA("GiteaRepository"), "gitea-content-repo").inputs;
            assert.deepStrictEqual([repo.owner, repo.name, repo.private, repo.defaultBranch], ["lumen", "lumen", true, "main"]);
            assert.strictEqual(findResource(run, GITEA("GiteaOrganization"), "gitea-content-org").inputs.visibility, "private");
            const files = findResource(run, GITEA("GiteaInitialCommit"), "gitea-content-first-commit").inputs.files.map((f: any) => f.path);
            assert.ok(files.includes("03-airgap-zone/manifests/app/argoproj.io_v1alpha1-rollout-lumen-lumen-api.yaml"));
            assert.ok(files.includes(".gitea/workflows/lumen-release.yaml"));
            const protection = findResource(run, GITEA("GiteaBranchProtection"), "gitea-content-main-protection").inputs;
            assert.deepStrictEqual([protection.branch, protection.pushAllowlist, protection.requiredStatusChecks], ["main", ["lumen-ci"], []]);
            const secret = findResource(run, GITEA("GiteaActionsSecret"), "gitea-content-ci-token-secret").inputs;
            assert.deepStrictEqual([secret.name, secret.value], ["CI_TOKEN", run.generatedSecrets.find((s) => s.endsWith("xgiteacontentcitoken"))]);
            assert.deepStrictEqual(findResource(run, GITEA("GiteaAccessToken"), "gitea-content-ci-token").inputs.scopes, ["write:repository"]);
            // Gitea's API on its NodePort URL, as the site administrator.
            assert.deepStrictEqual([repo.api.url, repo.api.username], ["http://192.168.2.2:30300", "gitea-admin"]);
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
                managedNamespaceMetadata: { labels: PSA_RESTRICTED },
            });
        });

        it("limits the AppProject to the internal repository and lists the analysis kinds", () => {
            const project = findResource(run, "kubernetes:argoproj.io/v1alpha1:AppProject", "argocd-project").inputs;
            assert.strictEqual(project.metadata.name, "platform");
            assert.deepStrictEqual(project.spec.sourceRepos, ["http://gitea-http.gitea.svc.cluster.local:3000/lumen/lumen.git"]);
            assert.ok(project.spec.clusterResourceWhitelist.some((k: any) => k.group === "argoproj.io" && k.kind === "ClusterAnalysisTemplate"));
            assert.ok(project.spec.namespaceResourceWhitelist.some((k: any) => k.group === "argoproj.io" && k.kind === "AnalysisTemplate"));
        });

        it("lets the AppProject deploy to, create and prune only the Applications' own namespaces", () => {
            const spec = findResource(run, "kubernetes:argoproj.io/v1alpha1:AppProject", "argocd-project").inputs.spec;
            assert.deepStrictEqual(spec.destinations, [{ server: "https://kubernetes.default.svc", namespace: "lumen" }]);
            assert.deepStrictEqual(spec.clusterResourceWhitelist.filter((k: any) => k.kind === "Namespace"), [{ group: "", kind: "Namespace", name: "lumen" }]);
        });
    });

    it("registers the same inputs when run again with the same config", async () => {
        const again = await runPlatform({ ...stackConfig("Pulumi.dev.yaml"), ...SSH }, ["airgap-platform:sshPrivateKey"]);
        const shape = (r: PlatformRun) => r.resources.map((x) => `${x.urn} ${JSON.stringify(x.wire)}`).sort();
        assert.deepStrictEqual(shape(again), shape(run));
    });
});

describe("platform program with settings changed", () => {
    it("sends Gitea's content to a configured API URL, still only once Gitea's chart is ready, and rotates a token by its name", async () => {
        const run = await runPlatform({
            ...stackConfig("Pulumi.dev.yaml"), ...SSH,
            "airgap-platform:giteaContent": JSON.stringify({ apiUrl: "http://127.0.0.1:3000", ciTokenRotation: 3, requiredStatusChecks: ["preview"] }),
        });
        assert.ifError(run.error);
        const chart = findResource(run, CHART, "gitea-chart");
        for (const [kind, name] of [["GiteaOrganization", "gitea-content-org"], ["GiteaMachineUser", "gitea-content-argocd-user"], ["GiteaMachineUser", "gitea-content-ci-user"]]) {
            const first = findResource(run, GITEA(kind), name);
            assert.strictEqual(first.inputs.api.url, "http://127.0.0.1:3000");
            assert.ok(dependencyClosure(run, first.urn).has(chart.urn), `${name} does not wait for Gitea's chart`);
        }
        assert.strictEqual(findResource(run, GITEA("GiteaAccessToken"), "gitea-content-ci-token").inputs.name, "ci-token-r3");
        assert.deepStrictEqual(findResource(run, GITEA("GiteaBranchProtection"), "gitea-content-main-protection").inputs.requiredStatusChecks, ["preview"]);
    });

    it("limits the controller's API server egress to configured CIDRs, and uses a configured Argo CD domain", async () => {
        const run = await runPlatform({
            ...stackConfig("Pulumi.dev.yaml"), ...SSH,
            "airgap-platform:argoRollouts": JSON.stringify({ apiServerCidrs: ["10.0.0.1/32", "192.168.2.2/32"] }),
            "airgap-platform:argocd": JSON.stringify({ domain: "argocd.airgap.local" }),
        });
        assert.ifError(run.error);
        const egress = findResource(run, NETWORK_POLICY, "argo-rollouts-controller-egress").inputs.spec.egress;
        assert.deepStrictEqual(egress.slice(2), [{
            to: [{ ipBlock: { cidr: "10.0.0.1/32" } }, { ipBlock: { cidr: "192.168.2.2/32" } }],
            ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 6443 }],
        }]);
        assert.strictEqual(findResource(run, CHART, "argocd-chart").inputs.values.global.domain, "argocd.airgap.local");
        assert.deepStrictEqual(run.reads, [], "configured CIDRs need no read of the cluster");
    });

    it("labels each Application's namespace with the Pod Security level it is given", async () => {
        const apps = [
            { name: "lumen-app", path: "03-airgap-zone/manifests/app", namespace: "lumen" },
            { name: "legacy-app", path: "legacy", namespace: "legacy", podSecurity: "baseline" },
        ];
        const run = await runPlatform({ ...stackConfig("Pulumi.dev.yaml"), ...SSH, "airgap-platform:argocd": JSON.stringify({ applications: apps }) });
        assert.ifError(run.error);
        const labels = (name: string) => findResource(run, APPLICATION, `argocd-app-${name}`).inputs.spec.syncPolicy.managedNamespaceMetadata.labels;
        assert.deepStrictEqual(labels("lumen-app"), PSA_RESTRICTED);
        assert.strictEqual(labels("legacy-app")["pod-security.kubernetes.io/enforce"], "baseline");
        const project = findResource(run, "kubernetes:argoproj.io/v1alpha1:AppProject", "argocd-project").inputs.spec;
        assert.deepStrictEqual(project.clusterResourceWhitelist.filter((k: any) => k.kind === "Namespace").map((k: any) => k.name), ["lumen", "legacy"]);
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
            "airgap-platform:gitea": off, "airgap-platform:giteaContent": off, "airgap-platform:actRunner": off, "airgap-platform:argoRollouts": off,
            "airgap-platform:argocd": off,
            "airgap-platform:monitoring": JSON.stringify({ enabled: false, prometheusUrl: "http://prometheus.monitoring.svc:9090" }),
        });
        assert.ifError(run.error);
        assert.deepStrictEqual(run.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.type), []);
        assert.ok(run.resources.some((r) => r.type === "airgap:index:NodeRegistry"));
    });
});

describe("platform program (local stack)", () => {
    it("points every address at this machine and every chart at the test charts seeded into its registry", async () => {
        const run = await runPlatform({ ...stackConfig("Pulumi.local.yaml"), ...SSH }, ["airgap-platform:sshPrivateKey"]);
        assert.ifError(run.error);
        assert.strictEqual(run.outputs.registryAddress, "127.0.0.1:15000");
        for (const chart of run.resources.filter((r) => r.type === CHART)) {
            assert.match(chart.inputs.chart, /^oci:\/\/127\.0\.0\.1:15000\/charts\/[a-z-]+@sha256:[a-f0-9]{64}$/);
            assert.strictEqual(chart.inputs.plainHttp, true);
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
