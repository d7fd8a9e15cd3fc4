// Copyright 2026, airgap-platform authors.

import { canaryOf, ROLLOUT } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { arr, isMissing, isUnknown, num, rec, show } from "../../../lib/values";

/**
 * setWeight values are integers in 0..maxTrafficWeight (100 unless trafficRouting.maxTrafficWeight is
 * set), never go down, and the last one is the maximum. The controller rejects a weight out of range;
 * a weight that goes down or a last weight below 100 is accepted but sends traffic back and forth, or
 * leaves the final promotion to an implicit jump that no analysis step precedes.
 */
export const rolloutEnforceWeightProgression = defineRule({
    name: "rollout-enforce-weight-progression",
    description: "Requires canary setWeight values to be integers between 0 and the maximum traffic weight (100 by default), never to go down, and to end at the maximum. The controller rejects weights out of range; decreasing weights and a last weight below the maximum hide an unanalysed jump.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Order setWeight steps from low to high and end the canary with setWeight: 100.",
    scope: "resource",
    kinds: [ROLLOUT],
    check(entry, _ctx, report) {
        const canary = canaryOf(entry);
        if (canary === undefined) {
            return;
        }
        const configuredMax = rec(canary.trafficRouting).maxTrafficWeight;
        const max = num(configuredMax) ?? 100;
        let previous: { weight: number; index: number } | undefined;
        let last: { weight: number; index: number } | undefined;
        let unknown = false;
        for (const [i, s] of arr(canary.steps).entries()) {
            const weight = rec(s).setWeight;
            if (isMissing(weight)) {
                continue;
            }
            const path = `spec.strategy.canary.steps[${i}].setWeight`;
            if (isUnknown(weight)) {
                unknown = true;
                continue;
            }
            if (typeof weight !== "number" || !Number.isInteger(weight)) {
                report(`${path} is ${show(weight)}; it must be an integer percentage.`);
                continue;
            }
            if (weight < 0 || weight > max) {
                report(`${path} is ${weight}; the controller rejects it ("SetWeight needs to be between 0 and ${max}").`);
            }
            if (previous !== undefined && weight < previous.weight) {
                report(`${path} is ${weight}, lower than ${previous.weight} at steps[${previous.index}]; weights must not go down (abort the Rollout to send traffic back to stable).`);
            }
            previous = { weight, index: i };
            last = { weight, index: i };
        }
        if (last !== undefined && !unknown && last.weight !== max) {
            report(`the last setWeight (steps[${last.index}]) is ${last.weight}; end the canary with setWeight: ${max} so that full promotion is an explicit step after the last analysis.`);
        }
    },
});
