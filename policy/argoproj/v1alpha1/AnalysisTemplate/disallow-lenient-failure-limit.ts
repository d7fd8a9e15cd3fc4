// Copyright 2026, airgap-platform authors.

import { effectiveCount, metricsOf, resolveArgs, TEMPLATE_KINDS } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { intOrString } from "../../../lib/values";

interface Config {
    maxFailureRatio: number;
}

/**
 * Warns when failureLimit lets a mostly failing analysis pass. The controller counts failed
 * measurements over the whole run (never consecutively) and fails the metric only when that total
 * exceeds failureLimit: with failureLimit 3 and count 5, three failures out of five still end
 * Successful, and the Rollout goes on. The hand-run runbook's "failureLimit: 3 = 3 consecutive failures"
 * is wrong on both counts.
 */
export const analysisTemplateDisallowLenientFailureLimit = defineRule<Config>({
    name: "analysistemplate-disallow-lenient-failure-limit",
    description: "Warns when a metric's failureLimit lets most of its measurements fail and the metric still pass. The controller fails a metric only when the failures, counted over the whole run and not consecutively, exceed failureLimit, so failureLimit 3 with count 5 passes with 3 failures out of 5.",
    configSchema: {
        properties: {
            maxFailureRatio: { type: "number", minimum: 0, maximum: 1, default: 0.5, description: "The largest accepted failureLimit / count." },
        },
    },
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Lower failureLimit to at most half of count (failureLimit: 1 or 2 with count: 5).",
    scope: "resource",
    kinds: [...TEMPLATE_KINDS],
    check(entry, ctx, report) {
        const ratio = ctx.config.maxFailureRatio;
        for (const { metric, path, name } of metricsOf(entry)) {
            const limit = intOrString(resolveArgs(metric.failureLimit, entry));
            const count = effectiveCount(metric, entry);
            if (limit === undefined || limit < 0 || count.kind !== "count" || limit >= count.value) {
                continue;
            }
            if (limit / count.value > ratio) {
                const suggested = Math.floor(count.value * ratio);
                report(`${path}.failureLimit (metric "${name}") is ${limit} with count ${count.value}, so ${limit} of ${count.value} measurements can fail and the metric still ends Successful: the controller fails a metric only when failures exceed failureLimit, counted over the whole run, not consecutively. Lower failureLimit to ${suggested} or less.`);
            }
        }
    },
});
