// Copyright 2026, airgap-platform authors.

import { APPLICATION } from "../../../lib/argo-cd";
import { defineRule } from "../../../lib/rule";
import { isBlank, isUnknown, rec } from "../../../lib/values";

/**
 * An Application belongs to a project other than `default`. The built-in `default` AppProject allows
 * any repository, any destination and every kind, cluster-scoped ones included; an empty project
 * means `default` too.
 */
export const applicationDisallowDefaultProject = defineRule({
    name: "application-disallow-default-project",
    description: "Requires every Argo CD Application to use an AppProject other than default. The built-in default project allows any repository, any destination and every kind, so it bypasses the project's restrictions; an empty project means default.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Create an AppProject that whitelists the platform's repositories, destinations and kinds, and set spec.project to it.",
    scope: "resource",
    kinds: [APPLICATION],
    check(entry, _ctx, report) {
        const project = rec(entry.object.spec).project;
        if (isUnknown(entry.object.spec) || isUnknown(project)) {
            return;
        }
        if (isBlank(project)) {
            report("spec.project is not set, which means the default AppProject (any repository, any destination, every kind); set it to a dedicated project.");
        } else if (project === "default") {
            report("spec.project is \"default\", the built-in AppProject that allows any repository, any destination and every kind; set it to a dedicated project.");
        }
    },
});
