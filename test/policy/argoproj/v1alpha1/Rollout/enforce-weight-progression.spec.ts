// Copyright 2026, airgap-platform authors.

import { rolloutEnforceWeightProgression as rule } from "../../../../../policy/argoproj/v1alpha1/Rollout";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes weights 20, 80, 100", () => {
        assertNoFinding(check(rule, [fx.rollout()]));
    });

    it("flags a weight above 100", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.steps[4].setWeight = 120;
        assertFinding(check(rule, [r]), rule.name, "steps[4].setWeight is 120; the controller rejects it (\"SetWeight needs to be between 0 and 100\")");
    });

    it("flags a weight that goes down", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.steps[2].setWeight = 10;
        assertFinding(check(rule, [r]), rule.name, "steps[2].setWeight is 10, lower than 20 at steps[0]");
    });

    it("flags a last weight below 100", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.steps.pop();
        assertFinding(check(rule, [r]), rule.name, "the last setWeight (steps[2]) is 80");
    });

    it("uses trafficRouting.maxTrafficWeight as the maximum", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.trafficRouting = { maxTrafficWeight: 1000, nginx: { stableIngress: "lumen" } };
        r.spec.strategy.canary.steps[4].setWeight = 1000;
        assertNoFinding(check(rule, [r]));
    });
});
