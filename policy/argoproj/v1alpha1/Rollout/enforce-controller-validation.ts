// Copyright 2026, airgap-platform authors.

import { blueGreenOf, canaryOf, ROLLOUT } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { arr, isMissing, isRecord, isUnknown, num, parseGoDuration, rec, show } from "../../../lib/values";

/** Resolves an int-or-percent field (maxSurge, maxUnavailable) to "is it zero". */
function isZero(value: unknown): boolean {
    return value === 0 || value === "0" || value === "0%";
}

/**
 * The rest of the controller's ValidateRollout (pkg/apis/rollouts/validation/validation.go, v1.8):
 * everything that turns a Rollout InvalidSpec and is not covered by a rule of its own. There is no
 * admission webhook and the CRD has no bounds, so `kubectl apply` and an Argo CD sync both accept
 * these Rollouts; only the controller refuses them, one error at a time.
 */
export const rolloutEnforceControllerValidation = defineRule({
    name: "rollout-enforce-controller-validation",
    description: "Requires a Rollout to pass the Argo Rollouts controller's own spec validation: a selector matching the pod template labels, non-negative counts, progressDeadlineSeconds above minReadySeconds, maxSurge and maxUnavailable not both zero, valid pause durations, and canary features that need traffic routing only with traffic routing. The controller rejects such Rollouts only after they are applied.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Fix the field named in the message; the message quotes the controller's own error.",
    scope: "resource",
    kinds: [ROLLOUT],
    check(entry, _ctx, report) {
        const spec = rec(entry.object.spec);
        if (isUnknown(entry.object.spec)) {
            return;
        }
        const workloadRef = isRecord(spec.workloadRef);
        const template = rec(spec.template);
        if (!workloadRef) {
            const selector = spec.selector;
            if (isMissing(selector)) {
                report("spec.selector is not set; the controller rejects the Rollout (\"Rollout has missing field '.spec.selector'\"). Set spec.selector.matchLabels to the pod template labels.");
            } else if (isRecord(selector)) {
                const matchLabels = rec(selector.matchLabels);
                const expressions = arr(selector.matchExpressions);
                if (Object.keys(matchLabels).length === 0 && expressions.length === 0 && !isUnknown(selector.matchLabels)) {
                    report("spec.selector is empty; the controller rejects it (\"empty selector is invalid for deployment\"). Set spec.selector.matchLabels.");
                }
                const labels = rec(rec(template.metadata).labels);
                if (!isUnknown(rec(template.metadata).labels) && !isUnknown(selector.matchLabels)) {
                    for (const [key, value] of Object.entries(matchLabels)) {
                        if (isUnknown(value) || isUnknown(labels[key])) {
                            continue;
                        }
                        if (labels[key] !== value) {
                            report(`spec.selector.matchLabels ${key}=${show(value)} does not match the pod template label ${key}=${show(labels[key])}; the controller rejects it ("selector does not match template labels").`);
                        }
                    }
                }
            }
        } else if (isRecord(spec.template) && Object.keys(spec.template).length > 0) {
            report("spec.workloadRef and spec.template are both set; the controller rejects it (\"template must be empty for workload reference rollout\"). Remove spec.template.");
        }
        for (const field of ["replicas", "minReadySeconds", "revisionHistoryLimit"]) {
            const value = num(spec[field]);
            if (value !== undefined && value < 0) {
                report(`spec.${field} is ${value}; the controller rejects negative values.`);
            }
        }
        const minReady = num(spec.minReadySeconds) ?? 0;
        const deadline = num(spec.progressDeadlineSeconds) ?? 600;
        if (!isUnknown(spec.progressDeadlineSeconds) && !isUnknown(spec.minReadySeconds) && deadline <= minReady) {
            report(`spec.progressDeadlineSeconds (${deadline}) must be greater than spec.minReadySeconds (${minReady}); the controller rejects it.`);
        }
        const canary = canaryOf(entry);
        if (canary !== undefined) {
            const surge = isMissing(canary.maxSurge) ? "25%" : canary.maxSurge;
            const unavailable = isMissing(canary.maxUnavailable) ? "25%" : canary.maxUnavailable;
            if (isZero(surge) && isZero(unavailable)) {
                report("spec.strategy.canary.maxSurge and maxUnavailable are both 0; the controller rejects it (\"MaxSurge and MaxUnavailable both can not be zero\").");
            }
            const routed = !isMissing(canary.trafficRouting);
            if (!routed && !isMissing(canary.scaleDownDelaySeconds)) {
                report("spec.strategy.canary.scaleDownDelaySeconds is set without trafficRouting; the controller rejects it (\"Canary scaleDownDelaySeconds can only be used with traffic routing\").");
            }
            if (!routed && canary.dynamicStableScale === true) {
                report("spec.strategy.canary.dynamicStableScale is set without trafficRouting; the controller rejects it.");
            }
            arr(canary.steps).forEach((s, i) => {
                const step = rec(s);
                if (!routed && !isMissing(step.setCanaryScale)) {
                    report(`spec.strategy.canary.steps[${i}].setCanaryScale needs trafficRouting; the controller rejects it without.`);
                }
                if (isRecord(step.pause)) {
                    const duration = step.pause.duration;
                    if (isMissing(duration) || isUnknown(duration)) {
                        return;
                    }
                    const seconds = typeof duration === "number" ? duration : typeof duration === "string" ? (/^-?\d+$/.test(duration) ? Number(duration) : parseGoDuration(duration)) : undefined;
                    if (seconds === undefined || seconds < 0) {
                        report(`spec.strategy.canary.steps[${i}].pause.duration is ${show(duration)}; the controller rejects it ("Duration needs to be greater than 0"). Use whole seconds or a Go duration such as "10m".`);
                    }
                }
            });
        }
        const blueGreen = blueGreenOf(entry);
        if (blueGreen !== undefined) {
            const limit = num(blueGreen.scaleDownDelayRevisionLimit);
            const history = num(spec.revisionHistoryLimit) ?? 10;
            if (limit !== undefined && limit > history) {
                report(`spec.strategy.blueGreen.scaleDownDelayRevisionLimit (${limit}) is above revisionHistoryLimit (${history}); the controller rejects it.`);
            }
        }
    },
});
