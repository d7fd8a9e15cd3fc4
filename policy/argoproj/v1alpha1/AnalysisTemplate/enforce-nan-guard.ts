// Copyright 2026, airgap-platform authors.

import { TEMPLATE_KINDS, conditionsOf, prometheusMetricsOf } from "../../../lib/argo-rollouts";
import { callsIsNaN, parseCondition, readsResult } from "../../../lib/expr";
import { defineRule } from "../../../lib/rule";

/**
 * A Prometheus condition also guards NaN. A success-rate query divides two rates; with no traffic
 * both are 0 and the ratio is NaN, which Prometheus returns as a sample (so `len(result) == 0` does not
 * catch it) and which every comparison treats as false. With only a successCondition an idle canary
 * fails; with only a failureCondition it silently passes; with both the run is Inconclusive and the
 * Rollout pauses.
 */
export const analysisTemplateEnforceNanGuard = defineRule({
    name: "analysistemplate-enforce-nan-guard",
    description: "Advises Prometheus conditions to test isNaN(result[0]) as well. A ratio of two zero rates is NaN, every comparison with NaN is false, and so an idle canary fails a successCondition, silently passes a failureCondition, or pauses the Rollout as Inconclusive when both are set.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Write the condition as \"len(result) == 0 || isNaN(result[0]) || result[0] >= 0.95\", or make the query return no sample instead of NaN.",
    scope: "resource",
    kinds: [...TEMPLATE_KINDS],
    check(entry, _ctx, report) {
        for (const { metric, path, name } of prometheusMetricsOf(entry)) {
            const parsed = conditionsOf(metric)
                .filter((c) => typeof c.value === "string")
                .map((c) => ({ field: c.field, result: parseCondition(c.value as string) }));
            if (parsed.length === 0 || parsed.some((p) => !p.result.ok)) {
                continue;
            }
            const asts = parsed.map((p) => (p.result.ok ? p.result.ast : undefined)).filter((a) => a !== undefined);
            if (!asts.some(readsResult) || asts.some(callsIsNaN)) {
                continue;
            }
            const fields = parsed.map((p) => p.field);
            const effect = fields.length === 2
                ? "neither condition holds, the measurement is Inconclusive and the Rollout pauses"
                : fields[0] === "successCondition"
                    ? "the successCondition is false and an idle canary fails the analysis"
                    : "the failureCondition is false and the measurement silently counts as Successful";
            report(`${path}.${fields.join("/")} (metric "${name}") does not test isNaN: when the query divides two zero rates the result is NaN, every comparison with NaN is false, so ${effect}. Add "isNaN(result[0]) ||" to decide what no traffic means.`);
        }
    },
});
