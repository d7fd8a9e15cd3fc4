// Copyright 2026, airgap-platform authors.

import { rolloutDisallowIndefinitePause as rule } from "../../../../../policy/argoproj/v1alpha1/Rollout";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes timed pauses", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.steps.splice(1, 0, { pause: { duration: "10m" } });
        assertNoFinding(check(rule, [r]));
    });

    it("flags pause: {} as a manual gate", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.steps.splice(1, 0, { pause: {} });
        assertFinding(check(rule, [r]), rule.name, "steps[1].pause has no duration");
    });

    it("flags a blueGreen without auto-promotion", () => {
        const [r] = fx.blueGreen();
        r.spec.strategy.blueGreen.autoPromotionEnabled = false;
        assertFinding(check(rule, [r]), rule.name, "autoPromotionEnabled is false");
    });
});
