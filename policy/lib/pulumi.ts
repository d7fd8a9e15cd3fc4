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

/** A deep plain copy of a property bag, with unknown values replaced by UNKNOWN. */
export function plainProps(value: unknown, depth = 0): any {
    if (typeof value === "string") {
        return UNKNOWN_SENTINELS.has(value) ? UNKNOWN : value;
    }
    if (typeof value !== "object" || value === null || depth > 64) {
        return value;
    }
    const target = (value as Record<string, unknown>)[PROXY_TARGET];
    const raw = typeof target === "object" && target !== null ? target : value;
    if (Array.isArray(raw)) {
        return raw.map((v) => plainProps(v, depth + 1));
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(raw)) {
        out[key] = plainProps((raw as Record<string, unknown>)[key], depth + 1);
    }
    return out;
}

/** Modules of kubernetes:* type tokens that are components or helpers, not API objects. */
const NON_OBJECT_MODULES = /^(helm\.sh|yaml|kustomize|providers)(\/|$)/;

/**
 * The apiVersion and kind of a `kubernetes:<group>/<version>:<Kind>` type token, or undefined for
 * other providers, components (Helm charts, YAML groups), List and Patch resources.
 */
export function kubernetesTypeOf(type: string): { apiVersion: string; kind: string } | undefined {
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

/** The Kubernetes object a Pulumi resource stands for, or undefined when it is not one. */
export function kubernetesObjectOf(type: string, props: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    const known = kubernetesTypeOf(type);
    if (known === undefined) {
        return undefined;
    }
    const plain = plainProps(props ?? {}) as Record<string, unknown>;
    return {
        ...plain,
        apiVersion: typeof plain.apiVersion === "string" ? plain.apiVersion : known.apiVersion,
        kind: typeof plain.kind === "string" ? plain.kind : known.kind,
    };
}
