// Copyright 2026, airgap-platform authors.

import { effectiveCount, metricsOf, providersOf, resolveArgs, TEMPLATE_KINDS } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { hasPlaceholder, intOrString, isMissing, isUnknown, parseGoDuration, show } from "../../../lib/values";

/**
 * The rest of the controller's ValidateMetrics (utils/analysis/factory.go). Nothing checks these when
 * the template is applied (no webhook, no CRD bounds); the AnalysisRun goes to Error
 * ("Analysis spec invalid") only when it starts, and the Rollout then aborts.
 */
export const analysisTemplateEnforceMetricLimits = defineRule({
    name: "analysistemplate-enforce-metric-limits",
    description: "Requires analysis metrics to pass the controller's metric validation: unique names, exactly one provider, valid interval and initialDelay durations, an interval when count is above 1, and non-negative inconclusiveLimit and consecutiveErrorLimit not above count. The controller only checks these when an AnalysisRun starts, and then aborts the Rollout.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Fix the field named in the message; the message quotes the controller's own error.",
    scope: "resource",
    kinds: [...TEMPLATE_KINDS],
    check(entry, _ctx, report) {
        const seen = new Set<string>();
        for (const { metric, path, name } of metricsOf(entry)) {
            if (isMissing(metric.name) || metric.name === "") {
                report(`${path}.name is not set; every metric needs a unique name.`);
            } else if (typeof metric.name === "string") {
                if (seen.has(metric.name)) {
                    report(`${path}.name "${metric.name}" is used twice; the controller rejects it ("duplicate name").`);
                }
                seen.add(metric.name);
            }
            if (!isUnknown(metric.provider)) {
                const providers = providersOf(metric);
                if (providers.length === 0) {
                    report(`${path}.provider (metric "${name}") is empty; the controller rejects it ("no provider specified").`);
                } else if (providers.length > 1) {
                    report(`${path}.provider (metric "${name}") sets ${providers.join(" and ")}; the controller rejects it ("multiple providers specified").`);
                }
            }
            for (const field of ["interval", "initialDelay"]) {
                const value = metric[field];
                if (typeof value === "string" && !hasPlaceholder(value) && parseGoDuration(value) === undefined) {
                    report(`${path}.${field} (metric "${name}") is ${show(value)}, not a duration such as "1m"; the controller rejects it ("invalid ${field} string").`);
                }
            }
            const count = effectiveCount(metric, entry);
            if (count.kind === "count" && count.value > 1 && (isMissing(metric.interval) || metric.interval === "")) {
                report(`${path} (metric "${name}") has count ${count.value} but no interval; the controller rejects it ("interval must be specified when count > 1").`);
            }
            for (const field of ["inconclusiveLimit", "consecutiveErrorLimit", "consecutiveSuccessLimit"]) {
                const value = intOrString(resolveArgs(metric[field], entry));
                if (value !== undefined && value < 0) {
                    report(`${path}.${field} (metric "${name}") is ${value}; the controller rejects negative values.`);
                }
            }
            const inconclusive = intOrString(resolveArgs(metric.inconclusiveLimit, entry));
            if (count.kind === "count" && !isMissing(metric.count) && inconclusive !== undefined && count.value < inconclusive) {
                report(`${path}.count (metric "${name}") is ${count.value}, below inconclusiveLimit ${inconclusive}; the controller rejects it ("count must be >= inconclusiveLimit").`);
            }
        }
    },
});
