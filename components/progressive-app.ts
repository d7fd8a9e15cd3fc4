// Copyright 2026, airgap-platform authors.
//
// An application delivered progressively by Argo Rollouts: the Rollout, its Services, the success-rate
// AnalysisTemplate that gates each step, and the optional HPA, ServiceMonitor and NetworkPolicy around it.
// Every object is built by a pure function below, so tests (and the YAML linter) see exactly what the
// component registers.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { imageProblems, imageString, resolveImage } from "../config";

/** A Service name is a DNS-1035 label: it must start with a letter. */
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOST_PORT = /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?:\d{1,5}$/;
/** A Go duration as the Argo Rollouts controller parses it (time.ParseDuration), e.g. 1m, 30s, 1m30s. */
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
/** A Prometheus duration (range selectors, scrape intervals), e.g. 2m, 30s, 1h30m. */
const PROM_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const PROM_METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const PROM_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;
const IN_CLUSTER_URL = /^https?:\/\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\.[a-z0-9]([-a-z0-9]*[a-z0-9])?\.svc(\.cluster\.local)?(:\d{1,5})?(\/.*)?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Suffixes added to the app name; the longest one bounds the name so every Service name fits in 63. */
const LONGEST_SUFFIX = "-preview".length;
const MAX_NAME = 63 - LONGEST_SUFFIX;

/** Label this component puts on each Service to tell main, stable, canary, preview and metrics apart. */
export const SERVICE_ROLE_LABEL = "airgap-platform/service-role";

/** Label the Argo Rollouts controller puts on the pods of each ReplicaSet: the hash of its pod template. */
export const POD_TEMPLATE_HASH_LABEL = "rollouts-pod-template-hash";
/** That label on a Prometheus series: the ServiceMonitor copies it from the pod with '-' turned into '_'. */
export const POD_TEMPLATE_HASH_SERIES_LABEL = "rollouts_pod_template_hash";
/** The AnalysisTemplate argument that receives the pod-template hash of the revision under analysis. */
export const CANARY_HASH_ARG = "canary-hash";

const port = (what: string) => z.number().int(`${what} must be a whole number`).min(1, `${what} must be between 1 and 65535`).max(65535, `${what} must be between 1 and 65535`);
const count = (min: number) => z.number().int("must be a whole number").min(min, `must be ${min} or more`);
const quantity = z.string().regex(QUANTITY, "must be a Kubernetes quantity such as 100m or 128Mi");

const resources = z.strictObject({
    cpu: quantity.optional(),
    memory: quantity.optional(),
});

/**
 * The knobs of {@link ProgressiveApp}, with their defaults. The component and the app stacks validate
 * with this one schema, so a stack config and a direct caller get the same errors.
 */
