// Copyright 2026, airgap-platform authors.
//
// Runs the pack's rules over a set of plain Kubernetes objects. This is the one evaluation path: the
// YAML CLI calls evaluateManifests on the documents it read, the CrossGuard policies call
// evaluatePulumiResources on the stack's resources, and a platform test can call either on the
// resources its mocks registered.

import { PolicyConfigFile, resolveRuleConfig } from "./lib/config";
import { Entry, ManifestIndex, ManifestInput, toEntry } from "./lib/manifest-index";
import { plainProps, kubernetesObjectOf } from "./lib/pulumi";
import { Finding, FindingLevel, Rule, RuleContext } from "./lib/rule";
import { StackGraph, StackNode } from "./lib/stack-graph";
import { rules as allRules } from "./rules";

export { rules } from "./rules";
export type { Finding, FindingLevel, Rule } from "./lib/rule";
export type { ManifestInput } from "./lib/manifest-index";
export type { PolicyConfigFile } from "./lib/config";

/** Options of an evaluation. */
export interface EvaluateOptions {
    /** "manifests" (default for evaluateManifests) or "stack" (default for evaluatePulumiResources). */
    readonly mode?: "manifests" | "stack";
    /** Run only these rules (default: every rule of the pack). */
    readonly rules?: ReadonlyArray<Rule<any>>;
}

/** A Pulumi resource as a policy or a mock sees it. */
export interface PulumiResourceInput {
    /** The type token, e.g. `kubernetes:argoproj.io/v1alpha1:Rollout`. */
    readonly type: string;
    readonly urn?: string;
    /** The resource name (used when the object has no metadata.name). */
    readonly name?: string;
    /** The resource properties (inputs or outputs). */
    readonly props?: Record<string, unknown>;
    /** Alias of props, for mocks that record `inputs`. */
    readonly inputs?: Record<string, unknown>;
    /** The parent's URN. */
    readonly parent?: string;
    /** URNs of the resources this one depends on. */
    readonly dependencies?: readonly string[];
}

/** Each rule's default level. */
export function defaultLevels(): Record<string, FindingLevel> {
    return Object.fromEntries(allRules.map((r) => [r.name, r.enforcementLevel]));
}

/** True when a finding blocks (mandatory). */
export function hasMandatory(findings: readonly Finding[]): boolean {
    return findings.some((f) => f.level === "mandatory");
}

/**
 * Evaluates the pack over plain Kubernetes objects (the documents of a manifest set). Objects without
 * a `kind` are ignored. Cross-resource rules see all the objects given; stack rules do not run.
 *
 * @param objects the parsed objects, with the file each came from
 * @param config a policy config document (`--policy-pack-config` format): levels and properties per rule
 * @returns the findings, in input order, without those of disabled rules
 */
export function evaluateManifests(objects: ReadonlyArray<ManifestInput>, config?: PolicyConfigFile, options: EvaluateOptions = {}): Finding[] {
    const entries: Entry[] = [];
    objects.forEach((input, i) => {
        const entry = toEntry(input, i);
        if (entry !== undefined) {
            entries.push(entry);
        }
    });
    return run(entries, undefined, config, options.mode ?? "manifests", options.rules ?? allRules);
}

/**
 * Evaluates the pack over Pulumi resources: kubernetes:* resources become objects, and, when the
 * resources carry URNs, the stack graph (parents, dependencies) feeds the stack rules.
 */
export function evaluatePulumiResources(resources: ReadonlyArray<PulumiResourceInput>, config?: PolicyConfigFile, options: EvaluateOptions = {}): Finding[] {
    const entries: Entry[] = [];
    const nodes: StackNode[] = [];
    resources.forEach((resource, i) => {
        const props = plainProps(resource.props ?? resource.inputs ?? {});
        const object = kubernetesObjectOf(resource.type, props);
        if (object !== undefined) {
            const entry = toEntry({ object, urn: resource.urn, name: resource.name }, i);
            if (entry !== undefined) {
                entries.push(entry);
            }
        }
        if (resource.urn !== undefined) {
            nodes.push({
                urn: resource.urn,
                type: resource.type,
                name: resource.name ?? resource.urn.split("::").pop() ?? resource.urn,
                props,
                parent: resource.parent,
                dependencies: resource.dependencies ?? [],
            });
        }
    });
    const graph = nodes.length > 0 ? new StackGraph(nodes) : undefined;
    return run(entries, graph, config, options.mode ?? "stack", options.rules ?? allRules);
}

interface ActiveRule {
    readonly rule: Rule<any>;
    readonly level: FindingLevel;
    readonly ctx: RuleContext<any>;
    /** The object being checked, read by `report` (one reporter per rule, not one per object). */
    current?: Entry;
    report?: (message: string, target?: Entry) => void;
}

function run(entries: Entry[], graph: StackGraph | undefined, config: PolicyConfigFile | undefined, mode: "manifests" | "stack", rules: ReadonlyArray<Rule<any>>): Finding[] {
    const index = new ManifestIndex(entries);
    const byKind = new Map<string, ActiveRule[]>();
    const stackRules: ActiveRule[] = [];
    for (const rule of rules) {
        const resolved = resolveRuleConfig(rule, config);
        if (resolved.level === "disabled") {
            continue;
        }
        // A violation that remediation could not fix is reported as mandatory, as CrossGuard does.
        const level: FindingLevel = resolved.level === "advisory" ? "advisory" : "mandatory";
        const active: ActiveRule = { rule, level, ctx: { config: resolved.config, index, mode } };
        if (rule.checkStack !== undefined) {
            stackRules.push(active);
        }
        if (rule.check !== undefined) {
            for (const kind of rule.kinds) {
                let list = byKind.get(kind);
                if (list === undefined) {
                    list = [];
                    byKind.set(kind, list);
                }
                list.push(active);
            }
        }
    }

    const findings: Finding[] = [];
    const push = (active: ActiveRule, target: Entry, message: string): void => {
        findings.push({
            rule: active.rule.name,
            level: active.level,
            message,
            kind: target.kind,
            namespace: target.namespace === "" ? undefined : target.namespace,
            name: target.name === "" ? undefined : target.name,
            file: target.file,
            urn: target.urn,
            position: target.position,
        });
    };
    for (const list of byKind.values()) {
        for (const active of list) {
            active.report ??= (message, target) => push(active, target ?? (active.current as Entry), message);
        }
    }
    for (const entry of entries) {
        const list = byKind.get(entry.gk);
        if (list === undefined) {
            continue;
        }
        for (const active of list) {
            active.current = entry;
            active.rule.check?.(entry, active.ctx, active.report as (message: string, target?: Entry) => void);
        }
    }
    if (graph !== undefined) {
        const byUrn = new Map(entries.filter((e) => e.urn !== undefined).map((e) => [e.urn as string, e]));
        for (const active of stackRules) {
            active.rule.checkStack?.(graph, active.ctx, (message, urn) => {
                const entry = urn === undefined ? undefined : byUrn.get(urn);
                if (entry !== undefined) {
                    push(active, entry, message);
                    return;
                }
                const node = urn === undefined ? undefined : graph.get(urn);
                findings.push({
                    rule: active.rule.name,
                    level: active.level,
                    message,
                    kind: node?.type.split(":")[2] ?? "Stack",
                    name: node?.name,
                    urn,
                    position: Number.MAX_SAFE_INTEGER,
                });
            });
        }
    }
    // Keep input order; a cross-resource rule may report on an object other than the one it checked.
    return findings
        .map((f, i) => ({ f, i }))
        .sort((a, b) => a.f.position - b.f.position || a.i - b.i)
        .map(({ f }) => f);
}
