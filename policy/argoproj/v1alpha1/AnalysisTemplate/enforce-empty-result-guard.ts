// Copyright 2026, airgap-platform authors.

import { TEMPLATE_KINDS, conditionsOf, prometheusMetricsOf } from "../../../lib/argo-rollouts";
import { parseCondition, unguardedElementRead } from "../../../lib/expr";
import { defineRule } from "../../../lib/rule";

/**
 * A Prometheus metric's conditions guard the empty result. An instant query that matches no series
 * (no traffic yet) gives an empty vector: `result[0]` is then an evaluation Error, five consecutive
 * errors make the metric Error and the Rollout aborts; `all(result, ...)` is vacuously true and
 * passes without data. The documented guards are `len(result) == 0 || ...` (pass on no data) and
 * `len(result) > 0 && ...` (fail on no data); the guard must come before the read.
 */
export const analysisTemplateEnforceEmptyResultGuard = defineRule({
    name: "analysistemplate-enforce-empty-result-guard",
    description: "Requires the conditions of a Prometheus metric to test len(result) before reading elements of the result. A query without matching series returns an empty vector: result[0] then errors, and five consecutive errors abort the Rollout, while all(result, ...) passes without data.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Start the condition with \"len(result) == 0 || \" (pass when there is no data) or \"len(result) > 0 && \" (fail when there is no data).",
    scope: "resource",
    kinds: [...TEMPLATE_KINDS],
    check(entry, _ctx, report) {
        for (const { metric, path, name } of prometheusMetricsOf(entry)) {
            for (const { field, value } of conditionsOf(metric)) {
                if (typeof value !== "string") {
                    continue;
                }
                const parsed = parseCondition(value);
                if (!parsed.ok) {
                    continue;
                }
                const read = unguardedElementRead(parsed.ast);
                if (read === undefined) {
                    continue;
                }
                const consequence = read.startsWith("result[")
                    ? "on an empty result (no matching series) that is an evaluation error, and 5 consecutive errors abort the Rollout"
                    : "on an empty result (no matching series) that passes or fails without any data";
                report(`${path}.${field} (metric "${name}") reads ${read} without first testing len(result): ${consequence}. Write "len(result) == 0 || ..." or "len(result) > 0 && ...".`);
            }
        }
    },
});
