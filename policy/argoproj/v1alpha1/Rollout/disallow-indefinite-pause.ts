// Copyright 2026, airgap-platform authors.

import { blueGreenOf, canaryOf, ROLLOUT } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { arr, isMissing, isUnknown, rec } from "../../../lib/values";

/**
 * Flags manual gates: a canary `pause: {}` (or a pause without a duration) waits until someone runs
 * `kubectl argo rollouts promote`, and a blueGreen with autoPromotionEnabled: false and no
 * autoPromotionSeconds waits the same way. Argo CD shows such a Rollout as Suspended, and a later
 * sync wave does not start until it is promoted.
 */
export const rolloutDisallowIndefinitePause = defineRule({
    name: "rollout-disallow-indefinite-pause",
    description: "Flags manual gates: a canary pause without a duration, or a blueGreen Rollout with autoPromotionEnabled false and no autoPromotionSeconds. Such a Rollout waits for a manual promote, and Argo CD holds later sync waves while it is Suspended.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Give the pause a duration (pause: {duration: 10m}) or replace it with an analysis step, unless the manual gate is intended.",
    scope: "resource",
    kinds: [ROLLOUT],
    check(entry, _ctx, report) {
        const canary = canaryOf(entry);
        if (canary !== undefined) {
            arr(canary.steps).forEach((s, i) => {
                const step = rec(s);
                if (!("pause" in step) || isUnknown(step.pause)) {
                    return;
                }
                const duration = rec(step.pause).duration;
                if (isMissing(duration) || duration === "") {
                    report(`spec.strategy.canary.steps[${i}].pause has no duration, so the Rollout waits for a manual "kubectl argo rollouts promote"; give it a duration or an analysis step if the gate is not meant to be manual.`);
                }
            });
        }
        const blueGreen = blueGreenOf(entry);
        if (blueGreen !== undefined && blueGreen.autoPromotionEnabled === false && isMissing(blueGreen.autoPromotionSeconds)) {
            report("spec.strategy.blueGreen.autoPromotionEnabled is false and autoPromotionSeconds is not set, so the preview is only promoted by hand; set autoPromotionSeconds or a prePromotionAnalysis if the gate is not meant to be manual.");
        }
    },
});
