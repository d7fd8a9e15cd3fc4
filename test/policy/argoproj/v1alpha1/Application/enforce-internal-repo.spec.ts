// Copyright 2026, airgap-platform authors.

import { applicationEnforceInternalRepo as rule } from "../../../../../policy/argoproj/v1alpha1/Application";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes Gitea (in-cluster and NodePort) and OCI charts in the node registry", () => {
        const nodePort = fx.lumenApplication();
        nodePort.spec.source.repoURL = "http://192.168.2.2:30300/lumen/lumen.git";
        assertNoFinding(check(rule, [fx.lumenApplication(), nodePort, fx.chartApplication(), fx.appProject()]));
    });

    it("flags a GitHub repository", () => {
        const app = fx.lumenApplication();
        app.spec.source.repoURL = "https://github.com/myorg/k8s-manifests.git";
        assertFinding(check(rule, [app]), rule.name, "spec.source.repoURL is \"https://github.com/myorg/k8s-manifests.git\", which is not an internal repository");
    });

    it("checks every source of a multi-source Application", () => {
        const app = fx.lumenApplication();
        app.spec.sources = [app.spec.source, { repoURL: "https://argoproj.github.io/argo-helm", chart: "argo-rollouts", targetRevision: "2.40.9" }];
        delete app.spec.source;
        assertFinding(check(rule, [app]), rule.name, "spec.sources[1].repoURL is \"https://argoproj.github.io/argo-helm\"");
    });

    it("flags an AppProject that allows any repository", () => {
        const project = fx.appProject();
        project.spec.sourceRepos = ["*"];
        assertFinding(check(rule, [project]), rule.name, "spec.sourceRepos[0] is \"*\", which allows any repository");
    });

    it("takes the prefixes from the policy config", () => {
        const app = fx.lumenApplication();
        assertFinding(check(rule, [app], { allowedRepoPrefixes: ["http://192.168.2.2:30300/"] }), rule.name, "not an internal repository");
    });
});
