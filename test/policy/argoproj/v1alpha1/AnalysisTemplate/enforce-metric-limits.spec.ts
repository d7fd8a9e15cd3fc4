// Copyright 2026, airgap-platform authors.

import { analysisTemplateEnforceMetricLimits as rule } from "../../../../../policy/argoproj/v1alpha1/AnalysisTemplate";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes the seed's template", () => {
        assertNoFinding(check(rule, [fx.analysisTemplate()]));
    });

    it("flags duplicate metric names", () => {
        const t = fx.analysisTemplate();
        t.spec.metrics.push(structuredClone(t.spec.metrics[0]));
        assertFinding(check(rule, [t]), rule.name, "spec.metrics[1].name \"success-rate\" is used twice");
    });

    it("flags an invalid interval", () => {
        const t = fx.analysisTemplate();
        t.spec.metrics[0].interval = "1 minute";
        assertFinding(check(rule, [t]), rule.name, "interval (metric \"success-rate\") is \"1 minute\", not a duration");
    });

    it("flags count above 1 without interval", () => {
        const t = fx.analysisTemplate();
        delete t.spec.metrics[0].interval;
        assertFinding(check(rule, [t]), rule.name, "interval must be specified when count > 1");
    });

    it("flags a metric with two providers or none", () => {
        const t = fx.analysisTemplate();
        t.spec.metrics[0].provider.web = { url: "http://x" };
        assertFinding(check(rule, [t]), rule.name, "sets prometheus and web");
        t.spec.metrics[0].provider = {};
        assertFinding(check(rule, [t]), rule.name, "no provider specified");
    });

    it("flags count below inconclusiveLimit", () => {
        const t = fx.analysisTemplate();
        t.spec.metrics[0].inconclusiveLimit = 6;
        assertFinding(check(rule, [t]), rule.name, "count must be >= inconclusiveLimit");
    });
});
