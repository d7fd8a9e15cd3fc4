// Copyright 2026, airgap-platform authors.
//
// The objects of a ProgressiveApp as plain Kubernetes manifests: pure functions of the validated settings
// (and the Prometheus URL), so tests and the YAML linter see exactly what the component registers.

import { imageString, resolveImage } from "../../lib/image";
import { inClusterService } from "../../lib/kubernetes";
import { ProgressiveAppSettings } from "./schema";

/** Label this component puts on each Service to tell main, stable, canary, preview and metrics apart. */
export const SERVICE_ROLE_LABEL = "airgap-platform/service-role";

/** Label the Argo Rollouts controller puts on the pods of each ReplicaSet: the hash of its pod template. */
export const POD_TEMPLATE_HASH_LABEL = "rollouts-pod-template-hash";
/** That label on a Prometheus series: the ServiceMonitor copies it from the pod with '-' turned into '_'. */
export const POD_TEMPLATE_HASH_SERIES_LABEL = "rollouts_pod_template_hash";
/** The AnalysisTemplate argument that receives the pod-template hash of the revision under analysis. */
export const CANARY_HASH_ARG = "canary-hash";

/** A plain Kubernetes object. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace: string; labels?: Record<string, string> }; [key: string]: any };

/** Labels of the pods; `app` is the one every selector uses (the label the hand-written lumen manifests used). */
export function podLabels(s: Pick<ProgressiveAppSettings, "name">): Record<string, string> {
    return { app: s.name, "app.kubernetes.io/name": s.name };
}

/** The selector of the Rollout and of every Service. */
export function selectorLabels(s: Pick<ProgressiveAppSettings, "name">): Record<string, string> {
    return { app: s.name };
}

/** Name of the AnalysisTemplate. */
export function analysisTemplateName(s: Pick<ProgressiveAppSettings, "name">): string {
    return `${s.name}-success-rate`;
}

/** The port the metrics are served on, and its name on the container and the Services. */
function metricsPort(s: ProgressiveAppSettings): { name: string; port: number } {
    return s.ports.metrics === undefined ? { name: "http", port: s.ports.http } : { name: "metrics", port: s.ports.metrics };
}

/** One Service of the app and what it is for. */
export interface ServiceRole {
    readonly role: "main" | "stable" | "canary" | "preview" | "metrics";
    readonly name: string;
}

/**
 * The Services. Canary: the main Service (selects every pod; ingress and Prometheus use it), stable and
 * canary (the controller adds the pod-template hash to their selectors). Blue-green: the main Service is
 * the active one and `-preview` the preview one; since the controller narrows both to one ReplicaSet, a
 * `-metrics` Service selects every pod for the ServiceMonitor, so pre-promotion analysis sees the preview.
 */
export function serviceRoles(s: ProgressiveAppSettings): ServiceRole[] {
    if (s.strategy === "canary") {
        return [
            { role: "main", name: s.name },
            { role: "stable", name: `${s.name}-stable` },
            { role: "canary", name: `${s.name}-canary` },
        ];
    }
    return [
        { role: "main", name: s.name },
        { role: "preview", name: `${s.name}-preview` },
        ...(s.serviceMonitor.enabled ? [{ role: "metrics" as const, name: `${s.name}-metrics` }] : []),
    ];
}

/** The Service Prometheus scrapes through: one that selects every pod of the app. */
export function scrapeRole(s: ProgressiveAppSettings): ServiceRole["role"] {
    return s.strategy === "canary" ? "main" : "metrics";
}

export function serviceManifest(s: ProgressiveAppSettings, service: ServiceRole): Manifest {
    const metrics = metricsPort(s);
    const ports: Record<string, unknown>[] = [{ name: "http", port: s.ports.service, targetPort: "http", protocol: "TCP" }];
    if (metrics.name === "metrics") {
        ports.push({ name: "metrics", port: metrics.port, targetPort: "metrics", protocol: "TCP" });
    }
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: service.name, namespace: s.namespace, labels: { ...podLabels(s), [SERVICE_ROLE_LABEL]: service.role } },
        spec: { type: "ClusterIP", selector: selectorLabels(s), ports },
    };
}

/**
 * The success-rate query: non-error requests over all requests of the pods under analysis, i.e. of the
 * revision whose pod-template hash the Rollout passes in (the canary, or the blue-green preview). A query
 * over every pod of the app would dilute a failing canary with stable traffic.
 */
