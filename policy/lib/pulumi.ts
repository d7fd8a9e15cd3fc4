// Copyright 2026, airgap-platform authors.
//
// Turning Pulumi resources into plain Kubernetes objects. Policies receive property bags wrapped in
// @pulumi/policy's unknown-checking proxy, where reading a value unknown during preview throws; the
// wrapper unwraps the proxy and replaces the engine's unknown sentinels with UNKNOWN, so that rules
// check presence instead of throwing.

import { UNKNOWN } from "./values";

/**
 * The engine's sentinels for unknown values (sdk/nodejs/runtime/rpc.ts unknownValue and
 * @pulumi/policy proxy.ts); they are part of the Pulumi wire protocol.
 */
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** @pulumi/policy's proxy hands out its target under this key. */
const PROXY_TARGET = "__getSpecialProxyTarget";

/** The object behind @pulumi/policy's proxy (or the value itself). */
function unwrap(value: object): object {
    const target = (value as Record<string, unknown>)[PROXY_TARGET];
    return typeof target === "object" && target !== null ? target : value;
}

/** True when an unknown sentinel occurs anywhere in the (unwrapped) value. */
function hasUnknown(value: unknown, depth: number): boolean {
    if (typeof value === "string") {
        return value.length === 36 && UNKNOWN_SENTINELS.has(value);
    }
    if (typeof value !== "object" || value === null || depth > 64) {
        return false;
    }
    if (Array.isArray(value)) {
        return value.some((v) => hasUnknown(v, depth + 1));
    }
    for (const key in value) {
        if (hasUnknown((value as Record<string, unknown>)[key], depth + 1)) {
            return true;
        }
    }
    return false;
}

function replaceUnknown(value: unknown, depth: number): unknown {
    if (typeof value === "string") {
        return UNKNOWN_SENTINELS.has(value) ? UNKNOWN : value;
    }
    if (typeof value !== "object" || value === null || depth > 64) {
        return value;
    }
    if (Array.isArray(value)) {
        return value.map((v) => replaceUnknown(v, depth + 1));
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
        out[key] = replaceUnknown((value as Record<string, unknown>)[key], depth + 1);
    }
    return out;
}

/**
 * The property bag without @pulumi/policy's proxy, with unknown values replaced by UNKNOWN. The bag
 * is copied only when it holds unknown values; otherwise the (unwrapped) original is returned, which
 * rules only read.
 */
export function plainProps(value: unknown): any {
    if (typeof value !== "object" || value === null) {
        return replaceUnknown(value, 0);
    }
    const raw = unwrap(value);
    return hasUnknown(raw, 0) ? replaceUnknown(raw, 0) : raw;
}

/** Modules of kubernetes:* type tokens that are components or helpers, not API objects. */
const NON_OBJECT_MODULES = /^(helm\.sh|yaml|kustomize|providers)(\/|$)/;

/**
 * The apiVersion and kind of a `kubernetes:<group>/<version>:<Kind>` type token, or undefined for
 * other providers, components (Helm charts, YAML groups), List and Patch resources.
 */
export function kubernetesTypeOf(type: string): { apiVersion: string; kind: string } | undefined {
    if (!type.startsWith("kubernetes:")) {
        return undefined;
    }
    let known = typeCache.get(type);
    if (known === undefined) {
        known = parseType(type) ?? null;
        typeCache.set(type, known);
    }
    return known ?? undefined;
}

const typeCache = new Map<string, { apiVersion: string; kind: string } | null>();

function parseType(type: string): { apiVersion: string; kind: string } | undefined {
    const parts = type.split(":");
    if (parts.length !== 3 || parts[0] !== "kubernetes") {
        return undefined;
    }
    const [, module, kind] = parts;
    if (NON_OBJECT_MODULES.test(module) || kind.endsWith("Patch") || kind.endsWith("List")) {
        return undefined;
    }
    return { apiVersion: module.startsWith("core/") ? module.slice("core/".length) : module, kind };
}

/** The type token of an object of that apiVersion and kind: the inverse of kubernetesTypeOf. */
export function kubernetesTypeToken(apiVersion: string, kind: string): string {
    return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

/** The Kubernetes object a Pulumi resource stands for, or undefined when it is not one. */
export function kubernetesObjectOf(type: string, props: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    const known = kubernetesTypeOf(type);
    if (known === undefined) {
        return undefined;
    }
    const plain = plainProps(props ?? {}) as Record<string, unknown>;
    if (plain.apiVersion === known.apiVersion && plain.kind === known.kind) {
        return plain;
    }
    return {
        ...plain,
        apiVersion: typeof plain.apiVersion === "string" ? plain.apiVersion : known.apiVersion,
        kind: typeof plain.kind === "string" ? plain.kind : known.kind,
    };
}
