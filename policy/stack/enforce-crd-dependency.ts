// Copyright 2026, airgap-platform authors.

import { APP_DETECTION_SCHEMA, matchesChart } from "../lib/argo-cd";
import { defineRule } from "../lib/rule";
import { StackGraph, StackNode } from "../lib/stack-graph";
import { rec, str } from "../lib/values";

interface Config {
    crdInstallerCharts: Record<string, string[]>;
}

const CRD_TYPES = new Set([
    "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
    "kubernetes:apiextensions.k8s.io/v1beta1:CustomResourceDefinition",
]);
const CHART_TYPES = new Set([
    "kubernetes:helm.sh/v3:Release",
    "kubernetes:helm.sh/v3:Chart",
    "kubernetes:helm.sh/v4:Chart",
]);

/** The chart name of a Helm resource's `chart` property: a name, a path to a .tgz, or an OCI URL (maybe `@sha256:...`). */
export function chartNameOf(chart: string): string {
    const last = chart.replace(/\/+$/, "").split("/").pop() ?? chart;
    return last.replace(/\.tgz$/, "").split("@")[0].split(":")[0];
}

/** The argoproj.io kind a stack resource is, or undefined. */
function argoKindOf(node: StackNode): string | undefined {
    if (!node.type.startsWith("kubernetes:argoproj.io/")) {
        return undefined;
    }
    const parts = node.type.split(":");
    if (parts.length !== 3 || parts[0] !== "kubernetes" || !parts[1].startsWith("argoproj.io/")) {
        return undefined;
    }
    return parts[2];
}

/**
 * Every argoproj.io resource of a stack depends, directly or through its parents (Pulumi children
 * wait for their parents' dependencies), on the resource that installs its CRD: the
 * CustomResourceDefinition itself, the Helm Release or Chart that ships it (argo-rollouts, argo-cd),
 * or a component containing one of those. Otherwise Pulumi may create the Rollout before its CRD and
 * fail with "no matches for kind".
 */
export const stackEnforceCrdDependency = defineRule<Config>({
    name: "stack-enforce-crd-dependency",
    description: "Requires every argoproj.io resource of a stack to depend, directly or through its parents, on the resource that installs its CRD (the CustomResourceDefinition, or the Helm release or chart that ships it). Otherwise Pulumi can create the custom resource before its CRD exists.",
    configSchema: { properties: { crdInstallerCharts: APP_DETECTION_SCHEMA.crdInstallerCharts } },
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Pass the Helm release (or chart component) that installs the CRDs in dependsOn of the custom resource or of its parent component.",
    scope: "stack",
    kinds: [],
    checkStack(graph, ctx, report) {
        const installers = new Map<string, Set<string>>();
        let chartsUnresolved = false;
        const add = (kind: string, urn: string): void => {
            let set = installers.get(kind);
            if (set === undefined) {
                set = new Set();
                installers.set(kind, set);
            }
            set.add(urn);
        };
        for (const node of graph.nodes) {
            if (CRD_TYPES.has(node.type)) {
                const spec = rec(node.props.spec);
                const kind = str(rec(spec.names).kind);
                if (spec.group === "argoproj.io" && kind !== undefined) {
                    add(kind, node.urn);
                }
            } else if (CHART_TYPES.has(node.type)) {
                const chart = str(node.props.chart);
                if (chart === undefined) {
                    // A chart without a known name (during preview its inputs may be unknown, and the engine
                    // may leave them out) may install any CRD: judge at `up`, when it is known.
                    chartsUnresolved = true;
                    continue;
                }
                const name = chartNameOf(chart);
                for (const [installer, kinds] of Object.entries(ctx.config.crdInstallerCharts)) {
                    if (matchesChart(name, installer)) {
                        kinds.forEach((k) => add(k, node.urn));
                    }
                }
            }
        }
        const memo = new Map<string, boolean>();
        // A dependency on a component waits for all its children, so the targets' ancestors count too.
        const satisfyingByKind = new Map<string, Set<string>>();
        for (const [kind, targets] of installers) {
            const satisfying = new Set<string>();
            for (const urn of targets) {
                for (const node of graph.ancestry(urn)) {
                    satisfying.add(node.urn);
                }
            }
            satisfyingByKind.set(kind, satisfying);
        }
        for (const node of graph.nodes) {
            const kind = argoKindOf(node);
            if (kind === undefined) {
                continue;
            }
            const targets = installers.get(kind);
            if (targets === undefined || targets.size === 0) {
                if (chartsUnresolved) {
                    continue;
                }
                report(`${kind} "${node.name}" is an argoproj.io resource, but no resource in the stack installs its CRD (a CustomResourceDefinition or an argo-rollouts/argo-cd Helm release); install the CRDs in the stack and make this resource depend on them.`, node.urn);
                continue;
            }
            if (!dependsOnAny(graph, node, kind, targets, satisfyingByKind.get(kind) as Set<string>, memo)) {
                const names = [...targets].map((u) => `"${graph.get(u)?.name ?? u}"`).join(" or ");
                report(`${kind} "${node.name}" does not depend, directly or through its parents, on ${names}, which installs its CRD; add it to dependsOn so Pulumi creates the CRD first.`, node.urn);
            }
        }
    },
});

/** Components that order the CRDs they contain before the custom resources they contain. */
function ordersCrds(node: StackNode): boolean {
    return CHART_TYPES.has(node.type) || node.type.startsWith("kubernetes:yaml");
}

/** True when the node (or an ancestor) depends, possibly transitively, on a target or on a component containing one. */
function dependsOnAny(graph: StackGraph, start: StackNode, kind: string, targets: ReadonlySet<string>, satisfying: ReadonlySet<string>, memo: Map<string, boolean>): boolean {
    const key = `${kind}|${start.urn}`;
    const known = memo.get(key);
    if (known !== undefined) {
        return known;
    }
    // A resource created by the installing chart, or next to the CRD in one chart or YAML group, is
    // ordered by that component.
    for (const ancestor of graph.ancestry(start.urn).slice(1)) {
        if (targets.has(ancestor.urn) || (ordersCrds(ancestor) && graph.childrenOf(ancestor.urn).some((c) => targets.has(c.urn)))) {
            memo.set(key, true);
            return true;
        }
    }
    const seen = new Set<string>();
    const queue: StackNode[] = [start];
    while (queue.length > 0) {
        const node = queue.pop() as StackNode;
        if (seen.has(node.urn)) {
            continue;
        }
        seen.add(node.urn);
        for (const holder of graph.ancestry(node.urn)) {
            for (const dep of holder.dependencies) {
                if (satisfying.has(dep) || memo.get(`${kind}|${dep}`) === true) {
                    memo.set(key, true);
                    return true;
                }
                const next = graph.get(dep);
                if (next !== undefined && !seen.has(dep)) {
                    queue.push(next);
                }
            }
        }
    }
    memo.set(key, false);
    return false;
}
