// Copyright 2026, airgap-platform authors.
//
// Shared helpers for the policy tests: run rules over plain objects (the engine, as the CLI does),
// build CrossGuard validation args (as the Pulumi engine does, props behind unknownCheckingProxy),
// and assert findings by rule name and message substring.

import * as assert from "assert";
import {
    PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy,
    unknownCheckingProxy,
} from "@pulumi/policy";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { evaluateManifests, evaluatePulumiResources, Finding, PolicyConfigFile } from "../../policy/engine";
import { toInput } from "../../policy/lib/crossguard";
import { kubernetesTypeToken } from "../../policy/lib/pulumi";
import { Rule } from "../../policy/lib/rule";

/** Runs the whole pack (or some rules) over objects, as the CLI does. */
export function lint(objects: readonly unknown[], config?: PolicyConfigFile, rules?: ReadonlyArray<Rule<any>>): Finding[] {
    return evaluateManifests(objects.map((object) => ({ object, file: "test.yaml" })), config, { rules });
}

/** Runs one rule over objects (its level forced on, so advisory rules report too). */
export function check(rule: Rule<any>, objects: readonly unknown[], properties: Record<string, unknown> = {}): Finding[] {
    return lint(objects, { [rule.name]: { ...properties, enforcementLevel: rule.enforcementLevel } }, [rule]);
}

/** Asserts that a finding of that rule contains the substring, optionally on that object. */
export function assertFinding(findings: readonly Finding[], rule: string, substring: string, target?: { kind?: string; name?: string }): Finding {
    const hit = findings.find((f) => f.rule === rule && f.message.includes(substring)
        && (target?.kind === undefined || f.kind === target.kind)
        && (target?.name === undefined || f.name === target.name));
    if (hit === undefined) {
        const listed = findings.map((f) => `  ${f.rule} ${f.kind}/${f.name}: ${f.message}`).join("\n");
        assert.fail(`expected ${rule} to report "${substring}"${target ? ` on ${target.kind ?? ""}/${target.name ?? ""}` : ""}; got:\n${listed || "  (no findings)"}`);
    }
    return hit;
}

/** Asserts that no finding (of that rule, when given) was reported. */
export function assertNoFinding(findings: readonly Finding[], rule?: string): void {
    const hits = findings.filter((f) => rule === undefined || f.rule === rule);
    assert.deepStrictEqual(hits.map((f) => `${f.rule} ${f.kind}/${f.name}: ${f.message}`), []);
}

/** Asserts that no mandatory finding was reported. */
export function assertNoMandatory(findings: readonly Finding[]): void {
    assertNoFinding(findings.filter((f) => f.level === "mandatory"));
}

/** The Pulumi type token of a Kubernetes object. */
export function typeOf(object: any): string {
    return kubernetesTypeToken(object.apiVersion, object.kind);
}

/** The engine's sentinel for an unknown string during preview. */
export const UNKNOWN_STRING = unknownValue;

class NotApplicable extends Error {}

const emptyOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

/** ResourceValidationArgs as the Pulumi engine builds them (props behind the unknown-checking proxy). */
export function resourceArgs(object: any, config: Record<string, unknown> = {}, type = typeOf(object)): ResourceValidationArgs {
    const props = unknownCheckingProxy(object);
    return {
        type,
        props,
        urn: `urn:pulumi:test::airgap::${type}::${object.metadata?.name ?? "r"}`,
        name: object.metadata?.name ?? "r",
        opts: emptyOptions,
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

/** A resource of a test stack. */
export interface TestResource {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
    readonly parent?: string;
    readonly dependsOn?: readonly string[];
}

/** A stack resource for a Kubernetes object. */
export function k8s(object: any, extra: { parent?: string; dependsOn?: readonly string[]; name?: string } = {}): TestResource {
    return { type: typeOf(object), name: extra.name ?? object.metadata?.name ?? "r", props: object, parent: extra.parent, dependsOn: extra.dependsOn };
}

/** StackValidationArgs for a list of resources; parents and dependsOn are resource names. */
export function stackArgs(resources: readonly TestResource[], config: Record<string, unknown> = {}): StackValidationArgs {
    const byName = new Map<string, PolicyResource>();
    const built: PolicyResource[] = resources.map((r) => {
        const resource: PolicyResource = {
            type: r.type,
            props: unknownCheckingProxy(r.props),
            urn: `urn:pulumi:test::airgap::${r.type}::${r.name}`,
            name: r.name,
            opts: emptyOptions,
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        };
        byName.set(r.name, resource);
        return resource;
    });
    resources.forEach((r, i) => {
        const resource = built[i];
        if (r.parent !== undefined) {
            resource.parent = byName.get(r.parent);
        }
        resource.dependencies = (r.dependsOn ?? []).map((d) => byName.get(d)).filter((d): d is PolicyResource => d !== undefined);
    });
    return {
        resources: built,
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

/** Runs the stack rules of the engine over test resources, taken as the CrossGuard wrapper takes them. */
export function lintStack(resources: readonly TestResource[], rules?: ReadonlyArray<Rule<any>>): Finding[] {
    return evaluatePulumiResources(stackArgs(resources).resources.map(toInput), undefined, { rules });
}

/** What a policy reported: violations, or the reason it was not applicable. */
export interface PolicyRun {
    readonly violations: Array<{ message: string; urn?: string }>;
    readonly notApplicable?: string;
}

/** Runs a ResourceValidationPolicy as the Pulumi engine would. */
export async function runResourcePolicy(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<PolicyRun> {
    const violations: Array<{ message: string; urn?: string }> = [];
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    try {
        for (const validate of validations) {
            await validate?.(args, (message, urn) => violations.push({ message, urn }));
        }
    } catch (e) {
        if (e instanceof NotApplicable) {
            return { violations, notApplicable: e.message };
        }
        throw e;
    }
    return { violations };
}

/** Runs a StackValidationPolicy as the Pulumi engine would. */
export async function runStackPolicy(policy: StackValidationPolicy, args: StackValidationArgs): Promise<PolicyRun> {
    const violations: Array<{ message: string; urn?: string }> = [];
    await policy.validateStack(args, (message, urn) => violations.push({ message, urn }));
    return { violations };
}
