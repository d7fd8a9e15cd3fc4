// Copyright 2026, airgap-platform authors.
//
// Pack-wide defaults and the policy config format. The CLI reads the same JSON that
// `pulumi preview --policy-pack-config` takes: one key per policy name, whose value is either an
// enforcement level or an object with `enforcementLevel` plus the policy's own properties, and an
// optional `all` key that sets the level of every policy.

import { PolicyConfigSchema } from "@pulumi/policy";
import { EnforcementLevel, Rule } from "./rule";
import { isRecord } from "./values";

/** The node-1 registry every image must come from. */
export const DEFAULT_INTERNAL_REGISTRY = "192.168.2.2:5000";

/** The in-cluster URL of kube-prometheus-stack's Prometheus, as the Monitoring component installs it. */
export const DEFAULT_PROMETHEUS_URL = "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090";

/**
 * Where Argo CD may pull from: Gitea through its NodePort, Gitea through its in-cluster Service
 * (chart `gitea`, release `gitea`, namespace `gitea`: Service `gitea-http`, port 3000), and Helm charts
 * stored as OCI artifacts in the node registry.
 */
export const DEFAULT_REPO_PREFIXES: readonly string[] = [
    "http://192.168.2.2:30300/",
    "http://gitea-http.gitea.svc.cluster.local:3000/",
    "oci://192.168.2.2:5000/",
    "192.168.2.2:5000/",
];

/** Charts that install argoproj.io CRDs, and the kinds each one installs. */
export const DEFAULT_CRD_INSTALLER_CHARTS: Readonly<Record<string, readonly string[]>> = {
    "argo-rollouts": ["Rollout", "AnalysisTemplate", "ClusterAnalysisTemplate", "AnalysisRun", "Experiment"],
    "argo-cd": ["Application", "AppProject", "ApplicationSet"],
};

/** The policy config document (`--policy-pack-config` JSON). */
export type PolicyConfigFile = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

const LEVELS: ReadonlySet<string> = new Set(["advisory", "mandatory", "remediate", "disabled"]);

/** The default value of every property of a config schema. */
export function defaultsOf(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema?.properties ?? {})) {
        if (isRecord(property) && property.default !== undefined) {
            out[key] = structuredClone(property.default);
        }
    }
    return out;
}

/** A rule's effective level and properties under a policy config document. */
export interface ResolvedRuleConfig {
    readonly level: EnforcementLevel;
    readonly config: Record<string, unknown>;
}

/** Overlays the user's properties for one rule on the schema defaults. */
export function ruleConfig(rule: Rule<any>, given: Record<string, unknown> | undefined): Record<string, unknown> {
    const out = defaultsOf(rule.configSchema);
    for (const [key, value] of Object.entries(given ?? {})) {
        if (key !== "enforcementLevel" && value !== undefined) {
            out[key] = value;
        }
    }
    return out;
}

/** Works out a rule's level and config from a policy config document, as the Pulumi engine does. */
export function resolveRuleConfig(rule: Rule<any>, file: PolicyConfigFile | undefined): ResolvedRuleConfig {
    let level: EnforcementLevel = rule.enforcementLevel;
    const all = file?.all;
    if (typeof all === "string") {
        level = all;
    } else if (isRecord(all) && typeof all.enforcementLevel === "string") {
        level = all.enforcementLevel;
    }
    const own = file?.[rule.name];
    let props: Record<string, unknown> | undefined;
    if (typeof own === "string") {
        level = own;
    } else if (isRecord(own)) {
        if (typeof own.enforcementLevel === "string") {
            level = own.enforcementLevel;
        }
        props = own;
    }
    return { level, config: ruleConfig(rule, props) };
}

/**
 * Checks a policy config document against the rule names and their schemas' basic types; returns
 * one message per problem. The Pulumi engine does the same (with full JSON Schema) for the pack.
 */
export function validateConfigFile(file: unknown, rules: ReadonlyArray<Rule<any>>): string[] {
    const problems: string[] = [];
    if (!isRecord(file)) {
        return ["the policy config must be a JSON object keyed by policy name"];
    }
    const byName = new Map(rules.map((r) => [r.name, r]));
    for (const [name, value] of Object.entries(file)) {
        const rule = byName.get(name);
        if (name !== "all" && rule === undefined) {
            problems.push(`unknown policy "${name}"`);
            continue;
        }
        if (typeof value === "string") {
            if (!LEVELS.has(value)) {
                problems.push(`${name}: "${value}" is not an enforcement level (advisory, mandatory, remediate, disabled)`);
            }
            continue;
        }
        if (!isRecord(value)) {
            problems.push(`${name}: expected an enforcement level or an object`);
            continue;
        }
        if (value.enforcementLevel !== undefined && !LEVELS.has(String(value.enforcementLevel))) {
            problems.push(`${name}: "${String(value.enforcementLevel)}" is not an enforcement level`);
        }
        if (rule === undefined) {
            continue;
        }
        const properties = rule.configSchema?.properties ?? {};
        for (const [key, given] of Object.entries(value)) {
            if (key === "enforcementLevel") {
                continue;
            }
            const property = properties[key];
            if (property === undefined) {
                problems.push(`${name}: unknown property "${key}"`);
                continue;
            }
            const type = isRecord(property) ? property.type : undefined;
            if (typeof type === "string" && !matchesType(given, type)) {
                problems.push(`${name}.${key}: expected ${type}`);
            }
        }
    }
    return problems;
}

function matchesType(value: unknown, type: string): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "number":
            return typeof value === "number";
        case "integer":
            return Number.isInteger(value);
        case "boolean":
            return typeof value === "boolean";
        case "array":
            return Array.isArray(value);
        case "object":
            return isRecord(value);
        default:
            return true;
    }
}
