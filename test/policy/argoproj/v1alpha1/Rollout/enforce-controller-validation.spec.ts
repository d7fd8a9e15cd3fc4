// Copyright 2026, airgap-platform authors.

import { rolloutEnforceControllerValidation as rule } from "../../../../../policy/argoproj/v1alpha1/Rollout";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes the seed's Rollout", () => {
        assertNoFinding(check(rule, [fx.rollout()]));
    });

    it("flags a selector that does not match the pod labels", () => {
        const r = fx.rollout();
        r.spec.selector.matchLabels.app = "lumen";
        assertFinding(check(rule, [r]), rule.name, "spec.selector.matchLabels app=\"lumen\" does not match the pod template label app=\"lumen-api\"");
    });

    it("flags a progress deadline not above minReadySeconds", () => {
        const r = fx.rollout();
        r.spec.minReadySeconds = 30;
        r.spec.progressDeadlineSeconds = 30;
        assertFinding(check(rule, [r]), rule.name, "spec.progressDeadlineSeconds (30) must be greater than spec.minReadySeconds (30)");
    });

    it("flags maxSurge and maxUnavailable both zero", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.maxSurge = 0;
        r.spec.strategy.canary.maxUnavailable = "0%";
        assertFinding(check(rule, [r]), rule.name, "MaxSurge and MaxUnavailable both can not be zero");
    });

    it("flags canary scaleDownDelaySeconds without traffic routing, and a bad pause duration", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.scaleDownDelaySeconds = 30;
        r.spec.strategy.canary.steps.splice(1, 0, { pause: { duration: "ten minutes" } });
        const findings = check(rule, [r]);
        assertFinding(findings, rule.name, "Canary scaleDownDelaySeconds can only be used with traffic routing");
        assertFinding(findings, rule.name, "steps[1].pause.duration is \"ten minutes\"");
    });
});
