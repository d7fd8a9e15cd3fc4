// Copyright 2026, airgap-platform authors.

import { rolloutEnforceSingleStepKind as rule } from "../../../../../policy/argoproj/v1alpha1/Rollout";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes the seed's steps", () => {
        assertNoFinding(check(rule, [fx.rollout()]));
    });

    it("flags a step that combines setWeight and pause, which the controller rejects", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.steps[0] = { setWeight: 20, pause: { duration: "1m" } };
        assertFinding(check(rule, [r]), rule.name, "steps[0] combines setWeight and pause; every step must be exactly one kind (the controller rejects this combination)");
    });

    it("flags a combination the controller silently accepts", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.steps[0] = { setWeight: 20, setHeaderRoute: { name: "h" } };
        assertFinding(check(rule, [r]), rule.name, "the controller applies them in an order the step list does not show");
    });

    it("flags an empty step and a misspelled field", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.steps.push({}, { setweight: 50 });
        const findings = check(rule, [r]);
        assertFinding(findings, rule.name, "steps[5] is empty");
        assertFinding(findings, rule.name, "steps[6] has unknown field \"setweight\"");
    });
});
