// Copyright 2026, airgap-platform authors.
//
// The set of objects a cross-resource rule looks at: every document given to the CLI, or every
// Kubernetes resource of a stack. Lookups are by `group/Kind`, namespace and name, in O(1), so that
// rules stay linear in the size of the set.

import { isRecord, rec, str } from "./values";

/** One Kubernetes object of the set, with the facts every rule needs precomputed. */
export interface Entry {
    /** The object itself (a plain JSON value; unknown preview values are the UNKNOWN marker). */
    readonly object: Record<string, any>;
    /** `group/Kind`, or `Kind` for the core group, e.g. `argoproj.io/Rollout`, `Service`. */
    readonly gk: string;
    readonly kind: string;
    readonly apiVersion: string;
    /** metadata.namespace, or "" when absent (the Argo CD destination or provider default applies). */
    readonly namespace: string;
    /** metadata.name (or the Pulumi resource name when the object has none). */
    readonly name: string;
    /** The file the object came from, for the CLI. */
    readonly file?: string;
    /** The Pulumi URN, for stacks. */
    readonly urn?: string;
    /** Position in the input, to keep findings in input order. */
    readonly position: number;
}

/** What the engine accepts: a parsed object plus where it came from. */
export interface ManifestInput {
    /** The parsed Kubernetes object. */
    readonly object: unknown;
    /** The file it was read from (shown in CLI output). */
    readonly file?: string;
    /** The Pulumi URN (reported by CrossGuard stack policies). */
    readonly urn?: string;
    /** A fallback name when the object has no metadata.name (Pulumi auto-naming). */
    readonly name?: string;
}

/** Splits an apiVersion into its group ("" for the core group). */
export function groupOf(apiVersion: string): string {
    const slash = apiVersion.indexOf("/");
    return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** `group/Kind`, or `Kind` for the core group. */
export function gkOf(apiVersion: string, kind: string): string {
    const group = groupOf(apiVersion);
    return group === "" ? kind : `${group}/${kind}`;
}

/** Builds an Entry, or undefined when the value is not a Kubernetes object (no kind). */
export function toEntry(input: ManifestInput, position: number): Entry | undefined {
    const object = input.object;
    if (!isRecord(object)) {
        return undefined;
    }
    const kind = str(object.kind);
    if (kind === undefined || kind === "") {
        return undefined;
    }
    const apiVersion = str(object.apiVersion) ?? "";
    const metadata = rec(object.metadata);
    return {
        object,
        gk: gkOf(apiVersion, kind),
        kind,
        apiVersion,
        namespace: str(metadata.namespace) ?? "",
        name: str(metadata.name) ?? input.name ?? "",
        file: input.file,
        urn: input.urn,
        position,
    };
}

/** Namespaces match when equal, or when either side is unset (it takes the other's at apply time). */
export function sameNamespace(a: string, b: string): boolean {
    return a === b || a === "" || b === "";
}

/** The lookup tables of one kind, built the first time a rule looks that kind up. */
interface KindIndex {
    /** namespace → name → first object. */
    readonly byNamespace: Map<string, Map<string, Entry>>;
    /** name → objects in every namespace. */
    readonly byName: Map<string, Entry[]>;
}

/** All objects of a manifest set or stack, indexed for the cross-resource rules. */
export class ManifestIndex {
    readonly entries: readonly Entry[];
    private readonly byGk = new Map<string, Entry[]>();
    private readonly lookups = new Map<string, KindIndex>();
    private readonly memo = new Map<string, unknown>();

    constructor(entries: readonly Entry[]) {
        this.entries = entries;
        for (const entry of entries) {
            const list = this.byGk.get(entry.gk);
            if (list === undefined) {
                this.byGk.set(entry.gk, [entry]);
            } else {
                list.push(entry);
            }
        }
    }

    /** Every object of one `group/Kind`. */
    ofKind(gk: string): readonly Entry[] {
        return this.byGk.get(gk) ?? [];
    }

    private kindIndex(gk: string): KindIndex {
        let index = this.lookups.get(gk);
        if (index === undefined) {
            index = { byNamespace: new Map(), byName: new Map() };
            for (const entry of this.ofKind(gk)) {
                let names = index.byNamespace.get(entry.namespace);
                if (names === undefined) {
                    names = new Map();
                    index.byNamespace.set(entry.namespace, names);
                }
                if (!names.has(entry.name)) {
                    names.set(entry.name, entry);
                }
                const named = index.byName.get(entry.name);
                if (named === undefined) {
                    index.byName.set(entry.name, [entry]);
                } else {
                    named.push(entry);
                }
            }
            this.lookups.set(gk, index);
        }
        return index;
    }

    /**
     * The object of that kind and name in that namespace. An object with no namespace matches any
     * namespace and vice versa, since it takes its namespace only when applied.
     */
    find(gk: string, namespace: string, name: string): Entry | undefined {
        const index = this.kindIndex(gk);
        const exact = index.byNamespace.get(namespace)?.get(name);
        if (exact !== undefined) {
            return exact;
        }
        return index.byName.get(name)?.find((e) => sameNamespace(e.namespace, namespace));
    }

    /** Computes a derived view of the set once and shares it between rules and objects. */
    cached<T>(key: string, compute: () => T): T {
        if (this.memo.has(key)) {
            return this.memo.get(key) as T;
        }
        const value = compute();
        this.memo.set(key, value);
        return value;
    }
}
