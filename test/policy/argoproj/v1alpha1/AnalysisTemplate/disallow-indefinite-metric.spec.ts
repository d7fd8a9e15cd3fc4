// Copyright 2026, airgap-platform authors.

import { analysisTemplateDisallowIndefiniteMetric as rule } from "../../../../../policy/argoproj/v1alpha1/AnalysisTemplate";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

function withoutCount(): any {
    const t = fx.analysisTemplate();
    delete t.spec.metrics[0].count;
    return t;
}

describe(rule.name, () => {
    it("passes a step template with count", () => {
        assertNoFinding(check(rule, fx.lumenApp()));
    });

    it("flags interval without count in a template used by an analysis step", () => {
        assertFinding(check(rule, [fx.rollout(), withoutCount()]), rule.name, "has interval but no count, so it runs indefinitely", { kind: "AnalysisTemplate", name: "success-rate" });
    });

    it("flags count 0, which the controller treats as unset", () => {
        const t = fx.analysisTemplate();
        t.spec.metrics[0].count = 0;
        assertFinding(check(rule, [fx.rollout(), t]), rule.name, "runs indefinitely");
    });

    it("flags a blueGreen pre-promotion template", () => {
        const [r, ...svcs] = fx.blueGreen();
        r.spec.strategy.blueGreen.prePromotionAnalysis = { templates: [{ templateName: "success-rate" }] };
        assertFinding(check(rule, [r, ...svcs, withoutCount()]), rule.name, "for prePromotion analysis");
    });

    it("passes the same template used only as background analysis", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.steps = [{ setWeight: 20 }, { setWeight: 100 }];
        r.spec.strategy.canary.analysis = { templates: [{ templateName: "success-rate" }] };
        assertNoFinding(check(rule, [r, withoutCount()]));
    });

    it("follows nested templates", () => {
        const outer = fx.analysisTemplate();
        outer.metadata.name = "gate";
        outer.spec = { templates: [{ templateName: "success-rate" }] };
        const r = fx.rollout();
        r.spec.strategy.canary.steps[1].analysis.templates[0].templateName = "gate";
        r.spec.strategy.canary.steps[3].analysis.templates[0].templateName = "gate";
        assertFinding(check(rule, [r, outer, withoutCount()]), rule.name, "runs indefinitely", { name: "success-rate" });
    });

    it("flags a count argument without a default value, as the controller's check does", () => {
        const t = fx.analysisTemplate();
        t.spec.args = [{ name: "count" }];
        t.spec.metrics[0].count = "{{args.count}}";
        assertFinding(check(rule, [fx.rollout(), t]), rule.name, "argoproj/argo-rollouts#3243");
        t.spec.args = [{ name: "count", value: "5" }];
        assertNoFinding(check(rule, [fx.rollout(), t]));
    });
});
