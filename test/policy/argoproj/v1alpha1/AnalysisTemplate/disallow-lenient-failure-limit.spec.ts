// Copyright 2026, airgap-platform authors.

import { analysisTemplateDisallowLenientFailureLimit as rule } from "../../../../../policy/argoproj/v1alpha1/AnalysisTemplate";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes failureLimit 2 with count 5", () => {
        const t = fx.analysisTemplate();
        t.spec.metrics[0].failureLimit = 2;
        assertNoFinding(check(rule, [t]));
    });

    it("warns on the seed's failureLimit 3 with count 5: 3 of 5 failures still pass, not 3 consecutive", () => {
        assertFinding(check(rule, [fx.analysisTemplate()]), rule.name, "is 3 with count 5, so 3 of 5 measurements can fail and the metric still ends Successful");
        assertFinding(check(rule, [fx.analysisTemplate()]), rule.name, "counted over the whole run, not consecutively");
    });

    it("takes the ratio from the policy config", () => {
        const t = fx.analysisTemplate();
        t.spec.metrics[0].failureLimit = 2;
        assertFinding(check(rule, [t], { maxFailureRatio: 0.2 }), rule.name, "Lower failureLimit to 1 or less");
    });
});