export function successRateQuery(s: ProgressiveAppSettings): string {
    const a = s.analysis;
    if (a.query !== undefined) {
        return a.query;
    }
    const selector = `namespace="${s.namespace}",app="${s.name}",${POD_TEMPLATE_HASH_SERIES_LABEL}="{{args.${CANARY_HASH_ARG}}}"`;
    return `sum(rate(${a.requestMetric}{${selector},${a.statusLabel}!~"${a.errorStatus}"}[${a.window}])) / sum(rate(${a.requestMetric}{${selector}}[${a.window}]))`;
}

/**
 * The success condition, guarding both ways a quiet canary yields no number: an empty vector (no series
 * yet; reading result[0] would be an evaluation Error) and NaN (0/0 when both rates are zero; every
 * comparison with NaN is false). isNaN is defined by the controller's condition environment (utils/evaluate,
 * v1.8 and v1.9). `pass` treats no data as success; `fail` makes a quiet canary fail.
 */
export function successCondition(a: Pick<ProgressiveAppSettings["analysis"], "noData" | "successRate">): string {
    return a.noData === "pass"
        ? `len(result) == 0 || isNaN(result[0]) || result[0] >= ${a.successRate}`
        : `len(result) > 0 && !isNaN(result[0]) && result[0] >= ${a.successRate}`;
}

export function analysisTemplateManifest(s: ProgressiveAppSettings, prometheusUrl: string): Manifest {
    const a = s.analysis;
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AnalysisTemplate",
        metadata: { name: analysisTemplateName(s), namespace: s.namespace, labels: podLabels(s) },
        spec: {
            // Supplied by every analysis step of the Rollout (valueFrom.podTemplateHashValue: Latest).
            args: [{ name: CANARY_HASH_ARG }],
            metrics: [{
                name: a.metricName,
                // interval and count always together: interval alone runs indefinitely, which the controller
                // rejects for step and promotion analysis.
                interval: a.interval,
                count: a.count,
                failureLimit: a.failureLimit,
                successCondition: successCondition(a),
                provider: { prometheus: { address: prometheusUrl, query: successRateQuery(s) } },
            }],
        },
    };
}

/** A use of the template, handing it the pod-template hash of the newest ReplicaSet (the canary or preview). */
function analysisRef(s: ProgressiveAppSettings) {
    return {
        templates: [{ templateName: analysisTemplateName(s) }],
        args: [{ name: CANARY_HASH_ARG, valueFrom: { podTemplateHashValue: "Latest" } }],
    };
}

/** Canary steps: each weight, then an analysis step, except after the last (100%). */
export function canarySteps(s: ProgressiveAppSettings): Record<string, unknown>[] {
    const weights = s.canary.weights;
    return weights.flatMap((w, i) => (i < weights.length - 1 ? [{ setWeight: w }, { analysis: analysisRef(s) }] : [{ setWeight: w }]));
}

