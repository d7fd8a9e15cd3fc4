// Copyright 2026, airgap-platform authors.

import { applicationEnforceCrdSyncOrder as rule } from "../../../../../policy/argoproj/v1alpha1/Application";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check, k8s, lintStack } from "../../../helpers";

describe(rule.name, () => {
    it("passes lumen-app in wave 3 after argo-rollouts in wave 2", () => {
        const app = fx.lumenApplication();
        app.spec.syncPolicy.syncOptions = ["CreateNamespace=true"];
        assertNoFinding(check(rule, [fx.argoRolloutsApplication(), app]));
    });

    it("passes lumen-app in an early wave with SkipDryRunOnMissingResource=true", () => {
        const app = fx.lumenApplication();
        app.metadata.annotations["argocd.argoproj.io/sync-wave"] = "1";
        assertNoFinding(check(rule, [fx.argoRolloutsApplication(), app]));
    });

    it("flags lumen-app in the same wave as the CRD installer without the sync option", () => {
        const app = fx.lumenApplication();
        app.metadata.annotations["argocd.argoproj.io/sync-wave"] = "2";
        app.spec.syncPolicy.syncOptions = [];
        assertFinding(check(rule, [fx.argoRolloutsApplication(), app]), rule.name, "installs in wave 2, but syncs in wave 2", { name: "lumen-app" });
    });

    it("flags a wave that is not an integer, which Argo CD reads as 0", () => {
        const app = fx.lumenApplication();
        app.metadata.annotations["argocd.argoproj.io/sync-wave"] = "three";
        app.spec.syncPolicy.syncOptions = [];
        assertFinding(check(rule, [fx.argoRolloutsApplication(), app]), rule.name, "is \"three\", which is not an integer");
    });

    it("in a stack, requires the sync option since waves have no effect", () => {
        const app = fx.lumenApplication();
        app.spec.syncPolicy.syncOptions = [];
        const findings = lintStack([k8s(fx.argoRolloutsApplication()), k8s(app)], [rule]);
        assertFinding(findings, rule.name, "Pulumi creates both directly, so a sync-wave has no effect");
        assertNoFinding(lintStack([k8s(fx.argoRolloutsApplication()), k8s(fx.lumenApplication())], [rule]));
    });
});
