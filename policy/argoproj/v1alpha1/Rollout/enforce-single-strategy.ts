// Copyright 2026, airgap-platform authors.

import { ROLLOUT } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { isMissing, isRecord, isUnknown, rec } from "../../../lib/values";

/**
 * A Rollout sets exactly one strategy. The controller's ValidateRollout rejects a Rollout with no
 * strategy or with both, and only says so in the Rollout's InvalidSpec condition.
 */
export const rolloutEnforceSingleStrategy = defineRule({
    name: "rollout-enforce-single-strategy",
    description: "Requires every Rollout to set exactly one strategy, canary or blueGreen. The Argo Rollouts controller rejects a Rollout with none or both as InvalidSpec, which Argo CD reports as Degraded.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set exactly one of spec.strategy.canary and spec.strategy.blueGreen.",
    scope: "resource",
    kinds: [ROLLOUT],
    check(entry, _ctx, report) {
        const spec = entry.object.spec;
        if (isUnknown(spec) || isUnknown(rec(spec).strategy)) {
            return;
        }
        const strategy = rec(rec(spec).strategy);
        if (!isRecord(rec(spec).strategy) && !isMissing(rec(spec).strategy)) {
            report("spec.strategy is not an object; set exactly one of spec.strategy.canary and spec.strategy.blueGreen.");
            return;
        }
        const canary = !isMissing(strategy.canary);
        const blueGreen = !isMissing(strategy.blueGreen);
        if (!canary && !blueGreen) {
            report("spec.strategy sets neither canary nor blueGreen; the controller rejects the Rollout (\"Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'\"). Set exactly one of them.");
        } else if (canary && blueGreen) {
            report("spec.strategy sets both canary and blueGreen; the controller rejects the Rollout (\"Multiple Strategies can not be listed\"). Keep only one of them.");
        }
    },
});
