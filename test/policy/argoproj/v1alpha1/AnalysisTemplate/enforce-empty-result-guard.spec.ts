// Copyright 2026, airgap-platform authors.

import { analysisTemplateEnforceEmptyResultGuard as rule } from "../../../../../policy/argoproj/v1alpha1/AnalysisTemplate";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

function withCondition(field: string, value: string): any {
    const t = fx.analysisTemplate();
    delete t.spec.metrics[0].successCondition;
    t.spec.metrics[0][field] = value;
    return t;
}

describe(rule.name, () => {
    it("passes the seed's guard and the fail-on-no-data guard", () => {
        assertNoFinding(check(rule, [fx.analysisTemplate()]));
        assertNoFinding(check(rule, [withCondition("successCondition", "len(result) > 0 && result[0] >= 0.95")]));
        assertNoFinding(check(rule, [withCondition("failureCondition", "len(result) != 0 && result[0] < 0.95")]));
    });

    it("passes a scalar query's condition, which never indexes", () => {
        assertNoFinding(check(rule, [withCondition("successCondition", "result >= 0.95")]));
    });

    it("flags result[0] without a guard", () => {
        assertFinding(check(rule, [withCondition("successCondition", "result[0] >= 0.95")]), rule.name, "reads result[...] without first testing len(result)");
    });

    it("flags a guard placed after the read", () => {
        assertFinding(check(rule, [withCondition("successCondition", "result[0] >= 0.95 || len(result) == 0")]), rule.name, "5 consecutive errors abort the Rollout");
    });

    it("flags all(result, ...), which passes vacuously on an empty vector", () => {
        assertFinding(check(rule, [withCondition("successCondition", "all(result, {# >= 0.95})")]), rule.name, "reads all(result, ...) without first testing len(result)");
    });

    it("ignores non-Prometheus metrics", () => {
        const t = withCondition("successCondition", "result[0] == 'ok'");
        t.spec.metrics[0].provider = { web: { url: "http://lumen-api.lumen.svc/health" } };
        assertNoFinding(check(rule, [t]));
    });
});
