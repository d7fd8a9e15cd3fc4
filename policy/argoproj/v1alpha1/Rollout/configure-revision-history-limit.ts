// Copyright 2026, airgap-platform authors.

import { ROLLOUT } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { isMissing, isUnknown, rec } from "../../../lib/values";

/**
 * revisionHistoryLimit is set explicitly. The default keeps 10 old ReplicaSets per Rollout; setting it
 * makes the number of revisions available to `kubectl argo rollouts undo` a deliberate choice.
 */
export const rolloutConfigureRevisionHistoryLimit = defineRule({
    name: "rollout-configure-revision-history-limit",
    description: "Advises setting spec.revisionHistoryLimit on every Rollout, so that the number of old ReplicaSets kept for rollback is a deliberate choice rather than the default of 10.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Set spec.revisionHistoryLimit (for example 3).",
    scope: "resource",
    kinds: [ROLLOUT],
    check(entry, _ctx, report) {
        const spec = rec(entry.object.spec);
        if (!isUnknown(entry.object.spec) && isMissing(spec.revisionHistoryLimit)) {
            report("spec.revisionHistoryLimit is not set, so the controller keeps 10 old ReplicaSets; set it to the number of revisions you want to roll back to.");
        }
    },
});
