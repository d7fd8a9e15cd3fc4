// Copyright 2026, airgap-platform authors.

import { APPLICATION, sourcesOf } from "../../../lib/argo-cd";
import { defineRule } from "../../../lib/rule";
import { isBlank, isMissing, isUnknown, show } from "../../../lib/values";

const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * A Helm chart source pins targetRevision to one version. Argo CD resolves a range (`2.40.*`, `^2`,
 * `>=2.40`) or an empty revision to the newest chart it finds, so what is deployed changes without a
 * commit; argo-rollouts 2.40.8 already switched the app from v1.8 to v1.9 in a patch release.
 */
export const applicationEnforceFixedChartVersion = defineRule({
    name: "application-enforce-fixed-chart-version",
    description: "Requires every Helm chart source of an Argo CD Application to pin targetRevision to an exact version such as 2.40.9. Argo CD resolves an empty revision or a range to the newest chart it finds, so the deployed version would change without a commit.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set targetRevision to the exact chart version that was mirrored, e.g. 2.40.9.",
    scope: "resource",
    kinds: [APPLICATION],
    check(entry, _ctx, report) {
        for (const { source, path } of sourcesOf(entry)) {
            if (isMissing(source.chart) || source.chart === "" || isUnknown(source.targetRevision)) {
                continue;
            }
            const revision = source.targetRevision;
            if (isBlank(revision)) {
                report(`${path}.targetRevision is not set for chart "${String(source.chart)}", so Argo CD deploys the newest version it finds; pin an exact version.`);
            } else if (typeof revision !== "string" || !EXACT_VERSION.test(revision.trim())) {
                report(`${path}.targetRevision is ${show(revision)} for chart "${String(source.chart)}", which is not one fixed version; pin an exact version such as 2.40.9.`);
            }
        }
    },
});
