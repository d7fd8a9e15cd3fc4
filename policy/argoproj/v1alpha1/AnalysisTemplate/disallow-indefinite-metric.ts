// Copyright 2026, airgap-platform authors.

import { effectiveCount, metricsOf, TEMPLATE_KINDS, templateUsage, TERMINATING_USAGES } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";

/**
 * A metric with `interval` and no `count` (or count 0) runs until the AnalysisRun is terminated. The
 * controller's ValidateAnalysisTemplateWithType rejects such a metric in a template used by a canary
 * step or by a blueGreen pre- or post-promotion analysis, since those must finish for the Rollout to
 * go on; the Rollout becomes InvalidSpec. A background analysis (canary.analysis) and an
 * experiment's analyses may run indefinitely, so their templates are not flagged.
 */
export const analysisTemplateDisallowIndefiniteMetric = defineRule({
    name: "analysistemplate-disallow-indefinite-metric",
    description: "Rejects a metric that has an interval but no count in an analysis template used by a canary analysis step or by a blueGreen pre- or post-promotion analysis. The controller rejects such a template as running indefinitely and marks the Rollout InvalidSpec; background analysis may run indefinitely and is not flagged.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set count on the metric (count: 5 with interval: 1m measures for about 5 minutes), or use the template only as background analysis.",
    scope: "set",
    kinds: [...TEMPLATE_KINDS],
    check(entry, ctx, report) {
        const usage = templateUsage(ctx.index).get(entry);
        if (usage === undefined) {
            return;
        }
        const gating = [...usage.usages].filter((u) => TERMINATING_USAGES.has(u));
        if (gating.length === 0) {
            return;
        }
        const users = usage.users.filter((u) => gating.some((g) => u.endsWith(`(${g})`))).join(", ");
        for (const { metric, path, name } of metricsOf(entry)) {
            const count = effectiveCount(metric, entry);
            if (count.kind !== "indefinite") {
                continue;
            }
            if (count.unresolved !== undefined) {
                report(`${path} (metric "${name}") has interval and count ${JSON.stringify(count.unresolved)}, whose argument has no value in the template's spec.args; the controller's check fills it with a dummy value and rejects the template as running indefinitely even when the Rollout passes a count (argoproj/argo-rollouts#3243). Give the argument a default value. Used by ${users}.`);
            } else {
                report(`${path} (metric "${name}") has interval but no count, so it runs indefinitely; the controller rejects it for ${gating.join("/")} analysis ("AnalysisTemplate ${entry.name} has metric ${name} which runs indefinitely"). Set count. Used by ${users}.`);
            }
        }
    },
});
