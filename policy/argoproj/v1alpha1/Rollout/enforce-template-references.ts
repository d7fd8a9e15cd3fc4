// Copyright 2026, airgap-platform authors.

import { ROLLOUT, resolveTemplate, TEMPLATE_KINDS, templateRefsOfRollout, templateRefsOfTemplate } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { isBlank, isUnknown, show } from "../../../lib/values";

/**
 * Every analysis templateName resolves, within the stack or the manifest set, to an AnalysisTemplate
 * in the Rollout's namespace, or to a ClusterAnalysisTemplate when clusterScope is set. The
 * controller looks each one up when it reconciles the Rollout and marks it InvalidSpec
 * ("AnalysisTemplate 'x' not found") until the template exists.
 */
export const rolloutEnforceTemplateReferences = defineRule({
    name: "rollout-enforce-template-references",
    description: "Requires every analysis templateName of a Rollout (steps, background, pre- and post-promotion, experiments) and of a template's nested templates to resolve to an AnalysisTemplate in the same namespace, or to a ClusterAnalysisTemplate when clusterScope is true, within the stack or the manifest set. The controller marks the Rollout InvalidSpec while a template is missing.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Add the AnalysisTemplate to the same namespace (or set clusterScope: true for a ClusterAnalysisTemplate), or fix the templateName.",
    scope: "set",
    kinds: [ROLLOUT, ...TEMPLATE_KINDS],
    check(entry, ctx, report) {
        const refs = entry.gk === ROLLOUT
            ? templateRefsOfRollout(entry)
            : templateRefsOfTemplate(entry);
        for (const ref of refs) {
            if (isUnknown(ref.templateName)) {
                continue;
            }
            if (isBlank(ref.templateName) || typeof ref.templateName !== "string") {
                report(`${ref.path} is ${show(ref.templateName)}; name an analysis template.`);
                continue;
            }
            if (resolveTemplate(ctx.index, entry.namespace, ref.templateName, ref.clusterScope) !== undefined) {
                continue;
            }
            if (ref.clusterScope) {
                report(`${ref.path} names ClusterAnalysisTemplate "${ref.templateName}" (clusterScope: true), which is not in the ${ctx.mode === "stack" ? "stack" : "manifest set"}; add it or fix the name.`);
            } else {
                const clusterTwin = resolveTemplate(ctx.index, entry.namespace, ref.templateName, true) !== undefined;
                report(`${ref.path} names AnalysisTemplate "${ref.templateName}", which is not in namespace "${entry.namespace || "-"}" in the ${ctx.mode === "stack" ? "stack" : "manifest set"}; ${clusterTwin ? "a ClusterAnalysisTemplate of that name exists, so set clusterScope: true" : "add the template to that namespace or fix the name"}.`);
            }
        }
    },
});
