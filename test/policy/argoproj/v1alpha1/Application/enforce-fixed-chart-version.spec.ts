// Copyright 2026, airgap-platform authors.

import { applicationEnforceFixedChartVersion as rule } from "../../../../../policy/argoproj/v1alpha1/Application";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes an exact chart version, and a Git source on a branch", () => {
        assertNoFinding(check(rule, [fx.chartApplication(), fx.lumenApplication()]));
    });

    it("flags a version range", () => {
        const app = fx.chartApplication();
        app.spec.source.targetRevision = "6.7.*";
        assertFinding(check(rule, [app]), rule.name, "spec.source.targetRevision is \"6.7.*\" for chart \"podinfo\", which is not one fixed version");
    });

    it("flags a missing targetRevision", () => {
        const app = fx.chartApplication();
        delete app.spec.source.targetRevision;
        assertFinding(check(rule, [app]), rule.name, "targetRevision is not set for chart \"podinfo\"");
    });

    it("flags a YAML number that lost its patch version", () => {
        const app = fx.chartApplication();
        app.spec.source.targetRevision = 6.7;
        assertFinding(check(rule, [app]), rule.name, "targetRevision is 6.7");
    });
});
