// Copyright 2026, airgap-platform authors.

import { analysisTemplateEnforceNanGuard as rule } from "../../../../../policy/argoproj/v1alpha1/AnalysisTemplate";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes a condition that tests isNaN", () => {
        const t = fx.analysisTemplate();
        t.spec.metrics[0].successCondition = "len(result) == 0 || isNaN(result[0]) || result[0] >= 0.95";
        assertNoFinding(check(rule, [t]));
    });

    it("flags the seed's condition: an idle canary fails (advisory)", () => {
        const finding = assertFinding(check(rule, [fx.analysisTemplate()]), rule.name, "the successCondition is false and an idle canary fails the analysis");
        if (finding.level !== "advisory") {
            throw new Error("expected advisory");
        }
    });

    it("explains that a failureCondition alone passes silently", () => {
        const t = fx.analysisTemplate();
        delete t.spec.metrics[0].successCondition;
        t.spec.metrics[0].failureCondition = "len(result) > 0 && result[0] < 0.95";
        assertFinding(check(rule, [t]), rule.name, "silently counts as Successful");
    });

    it("explains that both conditions make the run Inconclusive", () => {
        const t = fx.analysisTemplate();
        t.spec.metrics[0].failureCondition = "len(result) > 0 && result[0] < 0.5";
        assertFinding(check(rule, [t]), rule.name, "Inconclusive and the Rollout pauses");
    });
});
