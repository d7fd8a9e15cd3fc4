// Copyright 2026, airgap-platform authors.

import { blueGreenOf, canaryOf, ROLLOUT } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { isRecord, isUnknown, nonEmpty, rec, show, str } from "../../../lib/values";
import { rolloutPodLabels } from "../../../lib/workloads";

/** The label the controller adds to Service selectors itself. */
const POD_TEMPLATE_HASH = "rollouts-pod-template-hash";
const MANAGED_BY = "argo-rollouts.argoproj.io/managed-by-rollouts";

/**
 * The Services a Rollout names exist next to it and select its pods. The controller looks each
 * Service up and checks that every selector label (except the pod-template-hash it adds) is on the
 * Rollout's pod template ("Service %q has unmatch label %q in rollout"); until then the Rollout is
 * InvalidSpec. In a stack this is a validateStack rule; the CLI checks it over all the files given.
 */
export const rolloutEnforceServiceSelection = defineRule({
    name: "rollout-enforce-service-selection",
    description: "Requires the stable and canary (or active and preview) Services of a Rollout to exist in its namespace, within the stack or the manifest set, and to select its pods: every selector label other than rollouts-pod-template-hash must be on the pod template with the same value. The controller marks the Rollout InvalidSpec otherwise.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Create the Service in the Rollout's namespace with a selector made of the Rollout's pod template labels.",
    scope: "set",
    kinds: [ROLLOUT],
    check(entry, ctx, report) {
        const named: Array<[string, unknown]> = [];
        const canary = canaryOf(entry);
        if (canary !== undefined) {
            named.push(["spec.strategy.canary.stableService", canary.stableService], ["spec.strategy.canary.canaryService", canary.canaryService]);
        }
        const blueGreen = blueGreenOf(entry);
        if (blueGreen !== undefined) {
            named.push(["spec.strategy.blueGreen.activeService", blueGreen.activeService], ["spec.strategy.blueGreen.previewService", blueGreen.previewService]);
        }
        const labels = rolloutPodLabels(entry, ctx.index);
        const where = ctx.mode === "stack" ? "stack" : "manifest set";
        for (const [path, value] of named) {
            const name = nonEmpty(value);
            if (name === undefined) {
                continue;
            }
            const service = ctx.index.find("Service", entry.namespace, name);
            if (service === undefined) {
                report(`${path} names Service "${name}", which is not in namespace "${entry.namespace || "-"}" in the ${where}; create it with a selector on the Rollout's pod labels.`);
                continue;
            }
            const spec = service.object.spec;
            if (isUnknown(spec) || isUnknown(rec(spec).selector)) {
                continue;
            }
            const managedBy = str(rec(rec(service.object.metadata).annotations)[MANAGED_BY]);
            if (managedBy !== undefined && managedBy !== entry.name) {
                report(`${path} names Service "${name}", which is managed by Rollout "${managedBy}"; the controller rejects it ("Service is managed by another Rollout"). Give each Rollout its own Services.`);
            }
            const selector = rec(rec(spec).selector);
            const keys = Object.keys(selector).filter((k) => k !== POD_TEMPLATE_HASH);
            if (!isRecord(rec(spec).selector) || keys.length === 0) {
                report(`${path} names Service "${name}", which has no selector, so it selects no pods of the Rollout; set spec.selector to the Rollout's pod labels.`);
                continue;
            }
            if (labels === undefined || isUnknown(labels)) {
                continue;
            }
            for (const key of keys) {
                const want = selector[key];
                if (isUnknown(want) || isUnknown(labels[key])) {
                    continue;
                }
                if (labels[key] !== want) {
                    report(`${path} names Service "${name}", whose selector ${key}=${show(want)} ${labels[key] === undefined ? "is not a label of" : `differs from ${key}=${show(labels[key])} on`} the Rollout's pod template; the controller rejects it ("Service has unmatch label"). Align the selector with the pod labels.`);
                }
            }
        }
    },
});
