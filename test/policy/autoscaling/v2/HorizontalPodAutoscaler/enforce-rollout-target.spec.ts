// Copyright 2026, airgap-platform authors.

import { horizontalPodAutoscalerEnforceRolloutTarget as rule } from "../../../../../policy/autoscaling/v2/HorizontalPodAutoscaler";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes an HPA on the Rollout, and one on an unrelated Deployment", () => {
        const other = fx.hpa();
        other.metadata.name = "worker";
        other.spec.scaleTargetRef = { apiVersion: "apps/v1", kind: "Deployment", name: "worker" };
        assertNoFinding(check(rule, [fx.rollout(), fx.hpa(), fx.deployment(), other]));
    });

    it("flags an HPA left on the Deployment the Rollout replaced", () => {
        const h = fx.hpa();
        h.spec.scaleTargetRef = { apiVersion: "apps/v1", kind: "Deployment", name: "lumen-api" };
        assertFinding(check(rule, [fx.rollout(), h]), rule.name, "targets Deployment \"lumen-api\", but \"lumen-api\" is a Rollout");
    });

    it("flags an HPA on the Deployment a Rollout references through workloadRef", () => {
        const r = fx.rollout();
        r.metadata.name = "lumen-api-rollout";
        delete r.spec.template;
        delete r.spec.selector;
        r.spec.workloadRef = { apiVersion: "apps/v1", kind: "Deployment", name: "lumen-api" };
        const h = fx.hpa();
        h.spec.scaleTargetRef = { apiVersion: "apps/v1", kind: "Deployment", name: "lumen-api" };
        assertFinding(check(rule, [r, h]), rule.name, "which Rollout \"lumen-api-rollout\" runs through workloadRef");
    });

    it("flags kind Rollout with the wrong apiVersion", () => {
        const h = fx.hpa();
        h.spec.scaleTargetRef.apiVersion = "apps/v1";
        assertFinding(check(rule, [fx.rollout(), h]), rule.name, "targets Rollout \"lumen-api\" with apiVersion \"apps/v1\"");
    });
});
