// Copyright 2026, airgap-platform authors.

import { rolloutEnforceTemplateReferences as rule } from "../../../../../policy/argoproj/v1alpha1/Rollout";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check, k8s, lintStack } from "../../../helpers";

describe(rule.name, () => {
    it("passes when the template is in the Rollout's namespace", () => {
        assertNoFinding(check(rule, fx.lumenApp()));
    });

    it("passes a clusterScope reference to a ClusterAnalysisTemplate", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.steps[1].analysis.templates[0] = { templateName: "global-success", clusterScope: true };
        assertNoFinding(check(rule, [r, fx.analysisTemplate(), fx.clusterAnalysisTemplate("global-success")]));
    });

    it("flags a template that is missing from the manifest set", () => {
        assertFinding(check(rule, [fx.rollout()]), rule.name, "names AnalysisTemplate \"success-rate\", which is not in namespace \"lumen\" in the manifest set");
    });

    it("flags a template in another namespace", () => {
        const t = fx.analysisTemplate();
        t.metadata.namespace = "other";
        assertFinding(check(rule, [fx.rollout(), t]), rule.name, "not in namespace \"lumen\"");
    });

    it("suggests clusterScope when only a ClusterAnalysisTemplate has the name", () => {
        assertFinding(check(rule, [fx.rollout(), fx.clusterAnalysisTemplate()]), rule.name, "a ClusterAnalysisTemplate of that name exists, so set clusterScope: true");
    });

    it("checks a stack's resources together", () => {
        assertFinding(lintStack([k8s(fx.rollout())], [rule]), rule.name, "which is not in namespace \"lumen\" in the stack");
        assertNoFinding(lintStack([k8s(fx.rollout()), k8s(fx.analysisTemplate())], [rule]));
    });
});
