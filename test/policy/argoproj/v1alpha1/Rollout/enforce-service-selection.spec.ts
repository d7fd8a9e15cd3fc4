// Copyright 2026, airgap-platform authors.

import { rolloutEnforceServiceSelection as rule } from "../../../../../policy/argoproj/v1alpha1/Rollout";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check, k8s, lintStack } from "../../../helpers";

describe(rule.name, () => {
    it("passes when both Services exist and select the Rollout's pods", () => {
        assertNoFinding(check(rule, fx.lumenApp()));
        assertNoFinding(check(rule, fx.blueGreen()));
    });

    it("flags a missing canary Service", () => {
        const objects = [fx.rollout(), ...fx.services().filter((s) => s.metadata.name !== "lumen-api-canary")];
        assertFinding(check(rule, objects), rule.name, "canaryService names Service \"lumen-api-canary\", which is not in namespace \"lumen\"");
    });

    it("flags a Service whose selector does not match the pod labels", () => {
        const svcs = fx.services();
        svcs[1].spec.selector = { app: "lumen" };
        assertFinding(check(rule, [fx.rollout(), ...svcs]), rule.name, "whose selector app=\"lumen\" differs from app=\"lumen-api\"");
    });

    it("ignores rollouts-pod-template-hash, which the controller adds itself", () => {
        const svcs = fx.services();
        svcs[1].spec.selector["rollouts-pod-template-hash"] = "abc123";
        assertNoFinding(check(rule, [fx.rollout(), ...svcs]));
    });

    it("flags a Service without selector", () => {
        const svcs = fx.services();
        delete svcs[2].spec.selector;
        assertFinding(check(rule, [fx.rollout(), ...svcs]), rule.name, "which has no selector");
    });

    it("checks a stack: the Services must be in it", () => {
        assertFinding(lintStack([k8s(fx.rollout())], [rule]), rule.name, "not in namespace \"lumen\" in the stack");
        assertNoFinding(lintStack([k8s(fx.rollout()), ...fx.services().map((s) => k8s(s))], [rule]));
    });
});
