// Copyright 2026, airgap-platform authors.
//
// The knobs of ProgressiveApp: one zod schema holds every field, its rule and its default, and the types
// are derived from it. The component and the app stacks validate with it, so a stack config and a direct
// caller get the same errors. No site value lives here: the caller names its registry.

import { z } from "zod";
import { GO_DURATION, PROM_DURATION } from "../../lib/duration";
import { dnsLabel, hostPort, quantity } from "../../lib/fields";
import { imageProblems } from "../../lib/image";
import { SettingProblem, settingProblems } from "../../lib/issues";
import { DNS_1035_LABEL, IN_CLUSTER_URL, LABEL_KEY, LABEL_VALUE } from "../../lib/kubernetes";

const PROM_METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const PROM_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Suffixes added to the app name; the longest one bounds the name so every Service name fits in 63. */
const LONGEST_SUFFIX = "-preview".length;
const MAX_NAME = 63 - LONGEST_SUFFIX;

const port = (what: string) => z.number().int(`${what} must be a whole number`).min(1, `${what} must be between 1 and 65535`).max(65535, `${what} must be between 1 and 65535`);
const count = (min: number) => z.number().int("must be a whole number").min(min, `must be ${min} or more`);
const goDuration = (example: string) => z.string().regex(GO_DURATION, `must be a Go duration such as ${example}`);
const promDuration = (example: string) => z.string().regex(PROM_DURATION, `must be a Prometheus duration such as ${example}`);

const resources = z.strictObject({
    /** CPU, e.g. 100m. */
    cpu: quantity.optional(),
    /** Memory, e.g. 64Mi. */
    memory: quantity.optional(),
});

