// Copyright 2026, airgap-platform authors.

import { blueGreenOf, ROLLOUT } from "../../../lib/argo-rollouts";
import { defineRule } from "../../../lib/rule";
import { num } from "../../../lib/values";

interface Config {
    minScaleDownDelaySeconds: number;
}

/**
 * A blueGreen keeps the old ReplicaSet for at least 30 s after the switch (the default). Nodes and
 * proxies keep sending to the old pods until their endpoints update; scaling them down sooner drops
 * those requests. The controller does not validate this field at all.
 */
export const rolloutConfigureScaleDownDelay = defineRule<Config>({
    name: "rollout-configure-scale-down-delay",
    description: "Advises keeping spec.strategy.blueGreen.scaleDownDelaySeconds at 30 seconds or more, so that the old ReplicaSet keeps serving until every endpoint has switched to the new active pods. The controller does not validate this field.",
    configSchema: {
        properties: {
            minScaleDownDelaySeconds: { type: "integer", minimum: 0, default: 30, description: "The smallest accepted blueGreen scaleDownDelaySeconds." },
        },
    },
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Remove scaleDownDelaySeconds (default 30) or set it to at least 30.",
    scope: "resource",
    kinds: [ROLLOUT],
    check(entry, ctx, report) {
        const blueGreen = blueGreenOf(entry);
        const delay = num(blueGreen?.scaleDownDelaySeconds);
        const min = ctx.config.minScaleDownDelaySeconds;
        if (delay !== undefined && delay < min) {
            report(`spec.strategy.blueGreen.scaleDownDelaySeconds is ${delay}; keep it at ${min} or more so the old pods serve until every endpoint has switched.`);
        }
    },
});
