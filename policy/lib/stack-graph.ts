// Copyright 2026, airgap-platform authors.
//
// The part of a Pulumi stack that only exists in a stack: resource types, parents and dependencies.
// Stack rules (scope "stack") walk it; the CLI has no graph and skips them.

/** One resource of a stack, reduced to what the stack rules need. */
export interface StackNode {
    readonly urn: string;
    /** The Pulumi type token, e.g. `kubernetes:argoproj.io/v1alpha1:Rollout`. */
    readonly type: string;
    readonly name: string;
    /** Resource properties (outputs in validateStack); unknown preview values are the UNKNOWN marker. */
    readonly props: Record<string, any>;
    /** The parent's URN, if any. */
    readonly parent?: string;
    /** URNs of the resources this one depends on (dependsOn and property dependencies). */
    readonly dependencies: readonly string[];
}

/** The stack as a graph, with children listed per parent. */
export class StackGraph {
    readonly nodes: readonly StackNode[];
    private readonly byUrn = new Map<string, StackNode>();
    private readonly children = new Map<string, StackNode[]>();

    constructor(nodes: readonly StackNode[]) {
        this.nodes = nodes;
        for (const node of nodes) {
            this.byUrn.set(node.urn, node);
        }
        for (const node of nodes) {
            if (node.parent !== undefined) {
                let list = this.children.get(node.parent);
                if (list === undefined) {
                    list = [];
                    this.children.set(node.parent, list);
                }
                list.push(node);
            }
        }
    }

    get(urn: string): StackNode | undefined {
        return this.byUrn.get(urn);
    }

    childrenOf(urn: string): readonly StackNode[] {
        return this.children.get(urn) ?? [];
    }

    /** The node and its ancestors, nearest first. */
    ancestry(urn: string): StackNode[] {
        const out: StackNode[] = [];
        const seen = new Set<string>();
        let current = this.byUrn.get(urn);
        while (current !== undefined && !seen.has(current.urn)) {
            out.push(current);
            seen.add(current.urn);
            current = current.parent === undefined ? undefined : this.byUrn.get(current.parent);
        }
        return out;
    }
}
