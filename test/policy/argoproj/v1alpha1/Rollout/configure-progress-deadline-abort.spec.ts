// Copyright 2026, airgap-platform authors.

import { rolloutConfigureProgressDeadlineAbort as rule } from "../../../../../policy/argoproj/v1alpha1/Rollout";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes progressDeadlineSeconds with progressDeadlineAbort", () => {
        const r = fx.rollout();
        r.spec.progressDeadlineSeconds = 600;
        r.spec.progressDeadlineAbort = true;
        assertNoFinding(check(rule, [r]));
    });

    it("flags a deadline without abort", () => {
        const r = fx.rollout();
        r.spec.progressDeadlineSeconds = 600;
        assertFinding(check(rule, [r]), rule.name, "spec.progressDeadlineAbort is not true");
    });
});