/** The knobs of `ProgressiveApp` (index.ts); each field says its default. */
export const progressiveAppSchema = z.strictObject({
    /** App name: the Rollout and main Service, and the `app` label of the pods. DNS-1035, at most 55 characters. Required. */
    name: z.string()
        .regex(DNS_1035_LABEL, "must be a DNS-1035 label (it names Services): lowercase letters, digits and '-', starting with a letter and ending with a letter or digit")
        .max(MAX_NAME, `must be at most ${MAX_NAME} characters, so that '<name>-preview' still fits in a 63-character Service name`),
    /** Namespace of every object. Required. */
    namespace: dnsLabel("a namespace"),
    /** Image path inside the internal registry with a pinned tag or digest, e.g. `lumen-api:v1.5.3`. Required. */
    image: z.string().min(1, "must name an image in the internal registry, e.g. lumen-api:v1.5.3"),
    /** host:port of the internal registry the image comes from. Required: the site's address, not the component's. */
    registry: hostPort,
    /** Pods when no HPA is set. Default 2. */
    replicas: count(1).default(2),
    ports: z.strictObject({
        /** Container HTTP port. Default 8080. */
        http: port("the container's HTTP port").default(8080),
        /** Container metrics port. Default: unset, metrics are served on the HTTP port. */
        metrics: port("the container's metrics port").optional(),
        /** Service port. Default 80. */
        service: port("the Service port").default(80),
    }).prefault({}),
    /** Path Prometheus scrapes. Default /metrics. */
    metricsPath: z.string().startsWith("/", "must be an absolute URL path such as /metrics").default("/metrics"),
    /** Path of the readiness probe. Default /health. */
    probePath: z.string().startsWith("/", "must be an absolute URL path such as /health").default("/health"),
    /** Environment variables of the container (name: value). Default none. */
    env: z.record(z.string().regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, "must be an environment variable name"), z.string()).default({}),
    resources: z.strictObject({
        /** Container requests. Default cpu 100m, memory 64Mi. */
        requests: resources.default({ cpu: "100m", memory: "64Mi" }),
        /** Container limits. Default memory 256Mi. */
        limits: resources.default({ memory: "256Mi" }),
    }).prefault({}),
    /** canary or blueGreen. Default canary. */
    strategy: z.enum(["canary", "blueGreen"], "must be canary or blueGreen").default("canary"),
    canary: z.strictObject({
        /** Traffic weights, increasing and ending at 100; an analysis step follows each weight but the last. Default [20, 80, 100]. */
        weights: z.array(z.number()).readonly().default([20, 80, 100]),
    }).prefault({}),
    blueGreen: z.strictObject({
        /** Seconds before promotion. Default unset: promote as soon as the pre-promotion analysis passes. */
        autoPromotionSeconds: count(1).optional(),
        /** Seconds the old ReplicaSet stays after promotion. Default 30, never less. */
        scaleDownDelaySeconds: count(30).default(30),
        /** Analysis of the preview before promotion. Default true. */
        prePromotionAnalysis: z.boolean().default(true),
        /** Analysis after promotion. Default false. */
        postPromotionAnalysis: z.boolean().default(false),
    }).prefault({}),
    analysis: z.strictObject({
        /** Name of the analysis metric. Default success-rate. */
        metricName: dnsLabel("a metric name").default("success-rate"),
        /** Time between measurements, always set together with count (interval alone runs forever). Default 1m. */
        interval: goDuration("1m or 30s").default("1m"),
        /** Measurements per analysis. Default 5. */
        count: count(1).default(5),
        /** Failed measurements tolerated; one more fails the step. Default 1. */
        failureLimit: count(0).default(1),
        /** Lowest share of non-error requests that passes (a ratio). Default 0.95. */
        successRate: z.number().gt(0, "must be above 0").max(1, "must be at most 1 (a ratio, not a percentage)").default(0.95),
        /** What no traffic (an empty result or a NaN ratio) counts as: pass or fail. Default pass. */
        noData: z.enum(["pass", "fail"], "must be pass or fail").default("pass"),
        /** Range of the rate() in the generated query. Default 2m. */
        window: promDuration("2m").default("2m"),
        /** Request counter of the generated query. Default http_requests_total. */
        requestMetric: z.string().regex(PROM_METRIC, "must be a Prometheus metric name").default("http_requests_total"),
        /** Label holding the HTTP status. Default status. */
        statusLabel: z.string().regex(PROM_LABEL, "must be a Prometheus label name").default("status"),
        /** Regular expression of the error statuses. Default 5.. */
        errorStatus: z.string().min(1).default("5.."),
        /**
         * A query replacing the generated one. Default unset. It should select
         * `rollouts_pod_template_hash="{{args.canary-hash}}"`, so that it judges the canary's pods only.
         */
        query: z.string().trim().min(1, "must not be empty; leave it unset to use the generated success-rate query").optional(),
    }).prefault({}),
    /** Seconds before a Rollout that makes no progress is aborted. Default 600. */
    progressDeadlineSeconds: count(1).default(600),
    /** Seconds a new pod must be ready to count as available; below progressDeadlineSeconds. Default 0. */
    minReadySeconds: count(0).default(0),
    /** Old ReplicaSets kept for rollback. Default 3. */
    revisionHistoryLimit: count(0).default(3),
    /** An HPA on the Rollout; when on, the Rollout leaves spec.replicas to it, so the HPA and Argo CD do not fight. */
    hpa: z.strictObject({
        /** Default false. */
        enabled: z.boolean().default(false),
        /** Default 2. */
        minReplicas: count(1).default(2),
        /** Default 5. */
        maxReplicas: count(1).default(5),
        /** Percent of the CPU request. Default 70. */
        targetCpuUtilization: count(1).max(1000, "must be at most 1000 (percent of the CPU request)").default(70),
    }).prefault({}),
    serviceMonitor: z.strictObject({
        /** Default true. */
        enabled: z.boolean().default(true),
        /** Scrape interval. Default 30s. */
        interval: promDuration("30s").default("30s"),
        /** kube-prometheus-stack's Prometheus only picks ServiceMonitors labelled with its release. Default {release: kube-prometheus-stack}. */
        labels: z.record(z.string().regex(LABEL_KEY, "must be a label key"), z.string().regex(LABEL_VALUE, "must be a label value"))
            .default({ release: "kube-prometheus-stack" }),
    }).prefault({}),
    /** A NetworkPolicy admitting Prometheus to the metrics port and app traffic to the HTTP port. */
    networkPolicy: z.strictObject({
        /** Default true. */
        enabled: z.boolean().default(true),
        /** Namespaces allowed to reach the HTTP port. Default [] (any source). */
        appIngressNamespaces: z.array(dnsLabel("a namespace")).readonly().default([]),
    }).prefault({}),
});

/** The knobs as a caller writes them: defaulted fields optional. */
export type ProgressiveAppInput = z.input<typeof progressiveAppSchema>;
/** Validated settings, every default filled in. */
export type ProgressiveAppSettings = z.output<typeof progressiveAppSchema>;

/** Rules between settings, run once each setting is well-formed on its own. */
function crossSettingProblems(s: ProgressiveAppSettings): SettingProblem[] {
    const problems: SettingProblem[] = [];
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


/**
 * Validates the knobs. Returns the settings with every default, or every problem keyed by its path in
 * the arguments (`analysis.failureLimit`, `canary.weights[1]`), so callers can prefix their own config key.
 */
export function validateProgressiveApp(raw: unknown): { settings?: ProgressiveAppSettings; problems: SettingProblem[] } {
    const parsed = progressiveAppSchema.safeParse(raw);
    if (!parsed.success) {
        return { problems: settingProblems(parsed.error.issues).map((p) => (p.key === "" ? { ...p, key: "(arguments)" } : p)) };
    }
    const problems = crossSettingProblems(parsed.data);
    return problems.length === 0 ? { settings: parsed.data, problems } : { problems };
}

/** The in-cluster Prometheus URL every analysis queries; the controller queries from inside the cluster. */
export const prometheusUrlSchema = z.string().regex(IN_CLUSTER_URL, {
    error: (issue) => `'${String(issue.input)}' is not an in-cluster Service URL such as http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090; the Argo Rollouts controller queries from inside the cluster`,
});
