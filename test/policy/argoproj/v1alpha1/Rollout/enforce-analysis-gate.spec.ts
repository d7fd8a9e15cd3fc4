// Copyright 2026, airgap-platform authors.

import { rolloutEnforceAnalysisGate as rule } from "../../../../../policy/argoproj/v1alpha1/Rollout";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check, lint } from "../../../helpers";

describe(rule.name, () => {
    it("passes a canary with analysis steps before the last weight", () => {
        assertNoFinding(check(rule, [fx.rollout()]));
    });

    it("passes a canary with background analysis only", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.steps = [{ setWeight: 20 }, { pause: { duration: "5m" } }, { setWeight: 100 }];
        r.spec.strategy.canary.analysis = { templates: [{ templateName: "success-rate" }] };
        assertNoFinding(check(rule, [r]));
    });

    it("flags a canary that shifts traffic on pauses alone", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.steps = [{ setWeight: 20 }, { pause: { duration: "5m" } }, { setWeight: 100 }];
        assertFinding(check(rule, [r]), rule.name, "shifts traffic (setWeight at steps[2]) but has no analysis gate");
    });

    it("flags an analysis step placed after the last weight", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.steps = [{ setWeight: 50 }, { setWeight: 100 }, { analysis: { templates: [{ templateName: "success-rate" }] } }];
        assertFinding(check(rule, [r]), rule.name, "comes after the last setWeight (steps[1]), so it gates nothing");
    });

    it("can be lowered to advisory in the policy config", () => {
        const r = fx.rollout();
        r.spec.strategy.canary.steps = [{ setWeight: 100 }];
        const [finding] = lint([r], { [rule.name]: "advisory" }, [rule]);
        if (finding?.level !== "advisory") {
            throw new Error(`expected an advisory finding, got ${JSON.stringify(finding)}`);
        }
    });
});
