// Copyright 2026, airgap-platform authors.
//
// Wraps a rule as a CrossGuard policy. Resource rules become ResourceValidationPolicies that check
// one resource's inputs; cross-resource and stack rules become StackValidationPolicies that see the
// whole stack (its outputs, parents and dependencies). Both call the same engine as the CLI.

import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { evaluatePulumiResources, PulumiResourceInput } from "../engine";
import { kubernetesObjectOf } from "./pulumi";
import { Rule } from "./rule";
import { gkOf } from "./manifest-index";

/** The policy config handed to the engine for one rule: the Pulumi engine has already picked the level. */
function configFor(rule: Rule<any>, given: object): Record<string, Record<string, unknown>> {
    return { [rule.name]: { ...given, enforcementLevel: "mandatory" } };
}

function metadataOf(rule: Rule<any>) {
    return {
        name: rule.name,
        description: rule.description,
        configSchema: rule.configSchema ?? { properties: {} },
        enforcementLevel: rule.enforcementLevel,
        severity: rule.severity,
        remediationSteps: rule.remediationSteps,
        tags: ["argo", "kubernetes", rule.scope],
    };
}

/** Builds the CrossGuard policy for a rule. */
export function toPolicy(rule: Rule<any>): ResourceValidationPolicy | StackValidationPolicy {
    if (rule.scope === "resource") {
        const kinds = new Set(rule.kinds);
        return {
            ...metadataOf(rule),
            validateResource: (args, reportViolation) => {
                const object = kubernetesObjectOf(args.type, args.props);
                if (object === undefined || !kinds.has(gkOf(String(object.apiVersion), String(object.kind)))) {
                    args.notApplicable(`${rule.name} only checks ${rule.kinds.join(", ")}`);
                }
                const findings = evaluatePulumiResources(
                    [{ type: args.type, name: args.name, props: object }],
                    configFor(rule, args.getConfig<object>()),
                    { rules: [rule], mode: "stack" },
                );
                for (const finding of findings) {
                    reportViolation(finding.message);
                }
            },
        };
    }
    return {
        ...metadataOf(rule),
        validateStack: (args, reportViolation) => {
            const findings = evaluatePulumiResources(
                args.resources.map(toInput),
                configFor(rule, args.getConfig<object>()),
                { rules: [rule], mode: "stack" },
            );
            for (const finding of findings) {
                reportViolation(finding.message, finding.urn);
            }
        },
    };
}

/** A stack resource as the engine takes it. */
export function toInput(resource: PolicyResource): PulumiResourceInput {
    return {
        type: resource.type,
        urn: resource.urn,
        name: resource.name,
        props: resource.props,
        parent: resource.parent?.urn,
        dependencies: resource.dependencies.map((d) => d.urn),
    };
}
