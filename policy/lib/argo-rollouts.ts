// Copyright 2026, airgap-platform authors.
//
// Reading Argo Rollouts objects the way the controller (v1.8/v1.9) reads them: where a Rollout names
// analysis templates, which of those uses the controller validates as "must terminate", and how a
// metric's effective count is worked out.

import { Entry, ManifestIndex } from "./manifest-index";
import { arr, intOrString, isMissing, isRecord, nonEmpty, rec, str } from "./values";

export const ROLLOUT = "argoproj.io/Rollout";
export const ANALYSIS_TEMPLATE = "argoproj.io/AnalysisTemplate";
export const CLUSTER_ANALYSIS_TEMPLATE = "argoproj.io/ClusterAnalysisTemplate";
/** Both template kinds share one spec; rules about template content check both. */
export const TEMPLATE_KINDS = [ANALYSIS_TEMPLATE, CLUSTER_ANALYSIS_TEMPLATE] as const;

/**
 * How a template is used. The controller's indefinite-metric check
 * (`ValidateAnalysisTemplateWithType`) runs for "step", "prePromotion" and "postPromotion" only; a
 * background analysis and an experiment's analyses may run indefinitely.
 */
export type TemplateUsage = "step" | "background" | "prePromotion" | "postPromotion" | "experiment";

/** Usages the controller requires to terminate. */
export const TERMINATING_USAGES: ReadonlySet<TemplateUsage> = new Set<TemplateUsage>(["step", "prePromotion", "postPromotion"]);

/** One reference to an analysis template. */
export interface TemplateRef {
    readonly templateName: unknown;
    readonly clusterScope: boolean;
    readonly usage: TemplateUsage;
    /** Field path of the reference, for messages. */
    readonly path: string;
    /** The `args` the referring analysis passes to its templates. */
    readonly args: unknown[];
}

/** spec.strategy.canary, or undefined. */
export function canaryOf(rollout: Entry): Record<string, unknown> | undefined {
    const canary = rec(rec(rollout.object.spec).strategy).canary;
    return isRecord(canary) ? canary : undefined;
}

/** spec.strategy.blueGreen, or undefined. */
export function blueGreenOf(rollout: Entry): Record<string, unknown> | undefined {
    const blueGreen = rec(rec(rollout.object.spec).strategy).blueGreen;
    return isRecord(blueGreen) ? blueGreen : undefined;
}

/** The canary steps (an empty list when there are none). */
export function stepsOf(rollout: Entry): unknown[] {
    return arr(canaryOf(rollout)?.steps);
}

function refsFrom(analysis: unknown, usage: TemplateUsage, path: string): TemplateRef[] {
    const args = arr(rec(analysis).args);
    return arr(rec(analysis).templates).map((t, i) => {
        const template = rec(t);
        return {
            templateName: template.templateName,
            clusterScope: template.clusterScope === true,
            usage,
            path: `${path}.templates[${i}].templateName`,
            args,
        };
    });
}

/** Every analysis template a Rollout names, with how it is used. */
export function templateRefsOfRollout(rollout: Entry): TemplateRef[] {
    const out: TemplateRef[] = [];
    const canary = canaryOf(rollout);
    if (canary !== undefined) {
        out.push(...refsFrom(canary.analysis, "background", "spec.strategy.canary.analysis"));
        arr(canary.steps).forEach((s, i) => {
            const step = rec(s);
            if (isRecord(step.analysis)) {
                out.push(...refsFrom(step.analysis, "step", `spec.strategy.canary.steps[${i}].analysis`));
            }
            if (isRecord(step.experiment)) {
                arr(step.experiment.analyses).forEach((a, j) => {
                    const analysis = rec(a);
                    out.push({
                        templateName: analysis.templateName,
                        clusterScope: analysis.clusterScope === true,
                        usage: "experiment",
                        path: `spec.strategy.canary.steps[${i}].experiment.analyses[${j}].templateName`,
                        args: arr(analysis.args),
                    });
                });
            }
        });
    }
    const blueGreen = blueGreenOf(rollout);
    if (blueGreen !== undefined) {
        const base = "spec.strategy.blueGreen";
        out.push(...refsFrom(blueGreen.prePromotionAnalysis, "prePromotion", `${base}.prePromotionAnalysis`));
        out.push(...refsFrom(blueGreen.postPromotionAnalysis, "postPromotion", `${base}.postPromotionAnalysis`));
    }
    return out;
}

/** Templates that a template includes through spec.templates (since v1.7). */
export function templateRefsOfTemplate(template: Entry): Array<{ templateName: unknown; clusterScope: boolean; path: string }> {
    return arr(rec(template.object.spec).templates).map((t, i) => {
        const ref = rec(t);
        return { templateName: ref.templateName, clusterScope: ref.clusterScope === true, path: `spec.templates[${i}].templateName` };
    });
}

/** The template a reference resolves to: same namespace, or cluster-scoped when clusterScope is set. */
export function resolveTemplate(index: ManifestIndex, namespace: string, name: string, clusterScope: boolean): Entry | undefined {
    return clusterScope ? index.find(CLUSTER_ANALYSIS_TEMPLATE, "", name) : index.find(ANALYSIS_TEMPLATE, namespace, name);
}

/** How the templates of a set are used, and by which Rollouts. */
export interface UsageInfo {
    readonly usages: Set<TemplateUsage>;
    /** "Rollout namespace/name (usage)" strings, for messages. */
    readonly users: string[];
}

