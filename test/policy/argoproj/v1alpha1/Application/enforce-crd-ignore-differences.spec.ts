// Copyright 2026, airgap-platform authors.

import { applicationEnforceCrdIgnoreDifferences as rule } from "../../../../../policy/argoproj/v1alpha1/Application";
import { evaluateManifests } from "../../../../../policy/engine";
import { matchesChart } from "../../../../../policy/lib/argo-cd";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes the argo-rollouts Application of the seed", () => {
        assertNoFinding(check(rule, [fx.argoRolloutsApplication(), fx.lumenApplication()]));
    });

    it("flags a CRD installer that does not ignore /status", () => {
        const app = fx.argoRolloutsApplication();
        app.spec.ignoreDifferences[0].jsonPointers = ["/spec/preserveUnknownFields"];
        assertFinding(check(rule, [app]), rule.name, "does not ignore /status on group apiextensions.k8s.io kind CustomResourceDefinition");
    });

    it("flags a CRD installer without RespectIgnoreDifferences=true", () => {
        const app = fx.argoRolloutsApplication();
        app.spec.syncPolicy.syncOptions = ["CreateNamespace=true"];
        assertFinding(check(rule, [app]), rule.name, "lacks RespectIgnoreDifferences=true");
    });

    it("detects a chart that installs CRDs from its name", () => {
        const app = fx.chartApplication();
        app.spec.source.chart = "kube-prometheus-stack";
        assertFinding(check(rule, [app]), rule.name, "(detected from its chart \"kube-prometheus-stack\")");
    });

    it("detects CRDs among the manifests under the Application's path", () => {
        const app = fx.lumenApplication();
        app.metadata.name = "platform-crds";
        app.spec.source.path = "crds";
        const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "widgets.example.com" }, spec: { group: "example.com" } };
        // Without files the CRD cannot be placed under the path; with them it can.
        assertNoFinding(check(rule, [app, crd]));
        const withFiles = evaluateManifests([{ object: app, file: "apps/platform-crds.yaml" }, { object: crd, file: "repo/crds/widgets.yaml" }], undefined, { rules: [rule] });
        assertFinding(withFiles, rule.name, "the CustomResourceDefinition \"widgets.example.com\" under its path");
    });
});

describe(`${rule.name}: chart name matching`, () => {
    it("matches a chart by its name, -helm/-chart/-crds suffixes and versions, not by any prefix", () => {
        for (const yes of ["argo-rollouts", "argo-rollouts-helm", "argo-rollouts-chart", "argo-rollouts-crds", "argo-rollouts-2.40.9"]) {
            if (!matchesChart(yes, "argo-rollouts")) {
                throw new Error(`${yes} should match`);
            }
        }
        for (const no of ["argo-cd-apps", "argo-cd-config", "my-argo-cd"]) {
            if (matchesChart(no, "argo-cd")) {
                throw new Error(`${no} should not match`);
            }
        }
    });
});
