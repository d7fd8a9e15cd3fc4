// Copyright 2026, airgap-platform authors.

import { z } from "zod";
import { chartRef, chartVersion, dnsLabel, imageRef } from "../../lib/fields";

/** Image paths inside the internal registry, one per workload of kube-prometheus-stack. */
export const monitoringImagesSchema = z.strictObject({
    operator: imageRef.default("prometheus-operator/prometheus-operator:v0.93.1"),
    configReloader: imageRef.default("prometheus-operator/prometheus-config-reloader:v0.93.1"),
    prometheus: imageRef.default("prometheus/prometheus:v3.14.0-distroless"),
    alertmanager: imageRef.default("prometheus/alertmanager:v0.34.0"),
    kubeStateMetrics: imageRef.default("kube-state-metrics/kube-state-metrics:v2.20.0"),
    nodeExporter: imageRef.default("prometheus/node-exporter:v1.12.1-distroless"),
    grafana: imageRef.default("grafana/grafana:13.2.0"),
    grafanaSidecar: imageRef.default("kiwigrid/k8s-sidecar:2.10.1"),
    /** Certificate Jobs of the admission webhooks; kept internal even though the webhooks are off. */
    webhookCertgen: imageRef.default("jkroepke/kube-webhook-certgen:1.8.7"),
    /** The operator's `--thanos-default-base-image` (sidecars, ThanosRuler); pulled only if Thanos is used. */
    thanos: imageRef.default("thanos/thanos:v0.42.4"),
});

/** Settings of {@link Monitoring}. */
export const monitoringSchema = z.strictObject({
    namespace: dnsLabel("namespace").default("monitoring"),
    /** Local chart path, or an OCI reference on the internal registry. */
    chart: chartRef,
    /** Exact version of kube-prometheus-stack (88.x). */
    chartVersion: chartVersion.default("88.5.3"),
    images: monitoringImagesSchema.prefault({}),
});

export type MonitoringImages = z.output<typeof monitoringImagesSchema>;
export type MonitoringSettings = z.output<typeof monitoringSchema>;
