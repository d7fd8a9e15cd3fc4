// Copyright 2026, airgap-platform authors.

import { applicationDisallowDefaultProject as rule } from "../../../../../policy/argoproj/v1alpha1/Application";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

describe(rule.name, () => {
    it("passes an Application in the platform project", () => {
        assertNoFinding(check(rule, [fx.lumenApplication()]));
    });

    it("flags project default", () => {
        const app = fx.lumenApplication();
        app.spec.project = "default";
        assertFinding(check(rule, [app]), rule.name, "spec.project is \"default\"");
    });

    it("flags an empty project, which means default", () => {
        const app = fx.lumenApplication();
        app.spec.project = "";
        assertFinding(check(rule, [app]), rule.name, "spec.project is not set, which means the default AppProject");
    });
});
