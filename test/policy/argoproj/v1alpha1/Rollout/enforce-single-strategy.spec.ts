// Copyright 2026, airgap-platform authors.

import { rolloutEnforceSingleStrategy as rule } from "../../../../../policy/argoproj/v1alpha1/Rollout";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes the seed's canary Rollout", () => {
        assertNoFinding(check(rule, [fx.rollout()]));
    });

    it("passes a blueGreen Rollout", () => {
        assertNoFinding(check(rule, [fx.blueGreen()[0]]));
    });

    it("flags a Rollout with no strategy", () => {
        const r = fx.rollout();
        r.spec.strategy = {};
        assertFinding(check(rule, [r]), rule.name, "sets neither canary nor blueGreen");
    });

    it("flags a Rollout with both strategies", () => {
        const r = fx.rollout();
        r.spec.strategy.blueGreen = { activeService: "a", previewService: "b" };
        assertFinding(check(rule, [r]), rule.name, "Multiple Strategies can not be listed");
    });
});
