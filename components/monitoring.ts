// Copyright 2026, airgap-platform authors.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ImageRef, PlatformSettings, resolveImage } from "../config";
import { GeneratedPassword } from "../providers/generated-password";
import { ChartSource, chartLocation, imageValues } from "./helm-values";

/** Image paths inside the internal registry, one per workload of kube-prometheus-stack. */
export type MonitoringImages = PlatformSettings["monitoring"]["images"];

/** Arguments of {@link Monitoring}. */
export interface MonitoringArgs {
    readonly namespace: string;
    readonly chart: ChartSource;
    readonly images: MonitoringImages;
    readonly registry: pulumi.Input<string>;
}

/** The chart names everything after a release that contains "kube-prometheus-stack". */
const RELEASE = "kube-prometheus-stack";
const PROMETHEUS_PORT = 9090;

/**
 * kube-prometheus-stack without its certificate hook Jobs (they vanish after 60 s and re-create on every
 * run), every image and every operator default base image (Prometheus, Alertmanager, Thanos) on the internal
 * registry, and Grafana without update checks or usage reports.
 */
export class Monitoring extends pulumi.ComponentResource {
    /** In-cluster Prometheus URL; every AnalysisTemplate must query exactly this address. */
    public readonly prometheusUrl: pulumi.Output<string>;
    public readonly namespace: pulumi.Output<string>;
    /** Secret with Grafana's `admin-user` and `admin-password`. */
    public readonly grafanaAdminSecretName: pulumi.Output<string>;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airgap:index:Monitoring", name, {}, opts);

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace } }, { parent: this });
        // Without a fixed password the chart generates a new one at every render.
        const grafanaPassword = new GeneratedPassword(`${name}-grafana-password`, { length: 32 }, { parent: this });
        const grafanaAdmin = new k8s.core.v1.Secret(`${name}-grafana-admin`, {
            metadata: { namespace: ns.metadata.name },
            stringData: { "admin-user": "admin", "admin-password": grafanaPassword.result },
        }, { parent: this });

        const chart = new k8s.helm.v4.Chart(`${name}-chart`, {
            ...chartLocation(args.chart, [args.registry]),
            name: RELEASE,
            namespace: ns.metadata.name,
            values: pulumi.all([args.registry, grafanaAdmin.metadata.name]).apply(([registry, secret]) =>
                monitoringValues(args.images, registry, secret)),
        }, { parent: this });

        this.namespace = ns.metadata.name;
        this.prometheusUrl = pulumi.all([chart.resources, ns.metadata.name]).apply(([, namespace]) => prometheusUrlFor(namespace));
        this.grafanaAdminSecretName = grafanaAdmin.metadata.name;
        this.registerOutputs({
            prometheusUrl: this.prometheusUrl,
            namespace: this.namespace,
            grafanaAdminSecretName: this.grafanaAdminSecretName,
        });
    }
}

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
