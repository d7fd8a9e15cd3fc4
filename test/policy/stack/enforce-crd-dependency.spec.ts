// Copyright 2026, airgap-platform authors.

import { chartNameOf, stackEnforceCrdDependency as rule } from "../../../policy/stack";
import * as fx from "../fixtures";
import { assertFinding, assertNoFinding, k8s, lintStack, TestResource } from "../helpers";
import * as assert from "assert";
import { UNKNOWN } from "../../../policy/lib/values";

const release: TestResource = { type: "kubernetes:helm.sh/v3:Release", name: "argo-rollouts", props: { chart: "oci://192.168.2.2:5000/charts/argo-rollouts", version: "2.40.9" } };
const component = (name: string, dependsOn?: string[]): TestResource => ({ type: "airgap:index:LumenApp", name, props: {}, dependsOn });

describe(rule.name, () => {
    it("passes a Rollout that depends on the argo-rollouts release", () => {
        assertNoFinding(lintStack([release, k8s(fx.rollout(), { dependsOn: ["argo-rollouts"] }), k8s(fx.analysisTemplate(), { dependsOn: ["argo-rollouts"] })], [rule]));
    });

    it("passes a Rollout whose parent component depends on the release", () => {
        assertNoFinding(lintStack([release, component("lumen", ["argo-rollouts"]), k8s(fx.rollout(), { parent: "lumen" })], [rule]));
    });

    it("passes a dependency through another resource (transitive)", () => {
        const ns = k8s({ apiVersion: "v1", kind: "Namespace", metadata: { name: "lumen" } }, { dependsOn: ["argo-rollouts"] });
        assertNoFinding(lintStack([release, ns, k8s(fx.rollout(), { dependsOn: ["lumen"] })], [rule]));
    });

    it("passes a dependency on the CustomResourceDefinition itself, or on the chart component holding it", () => {
        const crd = k8s({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "rollouts.argoproj.io" }, spec: { group: "argoproj.io", names: { kind: "Rollout" } } }, { parent: "rollouts-chart", name: "rollouts-crd" });
        const chart: TestResource = { type: "kubernetes:helm.sh/v4:Chart", name: "rollouts-chart", props: {} };
        assertNoFinding(lintStack([chart, crd, k8s(fx.rollout(), { dependsOn: ["rollouts-crd"] })], [rule]));
        assertNoFinding(lintStack([chart, crd, k8s(fx.rollout(), { dependsOn: ["rollouts-chart"] })], [rule]));
    });

    it("flags a Rollout created without depending on the release", () => {
        assertFinding(lintStack([release, k8s(fx.rollout())], [rule]), rule.name, "Rollout \"lumen-api\" does not depend, directly or through its parents, on \"argo-rollouts\"");
    });

    it("flags an argoproj.io resource whose CRD nothing in the stack installs", () => {
        assertFinding(lintStack([k8s(fx.lumenApplication())], [rule]), rule.name, "Application \"lumen-app\" is an argoproj.io resource, but no resource in the stack installs its CRD");
    });

    it("waits for `up` when a chart is still named by an unknown value during preview", () => {
        const pending: TestResource = { type: "kubernetes:helm.sh/v4:Chart", name: "argocd-chart", props: { chart: UNKNOWN } };
        assertNoFinding(lintStack([pending, k8s(fx.lumenApplication(), { dependsOn: ["argocd-chart"] })], [rule]));
        // The engine may also leave unknown inputs out of the props altogether.
        const bare: TestResource = { type: "kubernetes:helm.sh/v4:Chart", name: "argocd-chart", props: {} };
        assertNoFinding(lintStack([bare, k8s(fx.lumenApplication(), { dependsOn: ["argocd-chart"] })], [rule]));
        const known: TestResource = { type: "kubernetes:helm.sh/v4:Chart", name: "gitea-chart", props: { chart: "oci://192.168.2.2:5000/charts/gitea" } };
        assertFinding(lintStack([known, k8s(fx.lumenApplication())], [rule]), rule.name, "no resource in the stack installs its CRD");
    });

    it("reads chart names from names, .tgz paths and OCI URLs", () => {
        assert.strictEqual(chartNameOf("argo-rollouts"), "argo-rollouts");
        assert.strictEqual(chartNameOf("./charts/argo-rollouts-2.40.9.tgz"), "argo-rollouts-2.40.9");
        assert.strictEqual(chartNameOf("oci://192.168.2.2:5000/charts/argo-cd"), "argo-cd");
    });
});