export const progressiveAppSchema = z.strictObject({
    name: z.string()
        .regex(DNS_1035, "must be a DNS-1035 label (it names Services): lowercase letters, digits and '-', starting with a letter and ending with a letter or digit")
        .max(MAX_NAME, `must be at most ${MAX_NAME} characters, so that '<name>-preview' still fits in a 63-character Service name`),
    namespace: z.string().regex(DNS_LABEL, "must be a DNS label: lowercase letters, digits and '-', 1 to 63 characters"),
    image: z.string().min(1, "must name an image in the internal registry, e.g. lumen-api:v1.5.3"),
    registry: z.string().regex(HOST_PORT, "must be host:port, e.g. 192.168.2.2:5000").default("192.168.2.2:5000"),
    replicas: count(1).default(2),
    ports: z.strictObject({
        http: port("the container's HTTP port").default(8080),
        metrics: port("the container's metrics port").optional(),
        service: port("the Service port").default(80),
    }).prefault({}),
    metricsPath: z.string().startsWith("/", "must be an absolute URL path such as /metrics").default("/metrics"),
    probePath: z.string().startsWith("/", "must be an absolute URL path such as /health").default("/health"),
    env: z.record(z.string().regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, "must be an environment variable name"), z.string()).default({}),
    resources: z.strictObject({
        requests: resources.default({ cpu: "100m", memory: "64Mi" }),
        limits: resources.default({ memory: "256Mi" }),
    }).prefault({}),
    strategy: z.enum(["canary", "blueGreen"], "must be canary or blueGreen").default("canary"),
    canary: z.strictObject({
        weights: z.array(z.number()).readonly().default([20, 80, 100]),
    }).prefault({}),
    blueGreen: z.strictObject({
        autoPromotionSeconds: count(1).optional(),
        scaleDownDelaySeconds: count(30).default(30),
        prePromotionAnalysis: z.boolean().default(true),
        postPromotionAnalysis: z.boolean().default(false),
    }).prefault({}),
    analysis: z.strictObject({
        metricName: z.string().regex(DNS_LABEL, "must be a DNS label").default("success-rate"),
        interval: z.string().regex(GO_DURATION, "must be a Go duration such as 1m or 30s").default("1m"),
        count: count(1).default(5),
        failureLimit: count(0).default(1),
        successRate: z.number().gt(0, "must be above 0").max(1, "must be at most 1 (a ratio, not a percentage)").default(0.95),
        noData: z.enum(["pass", "fail"], "must be pass or fail").default("pass"),
        window: z.string().regex(PROM_DURATION, "must be a Prometheus duration such as 2m").default("2m"),
        requestMetric: z.string().regex(PROM_METRIC, "must be a Prometheus metric name").default("http_requests_total"),
        statusLabel: z.string().regex(PROM_LABEL, "must be a Prometheus label name").default("status"),
        errorStatus: z.string().min(1).default("5.."),
        query: z.string().trim().min(1, "must not be empty; leave it unset to use the generated success-rate query").optional(),
    }).prefault({}),
    progressDeadlineSeconds: count(1).default(600),
    minReadySeconds: count(0).default(0),
    revisionHistoryLimit: count(0).default(3),
    hpa: z.strictObject({
        enabled: z.boolean().default(false),
        minReplicas: count(1).default(2),
        maxReplicas: count(1).default(5),
        targetCpuUtilization: count(1).max(1000, "must be at most 1000 (percent of the CPU request)").default(70),
    }).prefault({}),
    serviceMonitor: z.strictObject({
        enabled: z.boolean().default(true),
        interval: z.string().regex(PROM_DURATION, "must be a Prometheus duration such as 30s").default("30s"),
        /** kube-prometheus-stack's Prometheus only picks ServiceMonitors labelled with its release. */
        labels: z.record(z.string().regex(LABEL_KEY, "must be a label key"), z.string().regex(LABEL_VALUE, "must be a label value"))
            .default({ release: "kube-prometheus-stack" }),
    }).prefault({}),
    networkPolicy: z.strictObject({
        enabled: z.boolean().default(true),
        /** Namespaces allowed to reach the HTTP port; empty means any source. */
        appIngressNamespaces: z.array(z.string().regex(DNS_LABEL, "must be a namespace name")).readonly().default([]),
    }).prefault({}),
});

/** Validated settings, every default filled in. */
export type ProgressiveAppSettings = z.output<typeof progressiveAppSchema>;
type SchemaInput = z.input<typeof progressiveAppSchema>;

/** Arguments of {@link ProgressiveApp}. Structural knobs are plain values: they decide which objects exist. */
export interface ProgressiveAppArgs {
    /** App name: the Rollout and main Service, and the `app` label of the pods. DNS-1035, at most 55 characters. */
    readonly name: string;
    readonly namespace: string;
    /** Image path inside the internal registry with a pinned tag or digest, e.g. `lumen-api:v1.5.3`. */
    readonly image: string;
    /** host:port of the internal registry. Default 192.168.2.2:5000. */
    readonly registry?: string;
    /** The in-cluster Prometheus every analysis queries: the Monitoring component's `prometheusUrl`. */
    readonly prometheusUrl: pulumi.Input<string>;
    /** Pods when no HPA is set. Default 2. */
    readonly replicas?: number;
    /** Container HTTP port (default 8080), metrics port (default: the HTTP port) and Service port (default 80). */
    readonly ports?: { readonly http?: number; readonly metrics?: number; readonly service?: number };
    /** Path Prometheus scrapes. Default /metrics. */
    readonly metricsPath?: string;
    /** Path of the readiness probe. Default /health. */
    readonly probePath?: string;
    /** Environment variables of the container. Default none. */
    readonly env?: Readonly<Record<string, string>>;
    /** Container requests (default cpu 100m, memory 64Mi) and limits (default memory 256Mi). */
    readonly resources?: {
        readonly requests?: { readonly cpu?: string; readonly memory?: string };
        readonly limits?: { readonly cpu?: string; readonly memory?: string };
    };
    /** canary (default) or blueGreen. */
    readonly strategy?: "canary" | "blueGreen";
    /**
     * Canary traffic weights, increasing and ending at 100; an analysis step follows each weight but the
     * last. Default [20, 80, 100] (seed 000: 20%, analysis, 80%, analysis, 100%).
     */
    readonly canary?: { readonly weights?: readonly number[] };
    /**
     * Blue-green options: autoPromotionSeconds (default unset: promote as soon as the pre-promotion analysis
     * passes), scaleDownDelaySeconds (default 30, never less), prePromotionAnalysis (default true),
     * postPromotionAnalysis (default false).
     */
    readonly blueGreen?: {
        readonly autoPromotionSeconds?: number;
        readonly scaleDownDelaySeconds?: number;
        readonly prePromotionAnalysis?: boolean;
        readonly postPromotionAnalysis?: boolean;
    };
    /**
     * The success-rate analysis: interval (default 1m) and count (default 5), always together; failureLimit
     * (default 1: two failed measurements fail the step); successRate (default 0.95); noData (default pass:
     * no traffic or a NaN ratio counts as success, `fail` inverts it); window (default 2m), requestMetric
     * (default http_requests_total), statusLabel (default status), errorStatus (default 5..) build the
     * query unless `query` replaces it; a query of its own should select
     * `rollouts_pod_template_hash="{{args.canary-hash}}"`, so that it judges the canary's pods only.
     */
    readonly analysis?: {
        readonly metricName?: string;
        readonly interval?: string;
        readonly count?: number;
        readonly failureLimit?: number;
        readonly successRate?: number;
        readonly noData?: "pass" | "fail";
        readonly window?: string;
        readonly requestMetric?: string;
        readonly statusLabel?: string;
        readonly errorStatus?: string;
        readonly query?: string;
    };
    /** Seconds before a Rollout that makes no progress is aborted. Default 600. */
    readonly progressDeadlineSeconds?: number;
    /** Default 0; must stay below progressDeadlineSeconds. */
    readonly minReadySeconds?: number;
    /** Old ReplicaSets kept for rollback. Default 3. */
    readonly revisionHistoryLimit?: number;
    /**
     * An HPA on the Rollout (default off; minReplicas 2, maxReplicas 5, targetCpuUtilization 70). When on,
     * the Rollout leaves spec.replicas unset so that the HPA and Argo CD do not fight over it.
     */
    readonly hpa?: { readonly enabled?: boolean; readonly minReplicas?: number; readonly maxReplicas?: number; readonly targetCpuUtilization?: number };
    /** A ServiceMonitor (default on, interval 30s, labels {release: kube-prometheus-stack}). */
    readonly serviceMonitor?: { readonly enabled?: boolean; readonly interval?: string; readonly labels?: Readonly<Record<string, string>> };
    /**
     * A NetworkPolicy admitting Prometheus to the metrics port and app traffic to the HTTP port (default on;
     * appIngressNamespaces empty = any source).
     */
    readonly networkPolicy?: { readonly enabled?: boolean; readonly appIngressNamespaces?: readonly string[] };
}

