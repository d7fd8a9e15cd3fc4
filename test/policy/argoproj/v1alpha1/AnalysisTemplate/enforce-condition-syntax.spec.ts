// Copyright 2026, airgap-platform authors.

import { analysisTemplateEnforceConditionSyntax as rule } from "../../../../../policy/argoproj/v1alpha1/AnalysisTemplate";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

function withCondition(field: string, value: unknown): any {
    const t = fx.analysisTemplate();
    t.spec.metrics[0][field] = value;
    return t;
}

describe(rule.name, () => {
    it("passes the seed's condition and richer valid expressions", () => {
        assertNoFinding(check(rule, [fx.analysisTemplate()]));
        assertNoFinding(check(rule, [withCondition("successCondition", "len(result) > 0 && all(result, {# >= 0.95}) && !isNaN(result[0])")]));
        assertNoFinding(check(rule, [withCondition("failureCondition", "asFloat(result) > {{args.threshold}} or isInf(asFloat(result))")]));
    });

    it("flags an unbalanced parenthesis", () => {
        assertFinding(check(rule, [withCondition("successCondition", "(len(result) == 0 || result[0] >= 0.95")]), rule.name, "successCondition (metric \"success-rate\") does not parse: unexpected end of expression, expected \")\"");
    });

    it("flags => instead of >=", () => {
        assertFinding(check(rule, [withCondition("failureCondition", "result[0] => 0.5")]), rule.name, "failureCondition (metric \"success-rate\") does not parse: unexpected token \"=\"");
    });

    it("flags a name the controller does not define", () => {
        assertFinding(check(rule, [withCondition("successCondition", "len(results) == 0 || results[0] >= 0.95")]), rule.name, "uses \"results\", which the controller does not define");
    });

    it("flags a Prometheus metric with no condition, which always succeeds", () => {
        const t = fx.analysisTemplate();
        delete t.spec.metrics[0].successCondition;
        assertFinding(check(rule, [t]), rule.name, "has neither successCondition nor failureCondition, so the controller counts every measurement as Successful");
    });
});
