// Copyright 2026, airgap-platform authors.

import { blueGreenOf, canaryOf, ROLLOUT } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { isBlank, isUnknown, show } from "../../../lib/values";

/**
 * A canary names its stable and canary Services and a blueGreen names its active and preview
 * Services, two different ones each. The controller needs both canary Services for traffic routing and
 * rejects the same Service twice; the platform requires them always, so that traffic can be split
 * and observed per version.
 */
export const rolloutEnforceStrategyServices = defineRule({
    name: "rollout-enforce-strategy-services",
    description: "Requires a canary Rollout to name stableService and canaryService, and a blueGreen Rollout to name activeService and previewService, each pair being two different Services. The controller rejects a pair that names one Service twice, and traffic routing needs both canary Services.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Name two different Services in spec.strategy.canary.stableService/canaryService or spec.strategy.blueGreen.activeService/previewService.",
    scope: "resource",
    kinds: [ROLLOUT],
    check(entry, _ctx, report) {
        const pairs: Array<[Record<string, unknown> | undefined, string, string, string]> = [
            [canaryOf(entry), "spec.strategy.canary", "stableService", "canaryService"],
            [blueGreenOf(entry), "spec.strategy.blueGreen", "activeService", "previewService"],
        ];
        for (const [strategy, path, first, second] of pairs) {
            if (strategy === undefined) {
                continue;
            }
            const a = strategy[first];
            const b = strategy[second];
            for (const [field, value] of [[first, a], [second, b]] as const) {
                if (isBlank(value)) {
                    report(`${path}.${field} is not set; name the Service that receives the ${field.replace("Service", "")} pods' traffic.`);
                } else if (typeof value !== "string" && !isUnknown(value)) {
                    report(`${path}.${field} is ${show(value)}, not a Service name.`);
                }
            }
            if (typeof a === "string" && a !== "" && a === b) {
                report(`${path}.${first} and ${second} both name Service "${a}"; the controller rejects a Rollout that uses the same Service for both. Use two Services.`);
            }
        }
    },
});
