// Copyright 2026, airgap-platform authors.

import { rolloutEnforceStrategyServices as rule } from "../../../../../policy/argoproj/v1alpha1/Rollout";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes canary and blueGreen Rollouts that name two Services", () => {
        assertNoFinding(check(rule, [fx.rollout(), fx.blueGreen()[0]]));
    });

    it("flags a canary without canaryService", () => {
        const r = fx.rollout();
        delete r.spec.strategy.canary.canaryService;
        assertFinding(check(rule, [r]), rule.name, "spec.strategy.canary.canaryService is not set");
    });

    it("flags a canary whose stable and canary Services are the same", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.canaryService = "lumen-api-stable";
        assertFinding(check(rule, [r]), rule.name, "stableService and canaryService both name Service \"lumen-api-stable\"");
    });

    it("flags a blueGreen without previewService", () => {
        const [r] = fx.blueGreen();
        delete r.spec.strategy.blueGreen.previewService;
        assertFinding(check(rule, [r]), rule.name, "spec.strategy.blueGreen.previewService is not set");
    });
});
