// Copyright 2026, airgap-platform authors.

import { ROLLOUT } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { isMissing, isUnknown, rec } from "../../../lib/values";

/**
 * progressDeadlineSeconds is set together with progressDeadlineAbort: true. Without abort, a Rollout
 * whose new pods never become ready is only marked Degraded after the deadline, and the canary keeps
 * its share of traffic until someone aborts it.
 */
export const rolloutConfigureProgressDeadlineAbort = defineRule({
    name: "rollout-configure-progress-deadline-abort",
    description: "Advises setting spec.progressDeadlineSeconds together with spec.progressDeadlineAbort: true, so that a Rollout whose new pods never become ready is aborted automatically instead of only being marked Degraded.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Set spec.progressDeadlineSeconds (for example 600) and spec.progressDeadlineAbort: true.",
    scope: "resource",
    kinds: [ROLLOUT],
    check(entry, _ctx, report) {
        if (isUnknown(entry.object.spec)) {
            return;
        }
        const spec = rec(entry.object.spec);
        if (isMissing(spec.progressDeadlineSeconds)) {
            report("spec.progressDeadlineSeconds is not set (the default is 600); set it explicitly together with progressDeadlineAbort: true.");
        }
        if (spec.progressDeadlineAbort !== true && !isUnknown(spec.progressDeadlineAbort)) {
            report("spec.progressDeadlineAbort is not true, so a Rollout that misses its progress deadline is only marked Degraded and the canary keeps serving; set progressDeadlineAbort: true.");
        }
    },
});
