// Copyright 2026, airgap-platform authors.

import { ROLLOUT } from "../../../lib/argo-rollouts";
import { sameNamespace } from "../../../lib/manifest-index";
import { defineRule } from "../../../lib/rule";
import { isRecord, isUnknown, nonEmpty, rec, str } from "../../../lib/values";

export const HPA_KINDS = ["autoscaling/HorizontalPodAutoscaler"] as const;

/**
 * An HPA whose workload is a Rollout targets `kind: Rollout` in `argoproj.io/v1alpha1`. When a
 * Deployment is converted to a Rollout, an HPA left on the Deployment scales nothing (or, with
 * workloadRef, scales the Deployment the Rollout has scaled to zero). The controller does not check
 * this: HPA support works only through the Rollout CRD's scale subresource.
 */
export const horizontalPodAutoscalerEnforceRolloutTarget = defineRule({
    name: "horizontalpodautoscaler-enforce-rollout-target",
    description: "Requires a HorizontalPodAutoscaler whose workload is a Rollout to target kind Rollout in argoproj.io/v1alpha1, not the Deployment the Rollout replaced or references through workloadRef. The controller does not check this, and the HPA then scales nothing.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set spec.scaleTargetRef to apiVersion argoproj.io/v1alpha1, kind Rollout, name of the Rollout.",
    scope: "set",
    kinds: [...HPA_KINDS],
    check(entry, ctx, report) {
        const ref = rec(entry.object.spec).scaleTargetRef;
        if (!isRecord(ref) || isUnknown(ref.name) || isUnknown(ref.kind)) {
            return;
        }
        const kind = str(ref.kind);
        const name = nonEmpty(ref.name);
        const apiVersion = str(ref.apiVersion);
        if (name === undefined) {
            return;
        }
        if (kind === "Rollout") {
            if (apiVersion !== "argoproj.io/v1alpha1" && !isUnknown(ref.apiVersion)) {
                report(`spec.scaleTargetRef targets Rollout "${name}" with apiVersion "${apiVersion ?? ""}"; use apiVersion argoproj.io/v1alpha1.`);
            }
            return;
        }
        if (kind !== "Deployment") {
            return;
        }
        if (ctx.index.find(ROLLOUT, entry.namespace, name) !== undefined) {
            report(`spec.scaleTargetRef targets Deployment "${name}", but "${name}" is a Rollout; set apiVersion argoproj.io/v1alpha1 and kind Rollout.`);
            return;
        }
        for (const rollout of ctx.index.ofKind(ROLLOUT)) {
            const workloadRef = rec(rec(rollout.object.spec).workloadRef);
            if ((str(workloadRef.kind) ?? "Deployment") === "Deployment" && workloadRef.name === name && sameNamespace(rollout.namespace, entry.namespace)) {
                report(`spec.scaleTargetRef targets Deployment "${name}", which Rollout "${rollout.name}" runs through workloadRef; the Rollout owns the pods, so target apiVersion argoproj.io/v1alpha1 kind Rollout name "${rollout.name}".`);
                return;
            }
        }
    },
});