/**
 * Maps every template of the set to its usages, following nested spec.templates: a template that a
 * step includes through another template is validated as a step template too.
 */
export function templateUsage(index: ManifestIndex): Map<Entry, UsageInfo> {
    return index.cached("argo-rollouts:template-usage", () => {
        const usage = new Map<Entry, UsageInfo>();
        const visit = (template: Entry, kind: TemplateUsage, user: string, depth: number): void => {
            let info = usage.get(template);
            if (info === undefined) {
                info = { usages: new Set(), users: [] };
                usage.set(template, info);
            }
            const label = `${user} (${kind})`;
            if (info.usages.has(kind) && info.users.includes(label)) {
                return;
            }
            info.usages.add(kind);
            if (!info.users.includes(label)) {
                info.users.push(label);
            }
            if (depth > 8) {
                return;
            }
            for (const nested of templateRefsOfTemplate(template)) {
                const name = nonEmpty(nested.templateName);
                if (name === undefined) {
                    continue;
                }
                const target = resolveTemplate(index, template.namespace, name, nested.clusterScope);
                if (target !== undefined) {
                    visit(target, kind, user, depth + 1);
                }
            }
        };
        for (const rollout of index.ofKind(ROLLOUT)) {
            const user = `Rollout ${rollout.namespace || "-"}/${rollout.name}`;
            for (const ref of templateRefsOfRollout(rollout)) {
                const name = nonEmpty(ref.templateName);
                if (name === undefined) {
                    continue;
                }
                const target = resolveTemplate(index, rollout.namespace, name, ref.clusterScope);
                if (target !== undefined) {
                    visit(target, ref.usage, user, 0);
                }
            }
        }
        return usage;
    });
}

/** The metrics of a template (an empty list when there are none). */
export function metricsOf(template: Entry): Array<{ metric: Record<string, unknown>; path: string; name: string }> {
    return arr(rec(template.object.spec).metrics).map((m, i) => {
        const metric = rec(m);
        return { metric, path: `spec.metrics[${i}]`, name: str(metric.name) ?? `#${i}` };
    });
}

/**
 * Substitutes `{{args.name}}` placeholders with the template's own arg values. Args without a value
 * are left as they are; the controller's reference check fills them with "dummy-value".
 */
export function resolveArgs(value: unknown, template: Entry): unknown {
    if (typeof value !== "string" || !value.includes("{{")) {
        return value;
    }
    const args = new Map<string, string>();
    for (const a of arr(rec(template.object.spec).args)) {
        const arg = rec(a);
        const name = str(arg.name);
        const argValue = str(arg.value);
        if (name !== undefined && argValue !== undefined) {
            args.set(name, argValue);
        }
    }
    return value.replace(/\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g, (whole, name: string) => args.get(name) ?? whole);
}

/** The effective count of a metric, as `EffectiveCount()` works it out. */
export type EffectiveCount =
    /** A fixed number of measurements. */
    | { readonly kind: "count"; readonly value: number }
    /** `interval` set and `count` unset or 0: the metric runs until the run is terminated. */
    | { readonly kind: "indefinite"; readonly unresolved?: string }
    /** Still a placeholder or unknown; cannot be checked. */
    | { readonly kind: "unknown" };

export function effectiveCount(metric: Record<string, unknown>, template: Entry): EffectiveCount {
    const interval = metric.interval;
    const rawCount = metric.count;
    if (isMissing(rawCount)) {
        return isMissing(interval) || interval === "" ? { kind: "count", value: 1 } : { kind: "indefinite" };
    }
    const resolved = resolveArgs(rawCount, template);
    const count = intOrString(resolved);
    if (count === undefined) {
        if (typeof resolved === "string" && resolved.includes("{{")) {
            // The controller's reference check substitutes "dummy-value", which parses as 0.
            return isMissing(interval) || interval === ""
                ? { kind: "unknown" }
                : { kind: "indefinite", unresolved: resolved };
        }
        return { kind: "unknown" };
    }
    if (count === 0) {
        return isMissing(interval) || interval === "" ? { kind: "count", value: 1 } : { kind: "indefinite" };
    }
    return { kind: "count", value: count };
}

/** The provider names set on a metric (`prometheus`, `web`, `job`, ...). */
export function providersOf(metric: Record<string, unknown>): string[] {
    return Object.keys(rec(metric.provider)).filter((k) => !isMissing(rec(metric.provider)[k]));
}

/** The Prometheus provider block, or undefined. */
export function prometheusOf(metric: Record<string, unknown>): Record<string, unknown> | undefined {
    const prometheus = rec(metric.provider).prometheus;
    return isRecord(prometheus) ? prometheus : undefined;
}

/** The metrics of a template that query Prometheus. */
export function prometheusMetricsOf(template: Entry): ReturnType<typeof metricsOf> {
    return metricsOf(template).filter(({ metric }) => prometheusOf(metric) !== undefined);
}

/** The metric's success and failure conditions that are set, with their field names. */
export function conditionsOf(metric: Record<string, unknown>): Array<{ field: "successCondition" | "failureCondition"; value: unknown }> {
    const out: Array<{ field: "successCondition" | "failureCondition"; value: unknown }> = [];
    for (const field of ["successCondition", "failureCondition"] as const) {
        if (!isMissing(metric[field]) && metric[field] !== "") {
            out.push({ field, value: metric[field] });
        }
    }
    return out;
}