export function rolloutManifest(s: ProgressiveAppSettings): Manifest {
    const roles = Object.fromEntries(serviceRoles(s).map((r) => [r.role, r.name]));
    const metrics = metricsPort(s);
    const containerPorts: Record<string, unknown>[] = [{ name: "http", containerPort: s.ports.http, protocol: "TCP" }];
    if (metrics.name === "metrics") {
        containerPorts.push({ name: "metrics", containerPort: metrics.port, protocol: "TCP" });
    }
    const env = Object.keys(s.env).sort().map((name) => ({ name, value: s.env[name] }));
    const strategy = s.strategy === "canary"
        ? { canary: { stableService: roles.stable, canaryService: roles.canary, steps: canarySteps(s) } }
        : {
            blueGreen: {
                activeService: roles.main,
                previewService: roles.preview,
                autoPromotionEnabled: true,
                ...(s.blueGreen.autoPromotionSeconds === undefined ? {} : { autoPromotionSeconds: s.blueGreen.autoPromotionSeconds }),
                scaleDownDelaySeconds: s.blueGreen.scaleDownDelaySeconds,
                ...(s.blueGreen.prePromotionAnalysis ? { prePromotionAnalysis: analysisRef(s) } : {}),
                ...(s.blueGreen.postPromotionAnalysis ? { postPromotionAnalysis: analysisRef(s) } : {}),
            },
        };
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Rollout",
        metadata: { name: s.name, namespace: s.namespace, labels: podLabels(s) },
        spec: {
            // With an HPA, the HPA owns the replica count; a value in Git would make Argo CD undo every scale.
            ...(s.hpa.enabled ? {} : { replicas: s.replicas }),
            revisionHistoryLimit: s.revisionHistoryLimit,
            minReadySeconds: s.minReadySeconds,
            progressDeadlineSeconds: s.progressDeadlineSeconds,
            progressDeadlineAbort: true,
            selector: { matchLabels: selectorLabels(s) },
            template: {
                metadata: { labels: podLabels(s) },
                spec: {
                    // Pod Security "restricted" (the namespace Argo CD creates enforces it): the image must run
                    // as a non-root user, numerically (USER 65532, not USER app).
                    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [{
                        name: s.name,
                        image: imageString(resolveImage(s.image, s.registry)),
                        imagePullPolicy: "IfNotPresent",
                        ports: containerPorts,
                        ...(env.length > 0 ? { env } : {}),
                        readinessProbe: { httpGet: { path: s.probePath, port: "http" }, periodSeconds: 5 },
                        resources: { requests: { ...s.resources.requests }, limits: { ...s.resources.limits } },
                        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                    }],
                },
            },
            strategy,
        },
    };
}

export function hpaManifest(s: ProgressiveAppSettings): Manifest {
    return {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: s.name, namespace: s.namespace, labels: podLabels(s) },
        spec: {
            // The Rollout, never a Deployment: the Rollout owns the ReplicaSets (scale subresource of its CRD).
            scaleTargetRef: { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: s.name },
            minReplicas: s.hpa.minReplicas,
            maxReplicas: s.hpa.maxReplicas,
            metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: s.hpa.targetCpuUtilization } } }],
        },
    };
}

export function serviceMonitorManifest(s: ProgressiveAppSettings): Manifest {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: s.name, namespace: s.namespace, labels: { ...podLabels(s), ...s.serviceMonitor.labels } },
        spec: {
            selector: { matchLabels: { ...selectorLabels(s), [SERVICE_ROLE_LABEL]: scrapeRole(s) } },
            endpoints: [{ port: metricsPort(s).name, path: s.metricsPath, interval: s.serviceMonitor.interval }],
            // Copies the pod's `app` label and the controller's pod-template hash onto every series, which the
            // analysis query selects on (as `app` and `rollouts_pod_template_hash`).
            podTargetLabels: ["app", POD_TEMPLATE_HASH_LABEL],
        },
    };
}

/**
 * Ingress of the pods. Selecting pods for Ingress isolates them, so besides Prometheus (the namespace of
 * the analysis URL, kube-prometheus-stack's Prometheus pods) the HTTP port stays open to app traffic.
 */
export function networkPolicyManifest(s: ProgressiveAppSettings, prometheusUrl: string): Manifest {
    const metrics = metricsPort(s);
    const { namespace: promNamespace } = inClusterService(prometheusUrl);
    const appSources = s.networkPolicy.appIngressNamespaces.map((ns) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } }));
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: s.name, namespace: s.namespace, labels: podLabels(s) },
        spec: {
            podSelector: { matchLabels: selectorLabels(s) },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [{
                        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": promNamespace } },
                        podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
                    }],
                    ports: [{ protocol: "TCP", port: metrics.port }],
                },
                { ...(appSources.length > 0 ? { from: appSources } : {}), ports: [{ protocol: "TCP", port: s.ports.http }] },
            ],
        },
    };
}

/** Every object of the app, in a fixed order: what the component registers. */
export function progressiveAppManifests(s: ProgressiveAppSettings, prometheusUrl: string): Manifest[] {
    return [
        analysisTemplateManifest(s, prometheusUrl),
        ...serviceRoles(s).map((r) => serviceManifest(s, r)),
        rolloutManifest(s),
        ...(s.hpa.enabled ? [hpaManifest(s)] : []),
        ...(s.serviceMonitor.enabled ? [serviceMonitorManifest(s)] : []),
        ...(s.networkPolicy.enabled ? [networkPolicyManifest(s, prometheusUrl)] : []),
    ];
}

