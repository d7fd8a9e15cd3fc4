// Copyright 2026, airgap-platform authors.

import { rolloutConfigureRevisionHistoryLimit as rule } from "../../../../../policy/argoproj/v1alpha1/Rollout";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes a Rollout that sets revisionHistoryLimit", () => {
        const r = fx.rollout();
        r.spec.revisionHistoryLimit = 3;
        assertNoFinding(check(rule, [r]));
    });

    it("flags a Rollout without revisionHistoryLimit, as advisory", () => {
        const finding = assertFinding(check(rule, [fx.rollout()]), rule.name, "spec.revisionHistoryLimit is not set");
        if (finding.level !== "advisory") {
            throw new Error("expected advisory");
        }
    });
});
