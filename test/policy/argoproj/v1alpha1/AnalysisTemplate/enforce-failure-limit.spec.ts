// Copyright 2026, airgap-platform authors.

import { analysisTemplateEnforceFailureLimit as rule } from "../../../../../policy/argoproj/v1alpha1/AnalysisTemplate";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes the seed's failureLimit 3 with count 5 (below count)", () => {
        assertNoFinding(check(rule, [fx.analysisTemplate()]));
    });

    it("flags a metric without failureLimit", () => {
        const t = fx.analysisTemplate();
        delete t.spec.metrics[0].failureLimit;
        assertFinding(check(rule, [t]), rule.name, "failureLimit (metric \"success-rate\") is not set, so it defaults to 0");
    });

    it("flags failureLimit equal to count: the metric can never fail", () => {
        const t = fx.analysisTemplate();
        t.spec.metrics[0].failureLimit = 5;
        assertFinding(check(rule, [t]), rule.name, "is 5 with count 5: the controller fails a metric only when failures exceed failureLimit, so this metric can never fail");
    });

    it("uses the effective count of 1 when neither count nor interval is set", () => {
        const t = fx.analysisTemplate();
        delete t.spec.metrics[0].count;
        delete t.spec.metrics[0].interval;
        t.spec.metrics[0].failureLimit = 1;
        assertFinding(check(rule, [t]), rule.name, "is 1 with count 1");
    });

    it("flags failureLimit -1 without consecutiveSuccessLimit, and values below -1", () => {
        const t = fx.analysisTemplate();
        t.spec.metrics[0].failureLimit = -1;
        assertFinding(check(rule, [t]), rule.name, "failureLimit and consecutiveSuccessLimit cannot both be disabled");
        t.spec.metrics[0].failureLimit = -2;
        assertFinding(check(rule, [t]), rule.name, "failureLimit must be >= 0, or -1 to be disabled");
    });

    it("flags count below failureLimit + consecutiveSuccessLimit", () => {
        const t = fx.analysisTemplate();
        t.spec.metrics[0].failureLimit = 2;
        t.spec.metrics[0].consecutiveSuccessLimit = 4;
        assertFinding(check(rule, [t]), rule.name, "below failureLimit + consecutiveSuccessLimit (2 + 4)");
    });

    it("resolves failureLimit from the template's args", () => {
        const t = fx.analysisTemplate();
        t.spec.args = [{ name: "limit", value: "7" }];
        t.spec.metrics[0].failureLimit = "{{args.limit}}";
        assertFinding(check(rule, [t]), rule.name, "is 7 with count 5");
    });
});