/** One problem of the arguments: the key (`analysis.failureLimit`) and what is wrong. */
export interface ArgProblem {
    readonly key: string;
    readonly message: string;
}

/** Rules between settings, run once each setting is well-formed on its own. */
function crossSettingProblems(s: ProgressiveAppSettings): ArgProblem[] {
    const problems: ArgProblem[] = [];
    const problem = (key: string, message: string) => problems.push({ key, message });

    for (const message of imageProblems(s.image, s.registry)) {
        problem("image", message);
    }

    if (s.strategy === "canary") {
        const weights = s.canary.weights;
        if (weights.length < 2) {
            problem("canary.weights", `is ${JSON.stringify(weights)}: give at least two weights ending at 100 (e.g. [20, 80, 100]), so that an analysis step runs before full promotion`);
        }
        weights.forEach((w, i) => {
            if (!Number.isInteger(w) || w < 1 || w > 100) {
                problem(`canary.weights[${i}]`, `is ${w}: a weight is a whole percentage between 1 and 100`);
            } else if (i > 0 && w <= weights[i - 1]) {
                problem(`canary.weights[${i}]`, `is ${w}, not above ${weights[i - 1]} at canary.weights[${i - 1}]: weights must increase (abort the Rollout to send traffic back to stable)`);
            }
        });
        if (weights.length > 0 && weights[weights.length - 1] !== 100) {
            problem(`canary.weights[${weights.length - 1}]`, `is ${weights[weights.length - 1]}: the last weight must be 100, so that full promotion is an explicit step after the last analysis`);
        }
    }

    // The controller fails a metric when failed measurements, counted over the whole run (never
    // consecutively), exceed failureLimit. A limit at or above count can never fail, and one near count lets
    // mostly failing canaries through; so at most half of the measurements (rounded up) may be needed to fail.
    const { count: n, failureLimit: limit } = s.analysis;
    const mostFailuresNeeded = Math.ceil(n / 2);
    if (limit >= n) {
        problem("analysis.failureLimit", `is ${limit} with count ${n}: a metric fails only when failures exceed failureLimit, so this analysis can never fail; use at most ${mostFailuresNeeded - 1}`);
    } else if (limit + 1 > mostFailuresNeeded) {
        problem("analysis.failureLimit", `is ${limit} with count ${n}: ${limit + 1} of ${n} measurements would have to fail (failures are counted in total, not consecutively), so a mostly failing canary passes; use at most ${mostFailuresNeeded - 1}`);
    }

    if (s.progressDeadlineSeconds <= s.minReadySeconds) {
        problem("progressDeadlineSeconds", `is ${s.progressDeadlineSeconds}: it must be greater than minReadySeconds (${s.minReadySeconds}); the controller rejects the Rollout otherwise`);
    }
    if (s.hpa.enabled) {
        if (s.hpa.minReplicas > s.hpa.maxReplicas) {
            problem("hpa.minReplicas", `is ${s.hpa.minReplicas}, above hpa.maxReplicas (${s.hpa.maxReplicas})`);
        }
        if (s.resources.requests.cpu === undefined) {
            problem("resources.requests.cpu", "is required while hpa.enabled is true: CPU utilisation is a percentage of the CPU request");
        }
    }
    if (s.ports.metrics !== undefined && s.ports.metrics === s.ports.http) {
        problem("ports.metrics", `is the HTTP port ${s.ports.http}: leave it unset when metrics are served on the HTTP port`);
    }
    return problems;
}

