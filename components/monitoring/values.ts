// Copyright 2026, airgap-platform authors.

import { ImageRef, resolveImage } from "../../lib/image";
import { imageValues } from "../helm-values";
import { MonitoringImages } from "./schema";

/** The chart names everything after a release that contains "kube-prometheus-stack". */
export const RELEASE = "kube-prometheus-stack";
const PROMETHEUS_PORT = 9090;

/** The Prometheus Service URL of the release in `namespace`. */
export function prometheusUrlFor(namespace: string): string {
    return `http://${RELEASE}-prometheus.${namespace}.svc.cluster.local:${PROMETHEUS_PORT}`;
}

/** The node-exporter subchart takes `digest` (it rejects `sha`), and must not append -distroless again. */
function nodeExporterImage(ref: ImageRef) {
    const { sha, ...rest } = imageValues(ref);
    return { ...rest, ...(sha ? { digest: `sha256:${sha}` } : {}), distroless: false };
}

/** Values for kube-prometheus-stack (88.x). */
export function monitoringValues(images: MonitoringImages, registry: string, grafanaAdminSecret: string) {
    const image = (key: keyof MonitoringImages) => imageValues(resolveImage(images[key], registry));
    return {
        // Rewrites the registry part of every image, subcharts included; per-image values pin the rest.
        global: { imageRegistry: registry },
        crds: { enabled: true, upgradeJob: { enabled: false } },
        prometheusOperator: {
            image: image("operator"),
            prometheusConfigReloader: { image: image("configReloader") },
            // Both off, or the operator mounts a certificate Secret that only the hook Jobs create.
            admissionWebhooks: { enabled: false, patch: { enabled: false, image: image("webhookCertgen") } },
            tls: { enabled: false },
            // Prometheus/Alertmanager objects created without spec.image default to quay.io otherwise. The chart
            // writes the --*-default-base-image flags only when the base image is set; the registry alone does nothing.
            prometheusDefaultBaseImage: resolveImage(images.prometheus, registry).repository,
            prometheusDefaultBaseImageRegistry: registry,
            alertmanagerDefaultBaseImage: resolveImage(images.alertmanager, registry).repository,
            alertmanagerDefaultBaseImageRegistry: registry,
            // --thanos-default-base-image: pinned here rather than the chart's own tag.
            thanosImage: image("thanos"),
        },
        prometheus: { prometheusSpec: { image: image("prometheus") } },
        alertmanager: { alertmanagerSpec: { image: image("alertmanager") } },
        "kube-state-metrics": { image: image("kubeStateMetrics") },
        // The configured tag is complete; the chart must not append -distroless again.
        "prometheus-node-exporter": { image: nodeExporterImage(resolveImage(images.nodeExporter, registry)) },
        grafana: {
            image: image("grafana"),
            sidecar: { image: image("grafanaSidecar") },
            admin: { existingSecret: grafanaAdminSecret, userKey: "admin-user", passwordKey: "admin-password" },
            testFramework: { enabled: false },
            // Nothing may try to leave the air gap: no update checks, no usage reports.
            "grafana.ini": { analytics: { check_for_updates: false, check_for_plugin_updates: false, reporting_enabled: false } },
        },
        windowsMonitoring: { enabled: false },
    };
}
