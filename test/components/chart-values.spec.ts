// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import { apiServerPeers, controllerEgress, rolloutsValues } from "../../components/argo-rollouts";
import { applicationSpec, appProjectSpec, argocdValues } from "../../components/argocd";
import { runnerConfig, runnerRoles } from "../../components/act-runner";
import { giteaValues } from "../../components/gitea";
import { monitoringValues } from "../../components/monitoring";
import { platformSchema } from "../../config";
import { parse as parseYaml } from "yaml";

const API_SERVER = [{ cidrs: ["10.43.0.1/32"], ports: [443] }, { cidrs: ["192.168.2.2/32"], ports: [6443] }];
const giteaArgs = {
    image: "r/gitea:1.26.0-rootless", rootless: true, nodePort: 30300, publicHost: "192.168.2.2", rootUrl: "http://192.168.2.2:30300",
    storageSize: "10Gi", adminSecretName: "gitea-admin", adminEmail: "a@b.c",
};

const R = "10.0.0.5:5000";
const defaults = platformSchema.parse({});

describe("chart values", () => {
    it("passes a node-exporter digest as `digest`, which the subchart accepts (it rejects `sha`)", () => {
        const digest = `sha256:${"c".repeat(64)}`;
        const values = monitoringValues({ ...defaults.monitoring.images, nodeExporter: `prometheus/node-exporter@${digest}` }, R, "grafana-admin");
        assert.deepStrictEqual(values["prometheus-node-exporter"].image, { registry: R, repository: "prometheus/node-exporter", digest, distroless: false });
    });

    it("keeps kube-prometheus-stack free of hook Jobs and of render-time random passwords", () => {
        const values = monitoringValues(defaults.monitoring.images, R, "grafana-admin");
        assert.strictEqual(values.prometheusOperator.admissionWebhooks.enabled, false);
        assert.strictEqual(values.prometheusOperator.tls.enabled, false);
        assert.strictEqual(values.grafana.admin.existingSecret, "grafana-admin");
    });

    it("names the operator's default base images, so its flags render on the internal registry (the registry key alone renders nothing)", () => {
        const op = monitoringValues(defaults.monitoring.images, R, "grafana-admin").prometheusOperator;
        assert.deepStrictEqual(
            [op.prometheusDefaultBaseImageRegistry, op.prometheusDefaultBaseImage, op.alertmanagerDefaultBaseImageRegistry, op.alertmanagerDefaultBaseImage],
            [R, "prometheus/prometheus", R, "prometheus/alertmanager"]);
        // --thanos-default-base-image is built from thanosImage.
        assert.deepStrictEqual(op.thanosImage, { registry: R, repository: "thanos/thanos", tag: "v0.42.4" });
    });

    it("turns Grafana's update checks and usage reports off", () => {
        const ini = monitoringValues(defaults.monitoring.images, R, "grafana-admin").grafana["grafana.ini"];
        assert.deepStrictEqual(ini.analytics, { check_for_updates: false, check_for_plugin_updates: false, reporting_enabled: false });
    });

    it("writes every Argo CD image with its own key, since global.image reaches only argocd", () => {
        const values = argocdValues("argoproj/argocd:v3.4.4", "docker/library/redis:8.2.3-alpine", R, "$2a$10$x", "10.0.0.5");
        assert.deepStrictEqual(values.global.image, { repository: `${R}/argoproj/argocd`, tag: "v3.4.4" });
        assert.deepStrictEqual(values.redis.image, { repository: `${R}/docker/library/redis`, tag: "8.2.3-alpine" });
        assert.strictEqual(values.dex.enabled, false);
        assert.strictEqual(values.redisSecretInit.enabled, false);
    });

    it("names the registry on each Argo Rollouts image (the chart has no global key)", () => {
        const values = rolloutsValues({ image: "argoproj/argo-rollouts:v1.9.0", dashboard: false, dashboardImage: "argoproj/kubectl-argo-rollouts:v1.9.0" }, R);
        assert.deepStrictEqual(values.controller.image, { registry: R, repository: "argoproj/argo-rollouts", tag: "v1.9.0" });
        assert.strictEqual(values.installCRDs, true);
    });

    it("gives Argo CD its own domain, so argocd-cm url and notification links are not argocd.example.com", () => {
        assert.strictEqual(argocdValues("argoproj/argocd:v3.4.4", "docker/library/redis:8.2.3-alpine", R, "$2a$10$x", "10.0.0.5").global.domain, "10.0.0.5");
    });

    it("opens the controller's egress to the Prometheus namespace and port taken from its URL", () => {
        const spec = controllerEgress("http://prom.observability.svc:19090", API_SERVER);
        assert.deepStrictEqual((spec.egress as unknown[])[0], {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } } }],
            ports: [{ protocol: "TCP", port: 19090 }],
        });
        assert.deepStrictEqual(spec.policyTypes, ["Egress"]);
    });

    it("lets the controller reach the API server's addresses on their ports, and no other address", () => {
        const egress = controllerEgress("http://prom.observability.svc:19090", API_SERVER).egress as any[];
        for (const rule of egress) {
            assert.ok(Array.isArray(rule.to) && rule.to.length > 0, `a rule without 'to' allows any address: ${JSON.stringify(rule)}`);
        }
        assert.deepStrictEqual(egress.slice(2), [
            { to: [{ ipBlock: { cidr: "10.43.0.1/32" } }], ports: [{ protocol: "TCP", port: 443 }] },
            { to: [{ ipBlock: { cidr: "192.168.2.2/32" } }], ports: [{ protocol: "TCP", port: 6443 }] },
        ]);
    });

    it("reads the API server's Service IP and endpoints as the cluster publishes them", () => {
        const peers = apiServerPeers(
            { clusterIP: "10.43.0.1", clusterIPs: ["10.43.0.1", "fd00::1"], ports: [{ port: 443 }] },
            { endpoints: [{ addresses: ["192.168.2.2"] }, { addresses: ["192.168.2.3"] }], ports: [{ port: 6443 }] });
        assert.deepStrictEqual(peers, [
            { cidrs: ["10.43.0.1/32", "fd00::1/128"], ports: [443] },
            { cidrs: ["192.168.2.2/32", "192.168.2.3/32"], ports: [6443] },
        ]);
        assert.throws(() => apiServerPeers({ clusterIP: "10.43.0.1", ports: [{ port: 443 }] }, { endpoints: [], ports: [] }),
            /could not read the API server's addresses.*set airgap-platform:argoRollouts\.apiServerCidrs/);
    });

    it("limits the AppProject to the Applications' namespaces and whitelists Namespace only by those names", () => {
        const apps = [
            { ...defaults.argocd.applications[0], name: "a", namespace: "lumen" },
            { ...defaults.argocd.applications[0], name: "b", namespace: "shop" },
            { ...defaults.argocd.applications[0], name: "c", namespace: "lumen" },
        ];
        const spec = appProjectSpec("http://git/x.git", apps);
        assert.deepStrictEqual(spec.destinations.map((d) => d.namespace), ["lumen", "shop"]);
        const namespaces = spec.clusterResourceWhitelist.filter((k) => k.kind === "Namespace");
        assert.deepStrictEqual(namespaces, [{ group: "", kind: "Namespace", name: "lumen" }, { group: "", kind: "Namespace", name: "shop" }]);
        assert.ok(spec.clusterResourceWhitelist.every((k) => k.kind !== "Namespace" || ("name" in k && k.name)), "a Namespace entry without a name allows every namespace");
        assert.ok(!spec.destinations.some((d) => d.namespace.includes("*")));
    });

    it("labels the namespace an Application creates with its Pod Security level, restricted by default", () => {
        const app = defaults.argocd.applications[0];
        const labels = (a: typeof app) => (applicationSpec(a, "platform", "http://git/x.git").syncPolicy as any).managedNamespaceMetadata?.labels;
        assert.deepStrictEqual(labels(app), {
            "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/warn": "restricted",
        });
        assert.strictEqual(labels({ ...app, podSecurity: "baseline" })["pod-security.kubernetes.io/enforce"], "baseline");
        // Argo CD applies managedNamespaceMetadata only to a namespace it creates.
        assert.strictEqual(labels({ ...app, createNamespace: false }), undefined);
    });

    it("leaves out sync options that an Application turned off", () => {
        const app = { ...defaults.argocd.applications[0], createNamespace: false, skipDryRunOnMissingResource: false };
        assert.deepStrictEqual(applicationSpec(app, "platform", "http://git/x.git").syncPolicy.syncOptions, []);
    });

    it("keeps the runner's registration on its volume and allows only the Trivy cache in jobs", () => {
        const config = parseYaml(runnerConfig("lumen-builder:docker://r/lumen-api:builder", ["/var/cache/trivy"], true));
        assert.strictEqual(config.runner.file, "/data/.runner");
        assert.deepStrictEqual(config.container.valid_volumes, ["/var/cache/trivy"]);
        assert.deepStrictEqual(config.runner.labels, ["lumen-builder:docker://r/lumen-api:builder"]);
    });

    it("gives the sandbox runner's jobs no Docker socket and no host volume; only the builder's jobs get the socket", () => {
        const [builder, sandbox] = runnerRoles(defaults.actRunner);
        assert.deepStrictEqual([builder.label, builder.jobsGetDockerSocket, sandbox.label, sandbox.jobsGetDockerSocket], ["lumen-builder", true, "lumen-sandbox", false]);
        const sandboxConfig = parseYaml(runnerConfig("lumen-sandbox:docker://r/lumen-api:builder", [], false));
        // "-": act_runner finds the node's Docker for itself but mounts it into no job or service container.
        assert.strictEqual(sandboxConfig.container.docker_host, "-");
        assert.deepStrictEqual(sandboxConfig.container.valid_volumes, []);
        assert.strictEqual(sandboxConfig.container.privileged, false);
        assert.strictEqual(parseYaml(runnerConfig("lumen-builder:docker://r/lumen-api:builder", ["/var/cache/trivy"], true)).container.docker_host, "");
    });

    it("hides Gitea from anonymous visitors and renders the http Service's targetPort", () => {
        const config = giteaValues(giteaArgs).gitea.config;
        assert.strictEqual(config.service.REQUIRE_SIGNIN_VIEW, true);
        assert.strictEqual(config.server.HTTP_PORT, 3000);
    });

    it("presets no instance-wide runner registration token (the runners register for one organisation)", () => {
        const values = JSON.stringify(giteaValues(giteaArgs));
        assert.doesNotMatch(values, /RUNNER_REGISTRATION_TOKEN/);
        assert.ok(!/"(deployment|extraVolumes|extraContainerVolumeMounts)"/.test(values), values);
    });
});
