// Copyright 2026, airgap-platform authors.

import { APP_DETECTION_SCHEMA, AppDetectionConfig, APPLICATION, hasSyncOption, heldArgoKinds, installerInfo, syncWaveOf, SYNC_WAVE } from "../../../lib/argo-cd";
import { Entry } from "../../../lib/manifest-index";
import { defineRule } from "../../../lib/rule";

const SKIP_DRY_RUN = "SkipDryRunOnMissingResource=true";

/**
 * An Application whose manifests hold argoproj.io custom resources (Rollouts, AnalysisTemplates)
 * syncs after the Application that installs their CRDs. Otherwise its first sync fails the dry run
 * ("the server could not find the requested resource") while the CRDs are not established yet.
 *
 * Two ways are accepted: a later `argocd.argoproj.io/sync-wave` than the installer's, or the
 * Application-level sync option SkipDryRunOnMissingResource=true (Argo CD 3.1 and later). A wave only
 * orders Applications that are themselves resources of a parent app (app-of-apps); for an
 * Application that Pulumi creates directly the annotation has no effect, so in a stack only the sync
 * option counts. An annotation that is not an integer is silently read as wave 0 by Argo CD.
 */
export const applicationEnforceCrdSyncOrder = defineRule<AppDetectionConfig>({
    name: "application-enforce-crd-sync-order",
    description: "Requires an Argo CD Application whose manifests hold argoproj.io custom resources to sync after the Application that installs their CRDs: a later sync-wave, or SkipDryRunOnMissingResource=true in its sync options. In a stack, where Pulumi creates the Applications directly and waves have no effect, only the sync option counts.",
    configSchema: { properties: { ...APP_DETECTION_SCHEMA } },
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Add SkipDryRunOnMissingResource=true to spec.syncPolicy.syncOptions, or give the Application a sync-wave above the CRD installer's.",
    scope: "set",
    kinds: [APPLICATION],
    check(entry, ctx, report) {
        const held = heldArgoKinds(entry, ctx.index, ctx.config);
        if (held.size === 0) {
            return;
        }
        const installers: Array<{ app: Entry; wave: number }> = [];
        for (const other of ctx.index.ofKind(APPLICATION)) {
            if (other === entry) {
                continue;
            }
            const info = installerInfo(other, ctx.index, ctx.config);
            const provides = held.has("*") ? info.argoKinds.has("Rollout") : [...held].some((k) => info.argoKinds.has(k));
            if (provides) {
                installers.push({ app: other, wave: syncWaveOf(other).wave });
            }
        }
        if (installers.length === 0 || hasSyncOption(entry, SKIP_DRY_RUN)) {
            return;
        }
        const kinds = held.has("*") ? "argoproj.io resources" : `argoproj.io ${[...held].sort().join(", ")} resources`;
        const installer = installers.map((i) => `"${i.app.name}"`).join(", ");
        if (ctx.mode === "stack") {
            report(`Application "${entry.name}" holds ${kinds} whose CRDs Application ${installer} installs; Pulumi creates both directly, so a sync-wave has no effect. Add ${SKIP_DRY_RUN} to spec.syncPolicy.syncOptions (Argo CD 3.1 or later).`);
            return;
        }
        const own = syncWaveOf(entry);
        if (!own.valid) {
            report(`metadata.annotations["${SYNC_WAVE}"] is "${own.raw}", which is not an integer, so Argo CD silently uses wave 0; this Application holds ${kinds} whose CRDs Application ${installer} installs. Use an integer wave above theirs or add ${SKIP_DRY_RUN}.`);
            return;
        }
        const latest = Math.max(...installers.map((i) => i.wave));
        if (own.wave <= latest) {
            report(`Application "${entry.name}" holds ${kinds} whose CRDs Application ${installer} installs in wave ${latest}, but syncs in wave ${own.wave}; set ${SYNC_WAVE} above ${latest} or add ${SKIP_DRY_RUN} to spec.syncPolicy.syncOptions.`);
        }
    },
});
