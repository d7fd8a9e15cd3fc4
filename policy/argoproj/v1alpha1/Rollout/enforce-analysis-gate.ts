// Copyright 2026, airgap-platform authors.

import { canaryOf, ROLLOUT } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { arr, isMissing, isRecord, isUnknown, rec } from "../../../lib/values";

/**
 * A canary that shifts traffic has an analysis gate: an analysis step before its last setWeight, or a
 * background analysis. Without one, promotion depends on pause durations alone and a bad version
 * reaches 100% unless someone aborts by hand.
 */
export const rolloutEnforceAnalysisGate = defineRule({
    name: "rollout-enforce-analysis-gate",
    description: "Requires a canary Rollout that shifts traffic with setWeight to have an analysis gate: an analysis step before its last setWeight, or a background analysis. Without one, a bad version is promoted on a timer. The level can be lowered to advisory in the policy config.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Add an analysis step (steps[].analysis.templates) before the final setWeight, or a background analysis (spec.strategy.canary.analysis).",
    scope: "resource",
    kinds: [ROLLOUT],
    check(entry, _ctx, report) {
        const canary = canaryOf(entry);
        if (canary === undefined || isUnknown(canary.steps)) {
            return;
        }
        const steps = arr(canary.steps).map(rec);
        let lastShift = -1;
        steps.forEach((step, i) => {
            const weight = step.setWeight;
            if (!isMissing(weight) && (isUnknown(weight) || (typeof weight === "number" && weight > 0))) {
                lastShift = i;
            }
        });
        if (lastShift < 0) {
            return;
        }
        const background = rec(canary.analysis);
        if (isUnknown(canary.analysis) || arr(background.templates).length > 0 || isUnknown(background.templates)) {
            return;
        }
        const analysisSteps = steps.map((s, i) => (isRecord(s.analysis) || isUnknown(s.analysis) ? i : -1)).filter((i) => i >= 0);
        if (analysisSteps.some((i) => i < lastShift)) {
            return;
        }
        if (analysisSteps.length > 0) {
            report(`the only analysis step (steps[${analysisSteps[0]}]) comes after the last setWeight (steps[${lastShift}]), so it gates nothing; move an analysis step before steps[${lastShift}].`);
            return;
        }
        report(`the canary shifts traffic (setWeight at steps[${lastShift}]) but has no analysis gate; add an analysis step before the last setWeight or a background analysis in spec.strategy.canary.analysis.`);
    },
});
