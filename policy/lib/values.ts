// Copyright 2026, airgap-platform authors.
//
// Safe accessors over untyped YAML or Pulumi property bags. Rules read objects that can have any
// shape (a typo in Git, a value that is still unknown during `pulumi preview`), so they never
// dereference without checking, and they never throw on a surprising type.

/**
 * Stands for a value that Pulumi cannot know during preview (an output of another resource). The
 * CrossGuard wrapper replaces the engine's unknown sentinels with it, so that a rule sees "present
 * but not checkable": it is not missing, and it is neither a string, a number nor an array.
 */
export const UNKNOWN: unique symbol = Symbol.for("airgap-policy.unknown");

/** True when the value is known to be absent (not merely unknown). */
export function isMissing(value: unknown): value is undefined | null {
    return value === undefined || value === null;
}

/** True for the preview placeholder. */
export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}

/** True for a plain object (not an array, not null, not the unknown marker). */
export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The record at `value`, or an empty record when it is anything else. */
export function rec(value: unknown): Record<string, unknown> {
    return isRecord(value) ? value : {};
}

/** The array at `value`, or an empty array when it is anything else. */
export function arr(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/** The string at `value`, or undefined. */
export function str(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** A non-empty string, or undefined. */
export function nonEmpty(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** True when a string field is absent or empty, and not merely unknown. */
export function isBlank(value: unknown): boolean {
    return isMissing(value) || value === "";
}

/** A finite number, or undefined. */
export function num(value: unknown): number | undefined {
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * An integer written either as a number or as a string of digits (Kubernetes int-or-string fields),
 * or undefined when it is neither (including an unresolved `{{args.x}}` placeholder).
 */
export function intOrString(value: unknown): number | undefined {
    if (typeof value === "number") {
        return Number.isInteger(value) ? value : undefined;
    }
    if (typeof value === "string" && /^-?\d+$/.test(value.trim())) {
        return Number.parseInt(value.trim(), 10);
    }
    return undefined;
}

/** Renders a value for a message: strings quoted, the unknown marker as "<unknown>". */
export function show(value: unknown): string {
    if (value === UNKNOWN) {
        return "<unknown>";
    }
    if (typeof value === "string") {
        return JSON.stringify(value);
    }
    if (value === undefined) {
        return "undefined";
    }
    try {
        return JSON.stringify(value);
    } catch {
        return String(value);
    }
}

/** Parses a Go duration such as "1m", "90s" or "1h30m" into seconds; undefined if invalid. */
export function parseGoDuration(value: string): number | undefined {
    const text = value.trim();
    if (text === "0") {
        return 0;
    }
    const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
    const factor: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
    let total = 0;
    let matched = 0;
    let sign = 1;
    let body = text;
    if (body.startsWith("-") || body.startsWith("+")) {
        sign = body.startsWith("-") ? -1 : 1;
        body = body.slice(1);
    }
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(body)) !== null) {
        total += Number.parseFloat(m[1]) * factor[m[2]];
        matched = re.lastIndex;
    }
    if (matched === 0 || matched !== body.length) {
        return undefined;
    }
    return sign * total;
}

/** True when a string still holds an Argo Rollouts argument placeholder such as `{{args.count}}`. */
export function hasPlaceholder(value: unknown): boolean {
    return typeof value === "string" && value.includes("{{");
}
