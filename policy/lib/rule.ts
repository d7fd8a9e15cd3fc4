// Copyright 2026, airgap-platform authors.
//
// The shape shared by every rule of the pack. A rule is pure logic over plain Kubernetes objects; the
// CrossGuard wrapper (lib/crossguard.ts) and the YAML CLI (cli/lint-manifests.ts) both run the same
// rule objects, so a rule never touches @pulumi/policy or the file system itself.

import { PolicyConfigSchema } from "@pulumi/policy";
import { Entry, ManifestIndex } from "./manifest-index";
import { StackGraph } from "./stack-graph";

/** The levels a finding can carry once "remediate" and "disabled" have been resolved. */
export type FindingLevel = "mandatory" | "advisory";

/** Enforcement levels accepted in configuration, as @pulumi/policy defines them. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** Severity, as @pulumi/policy defines it. */
export type Severity = "low" | "medium" | "high" | "critical";

/**
 * Where a rule needs to look:
 * - "resource": the object alone (CrossGuard validateResource).
 * - "set": the object plus the other objects of the manifest set or stack (CrossGuard validateStack).
 * - "stack": the Pulumi dependency graph, which only exists in a stack (CrossGuard validateStack only).
 */
export type RuleScope = "resource" | "set" | "stack";

/** What a rule sees besides the object it checks. */
export interface RuleContext<C> {
    /** The rule's configuration: the schema defaults overlaid with the user's policy config. */
    readonly config: C;
    /** Every object of the manifest set or stack, indexed by kind, namespace and name. */
    readonly index: ManifestIndex;
    /** "manifests" for YAML read by the CLI, "stack" for resources registered by a Pulumi program. */
    readonly mode: "manifests" | "stack";
}

/** Reports one violation; `target` defaults to the object being checked. */
export type Report = (message: string, target?: Entry) => void;

/** Reports one violation of a stack rule against the resource with that URN. */
export type StackReport = (message: string, urn?: string) => void;

/**
 * One policy. The properties follow the order of pulumi/compliance-policies: name, description,
 * configSchema, enforcementLevel, then the checks.
 */
export interface Rule<C extends object = object> {
    /** Kebab-case, starting with the resource kind, then one verb: disallow, enable, configure, enforce. */
    readonly name: string;
    /** Full sentences: what the rule requires and why. */
    readonly description: string;
    /** Config properties with their defaults; `enforcementLevel` is handled by the engine and never listed. */
    readonly configSchema?: PolicyConfigSchema;
    /** The level used when the policy config does not override it. */
    readonly enforcementLevel: FindingLevel;
    readonly severity: Severity;
    /** One sentence telling the reader how to fix a violation. */
    readonly remediationSteps: string;
    /** "resource", "set" or "stack"; see RuleScope. */
    readonly scope: RuleScope;
    /**
     * The kinds this rule checks, as `group/Kind` (`Kind` alone for the core group), e.g.
     * `argoproj.io/Rollout`, `apps/Deployment`, `Service`. Empty for stack rules.
     */
    readonly kinds: readonly string[];
    /** Checks one object of a listed kind. Absent for stack rules. */
    readonly check?: (entry: Entry, ctx: RuleContext<C>, report: Report) => void;
    /** Checks the whole stack graph. Only for scope "stack". */
    readonly checkStack?: (graph: StackGraph, ctx: RuleContext<C>, report: StackReport) => void;
}

/** A violation found by the engine, in either mode. */
export interface Finding {
    readonly rule: string;
    readonly level: FindingLevel;
    readonly message: string;
    readonly kind: string;
    readonly namespace?: string;
    readonly name?: string;
    /** The file the object came from (CLI), if known. */
    readonly file?: string;
    /** The Pulumi URN of the resource (stack), if known. */
    readonly urn?: string;
    /** Position of the object in the input list, used to keep output in input order. */
    readonly position: number;
}

/** Declares a rule with its config type; only there to give `check` a typed context. */
export function defineRule<C extends object>(rule: Rule<C>): Rule<C> {
    return rule;
}

/** True when a module export is a rule (rule modules also export helpers and constants). */
export function isRule(value: unknown): value is Rule<any> {
    if (typeof value !== "object" || value === null) {
        return false;
    }
    const candidate = value as Partial<Rule<any>>;
    return typeof candidate.name === "string" && typeof candidate.scope === "string" && Array.isArray(candidate.kinds)
        && (typeof candidate.check === "function" || typeof candidate.checkStack === "function");
}

/** The rules a module exports, in export order. */
export function rulesOf(module: object): Array<Rule<any>> {
    return Object.values(module).filter(isRule);
}
