// Copyright 2026, airgap-platform authors.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GeneratedPassword } from "../../providers/generated-password";
import { chartLocation } from "../helm-values";
import { namespaceArgs } from "../namespace";
import { MonitoringSettings } from "./schema";
import { monitoringValues, prometheusUrlFor, RELEASE } from "./values";

export * from "./schema";
export { monitoringValues, prometheusUrlFor } from "./values";

/** Arguments of {@link Monitoring}. */
export interface MonitoringArgs {
    readonly settings: MonitoringSettings;
    /** The internal registry's address, resolved once it answers. */
    readonly registry: pulumi.Input<string>;
}

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
        const settings = args.settings;

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, namespaceArgs(settings.namespace), { parent: this });
        // Without a fixed password the chart generates a new one at every render.
        const grafanaPassword = new GeneratedPassword(`${name}-grafana-password`, { length: 32 }, { parent: this });
        const grafanaAdmin = new k8s.core.v1.Secret(`${name}-grafana-admin`, {
            metadata: { namespace: ns.metadata.name },
            stringData: { "admin-user": "admin", "admin-password": grafanaPassword.result },
        }, { parent: this });

        const chart = new k8s.helm.v4.Chart(`${name}-chart`, {
            ...chartLocation(settings, [args.registry]),
            name: RELEASE,
            namespace: ns.metadata.name,
            values: pulumi.all([args.registry, grafanaAdmin.metadata.name]).apply(([registry, secret]) =>
                monitoringValues(settings.images, registry, secret)),
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
