// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import { controllerEgress, rolloutsValues } from "../../components/argo-rollouts";
import { applicationSpec, argocdValues } from "../../components/argocd";
import { runnerConfig } from "../../components/act-runner";
import { monitoringValues } from "../../components/monitoring";
import { platformSchema } from "../../config";
import { parse as parseYaml } from "yaml";

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
        assert.strictEqual(values.prometheusOperator.prometheusDefaultBaseImageRegistry, R);
    });

    it("writes every Argo CD image with its own key, since global.image reaches only argocd", () => {
        const values = argocdValues("argoproj/argocd:v3.4.4", "docker/library/redis:8.2.3-alpine", R, "$2a$10$x");
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

    it("opens the controller's egress to the Prometheus namespace and port taken from its URL", () => {
        const spec = controllerEgress("http://prom.observability.svc:19090");
        assert.deepStrictEqual((spec.egress as unknown[])[0], {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } } }],
            ports: [{ protocol: "TCP", port: 19090 }],
        });
        assert.deepStrictEqual(spec.policyTypes, ["Egress"]);
    });

    it("leaves out sync options that an Application turned off", () => {
        const app = { ...defaults.argocd.applications[0], createNamespace: false, skipDryRunOnMissingResource: false };
        assert.deepStrictEqual(applicationSpec(app, "platform", "http://git/x.git").syncPolicy.syncOptions, []);
    });

    it("keeps the runner's registration on its volume and allows only the Trivy cache in jobs", () => {
        const config = parseYaml(runnerConfig("lumen-builder:docker://r/lumen-api:builder", "/var/cache/trivy"));
        assert.strictEqual(config.runner.file, "/data/.runner");
        assert.deepStrictEqual(config.container.valid_volumes, ["/var/cache/trivy"]);
        assert.deepStrictEqual(config.runner.labels, ["lumen-builder:docker://r/lumen-api:builder"]);
    });
});
