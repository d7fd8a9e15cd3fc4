// Copyright 2026, airgap-platform authors.

import { canaryOf, ROLLOUT } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { arr, isMissing, isRecord, isUnknown, show } from "../../../lib/values";

/** Every kind of canary step the controller knows (v1.8 to master). */
export const STEP_KINDS: readonly string[] = [
    "setWeight", "pause", "analysis", "experiment", "setCanaryScale", "setHeaderRoute", "setMirrorRoute", "plugin",
];

/** The kinds whose combination the controller itself rejects (`hasMultipleStepsType`). */
const CONTROLLER_EXCLUSIVE = new Set(["setWeight", "pause", "analysis", "experiment"]);

/**
 * Every canary step is exactly one kind. The controller rejects an empty step and a step combining
 * setWeight, pause, analysis or experiment; it silently accepts other combinations (say setWeight
 * with setHeaderRoute) and an unknown field, which then does something the step list does not show.
 */
export const rolloutEnforceSingleStepKind = defineRule({
    name: "rollout-enforce-single-step-kind",
    description: "Requires every canary step to be exactly one known kind (setWeight, pause, analysis, experiment, setCanaryScale, setHeaderRoute, setMirrorRoute or plugin). The controller rejects empty steps and some combinations, and silently ignores misspelled fields.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Split a step that sets several fields into one step per field, and fix misspelled step fields.",
    scope: "resource",
    kinds: [ROLLOUT],
    check(entry, _ctx, report) {
        const canary = canaryOf(entry);
        if (canary === undefined || isUnknown(canary.steps)) {
            return;
        }
        if (!isMissing(canary.steps) && !Array.isArray(canary.steps)) {
            report(`spec.strategy.canary.steps is ${show(canary.steps)}, not a list of steps.`);
            return;
        }
        arr(canary.steps).forEach((step, i) => {
            const path = `spec.strategy.canary.steps[${i}]`;
            if (isUnknown(step)) {
                return;
            }
            if (!isRecord(step)) {
                report(`${path} is ${show(step)}, not a step object.`);
                return;
            }
            const fields = Object.keys(step).filter((k) => step[k] !== undefined && step[k] !== null);
            const unknown = fields.filter((k) => !STEP_KINDS.includes(k));
            const kinds = fields.filter((k) => STEP_KINDS.includes(k));
            for (const field of unknown) {
                report(`${path} has unknown field "${field}"; a step is one of ${STEP_KINDS.join(", ")}.`);
            }
            if (kinds.length === 0 && unknown.length === 0) {
                report(`${path} is empty; the controller rejects it ("Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause"). Remove it or give it one kind.`);
            } else if (kinds.length > 1) {
                const rejected = kinds.filter((k) => CONTROLLER_EXCLUSIVE.has(k)).length > 1;
                report(`${path} combines ${kinds.join(" and ")}; every step must be exactly one kind${rejected ? " (the controller rejects this combination)" : " (the controller applies them in an order the step list does not show)"}. Split it into ${kinds.length} steps.`);
            }
        });
    },
});
