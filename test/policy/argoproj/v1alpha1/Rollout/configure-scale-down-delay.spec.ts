// Copyright 2026, airgap-platform authors.

import { rolloutConfigureScaleDownDelay as rule } from "../../../../../policy/argoproj/v1alpha1/Rollout";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes 30 seconds or an unset delay", () => {
        const [r] = fx.blueGreen();
        assertNoFinding(check(rule, [r]));
        delete r.spec.strategy.blueGreen.scaleDownDelaySeconds;
        assertNoFinding(check(rule, [r]));
    });

    it("flags a delay below 30 seconds", () => {
        const [r] = fx.blueGreen();
        r.spec.strategy.blueGreen.scaleDownDelaySeconds = 5;
        assertFinding(check(rule, [r]), rule.name, "scaleDownDelaySeconds is 5; keep it at 30 or more");
    });

    it("takes the minimum from the policy config", () => {
        const [r] = fx.blueGreen();
        assertFinding(check(rule, [r], { minScaleDownDelaySeconds: 60 }), rule.name, "keep it at 60 or more");
    });
});
