// Copyright 2026, airgap-platform authors.
//
// An application delivered progressively by Argo Rollouts: the Rollout, its Services, the success-rate
// AnalysisTemplate that gates each step, and the optional HPA, ServiceMonitor and NetworkPolicy around it.
// schema.ts holds the knobs and their defaults, values.ts builds each object; this file registers them.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SettingProblem, settingProblems } from "../../lib/issues";
import { ProgressiveAppInput, prometheusUrlSchema, validateProgressiveApp } from "./schema";
import { analysisTemplateManifest, hpaManifest, networkPolicyManifest, rolloutManifest, serviceManifest, serviceMonitorManifest, serviceRoles } from "./values";

export * from "./schema";
export * from "./values";

/** Arguments of {@link ProgressiveApp}: the schema's knobs (see schema.ts for each default) and the Prometheus URL. */
export type ProgressiveAppArgs = ProgressiveAppInput & {
    /** The in-cluster Prometheus every analysis queries: the Monitoring component's `prometheusUrl`. */
    readonly prometheusUrl: pulumi.Input<string>;
};

/** Stands in for the URL where only metadata is read (names and labels do not depend on it). */
const URL_PLACEHOLDER = "http://prometheus.monitoring.svc:9090";

/** Raised with every problem of the arguments at once, before any child resource exists. */
export class ProgressiveAppArgsError extends pulumi.ResourceError {
    constructor(name: string, public readonly problems: SettingProblem[], resource: pulumi.Resource) {
        super(`Invalid arguments for ProgressiveApp '${name}' (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was created:\n` +
            problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n"), resource);
        this.name = "ProgressiveAppArgsError";
    }
}

/**
 * An app delivered by Argo Rollouts: Rollout (canary 20% → analysis → 80% → analysis → 100% by default, or
 * blue-green), its Services, the success-rate AnalysisTemplate on the platform's Prometheus, and optionally
 * an HPA on the Rollout, a ServiceMonitor and a NetworkPolicy admitting Prometheus.
 *
 * Every object has a fixed metadata.name: the Rollout refers to its Services and template by name, and a
 * rendered manifest must not change between renders (auto-naming appends a random suffix).
 */
export class ProgressiveApp extends pulumi.ComponentResource {
    public readonly rolloutName: pulumi.Output<string>;
    public readonly serviceNames: pulumi.Output<string[]>;
    public readonly analysisTemplateName: pulumi.Output<string>;
    /** The Prometheus address the analysis queries. */
    public readonly prometheusUrl: pulumi.Output<string>;

    constructor(name: string, args: ProgressiveAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("airgap:index:ProgressiveApp", name, {}, opts);

        const { prometheusUrl, ...knobs } = args;
        const urlProblems = (u: string) => settingProblems(prometheusUrlSchema.safeParse(u).error?.issues ?? []).map((p) => ({ ...p, key: "prometheusUrl" }));
        const { settings: s, problems } = validateProgressiveApp(knobs);
        if (typeof prometheusUrl === "string") {
            problems.push(...urlProblems(prometheusUrl));
        }
        if (s === undefined || problems.length > 0) {
            throw new ProgressiveAppArgsError(name, problems, this);
        }
        const url = pulumi.output(prometheusUrl).apply((u) => {
            const bad = urlProblems(u);
            if (bad.length > 0) {
                throw new ProgressiveAppArgsError(name, bad, this);
            }
            return u;
        });
        const child = { parent: this };

        const template = analysisTemplateManifest(s, URL_PLACEHOLDER);
        const analysis = new k8s.apiextensions.CustomResource(`${name}-analysis`, {
            apiVersion: template.apiVersion,
            kind: template.kind,
            metadata: template.metadata,
            spec: url.apply((u) => analysisTemplateManifest(s, u).spec),
        }, child);

        const services = serviceRoles(s).map((role) => {
            const m = serviceManifest(s, role);
            return new k8s.core.v1.Service(`${name}-${role.role}`, { metadata: m.metadata, spec: m.spec }, child);
        });

        const r = rolloutManifest(s);
        const rollout = new k8s.apiextensions.CustomResource(`${name}-rollout`, {
            apiVersion: r.apiVersion, kind: r.kind, metadata: r.metadata, spec: r.spec,
        }, { ...child, dependsOn: [analysis, ...services] });

        if (s.hpa.enabled) {
            const h = hpaManifest(s);
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, { metadata: h.metadata, spec: h.spec }, { ...child, dependsOn: rollout });
        }
        if (s.serviceMonitor.enabled) {
            const m = serviceMonitorManifest(s);
            new k8s.apiextensions.CustomResource(`${name}-monitor`, { apiVersion: m.apiVersion, kind: m.kind, metadata: m.metadata, spec: m.spec }, child);
        }
        if (s.networkPolicy.enabled) {
            const n = networkPolicyManifest(s, URL_PLACEHOLDER);
            new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, {
                metadata: n.metadata,
                spec: url.apply((u) => networkPolicyManifest(s, u).spec),
            }, child);
        }

        this.rolloutName = rollout.metadata.name;
        this.serviceNames = pulumi.all(services.map((svc) => svc.metadata.name));
        this.analysisTemplateName = analysis.metadata.name;
        this.prometheusUrl = url;
        this.registerOutputs({
            rolloutName: this.rolloutName,
            serviceNames: this.serviceNames,
            analysisTemplateName: this.analysisTemplateName,
            prometheusUrl: this.prometheusUrl,
        });
    }
}