/** Problems of a Prometheus URL, as messages without the key. */
export function prometheusUrlProblems(url: string): string[] {
    return IN_CLUSTER_URL.test(url) ? [] : [`'${url}' is not an in-cluster Service URL such as http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090; the Argo Rollouts controller queries from inside the cluster`];
}

/**
 * Validates the knobs. Returns the settings with every default, or every problem keyed by its path in
 * the arguments (`analysis.failureLimit`, `canary.weights[1]`), so callers can prefix their own config key.
 */
export function validateProgressiveApp(raw: unknown): { settings?: ProgressiveAppSettings; problems: ArgProblem[] } {
    const parsed = progressiveAppSchema.safeParse(raw);
    if (!parsed.success) {
        return { problems: parsed.error.issues.flatMap(describeIssue) };
    }
    const problems = crossSettingProblems(parsed.data);
    return problems.length === 0 ? { settings: parsed.data, problems } : { problems };
}

function describeIssue(issue: z.core.$ZodIssue): ArgProblem[] {
    const key = issue.path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("");
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => ({ key: key === "" ? k : `${key}.${k}`, message: "unknown setting" }));
    }
    return [{ key: key === "" ? "(arguments)" : key, message: issue.message }];
}

/** Picks the schema's fields out of the arguments; also checks at compile time that Args fit the schema. */
function schemaInput(args: ProgressiveAppArgs): SchemaInput {
    const { prometheusUrl: _url, ...rest } = args;
    return rest;
}

// ---------------------------------------------------------------------------------------------------------
// Pure builders: each returns one plain Kubernetes object.

/** A plain Kubernetes object. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace: string; labels?: Record<string, string> }; [key: string]: any };

/** Labels of the pods; `app` is the one every selector uses (as in seed 000). */
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
 * v1.8 and v1.9). `pass` treats no data as success (seed 000); `fail` makes a quiet canary fail.
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

/** Namespace and port of an in-cluster Prometheus URL. */
export function prometheusEndpoint(prometheusUrl: string): { namespace: string; port: number } {
    const url = new URL(prometheusUrl);
    return { namespace: url.hostname.split(".")[1], port: Number(url.port || (url.protocol === "https:" ? 443 : 80)) };
}

/**
 * Ingress of the pods. Selecting pods for Ingress isolates them, so besides Prometheus (the namespace of
 * the analysis URL, kube-prometheus-stack's Prometheus pods) the HTTP port stays open to app traffic.
 */
export function networkPolicyManifest(s: ProgressiveAppSettings, prometheusUrl: string): Manifest {
    const metrics = metricsPort(s);
    const { namespace: promNamespace } = prometheusEndpoint(prometheusUrl);
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

// ---------------------------------------------------------------------------------------------------------

/** Stands in for the URL where only metadata is read (names and labels do not depend on it). */
const URL_PLACEHOLDER = "http://prometheus.monitoring.svc:9090";

/** Raised with every problem of the arguments at once, before any child resource exists. */
export class ProgressiveAppArgsError extends pulumi.ResourceError {
    constructor(name: string, public readonly problems: ArgProblem[], resource: pulumi.Resource) {
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

        const { settings, problems } = validateProgressiveApp(schemaInput(args));
        if (typeof args.prometheusUrl === "string") {
            problems.push(...prometheusUrlProblems(args.prometheusUrl).map((message) => ({ key: "prometheusUrl", message })));
        }
        if (settings === undefined || problems.length > 0) {
            throw new ProgressiveAppArgsError(name, problems, this);
        }
        const s = settings;
        const url = pulumi.output(args.prometheusUrl).apply((u) => {
            const bad = prometheusUrlProblems(u);
            if (bad.length > 0) {
                throw new ProgressiveAppArgsError(name, bad.map((message) => ({ key: "prometheusUrl", message })), this);
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
