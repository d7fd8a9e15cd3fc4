// Copyright 2026, airgap-platform authors.

import { effectiveCount, metricsOf, resolveArgs, TEMPLATE_KINDS } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { intOrString, isMissing, isUnknown, show } from "../../../lib/values";

/**
 * Every metric sets failureLimit explicitly, below its count. In the controller a metric is Failed
 * when the number of failed measurements, counted over the whole run and never reset, is greater
 * than failureLimit (analysis/analysis.go). So an unset failureLimit means 0 (the first failure
 * fails the metric), and a failureLimit equal to or above count means the metric can never fail.
 * The ValidateMetric bounds are checked too: failureLimit >= -1, -1 only with
 * consecutiveSuccessLimit > 0, and count >= failureLimit + consecutiveSuccessLimit.
 */
export const analysisTemplateEnforceFailureLimit = defineRule({
    name: "analysistemplate-enforce-failure-limit",
    description: "Requires every analysis metric to set failureLimit explicitly and below its count. The controller fails a metric only when failed measurements exceed failureLimit, counted over the whole run, so a failureLimit at or above count can never fail; the controller's own bounds (at least -1, -1 only with consecutiveSuccessLimit, count >= failureLimit + consecutiveSuccessLimit) are checked too.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set failureLimit on the metric to a value below count (failureLimit: 1 with count: 5 fails the metric on the second failed measurement).",
    scope: "resource",
    kinds: [...TEMPLATE_KINDS],
    check(entry, _ctx, report) {
        for (const { metric, path, name } of metricsOf(entry)) {
            const raw = metric.failureLimit;
            if (isUnknown(raw)) {
                continue;
            }
            if (isMissing(raw)) {
                report(`${path}.failureLimit (metric "${name}") is not set, so it defaults to 0 and the first failed measurement fails the metric; set it explicitly, below count.`);
                continue;
            }
            const limit = intOrString(resolveArgs(raw, entry));
            if (limit === undefined) {
                if (typeof raw !== "string" || !raw.includes("{{")) {
                    report(`${path}.failureLimit (metric "${name}") is ${show(raw)}, not an integer.`);
                }
                continue;
            }
            const success = intOrString(resolveArgs(metric.consecutiveSuccessLimit, entry)) ?? 0;
            if (limit < -1) {
                report(`${path}.failureLimit (metric "${name}") is ${limit}; the controller rejects it ("failureLimit must be >= 0, or -1 to be disabled").`);
                continue;
            }
            if (limit === -1 && success <= 0) {
                report(`${path}.failureLimit (metric "${name}") is -1 without consecutiveSuccessLimit; the controller rejects it ("failureLimit and consecutiveSuccessLimit cannot both be disabled").`);
                continue;
            }
            const count = effectiveCount(metric, entry);
            if (count.kind !== "count" || limit < 0) {
                continue;
            }
            if (limit >= count.value) {
                report(`${path}.failureLimit (metric "${name}") is ${limit} with count ${count.value}: the controller fails a metric only when failures exceed failureLimit, so this metric can never fail; set failureLimit below ${count.value}.`);
            } else if (success > 0 && count.value < limit + success) {
                report(`${path}.count (metric "${name}") is ${count.value}, below failureLimit + consecutiveSuccessLimit (${limit} + ${success}); the controller rejects the AnalysisRun.`);
            }
        }
    },
});
