// Copyright 2026, airgap-platform authors.
//
// The one reader of a stack's raw config: the runtime hands every value over as a string
// (`<namespace>:<key>` → text, objects and numbers as JSON); the schema decides how each key is read.

import { z } from "zod";

/** Is `field` read as plain text: a string or enum, under any default, optional, prefault or pipe? */
function isTextField(field: z.core.$ZodType): boolean {
    let inner = field;
    for (;;) {
        if (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional || inner instanceof z.ZodPrefault || inner instanceof z.ZodNullable) {
            inner = inner.unwrap() as z.core.$ZodType;
        } else if (inner instanceof z.ZodPipe) {
            inner = inner.in as z.core.$ZodType;
        } else {
            return inner instanceof z.ZodString || inner instanceof z.ZodEnum;
        }
    }
}

/**
 * Turns the runtime's `<namespace>:<key>` → string map into what `schema` parses: a text field keeps the raw
 * string, every other value is read as JSON (numbers, booleans, objects, lists) when it is JSON. Keys in `skip` (secrets, read
 * through pulumi.Config) are left out; keys the schema does not know stay raw strings, so that the strict
 * schema names them.
 */
export function rawSettings(all: Record<string, string>, namespace: string, schema: z.ZodObject, skip: readonly string[] = []): { settings: Record<string, unknown>; problems: string[] } {
    const settings: Record<string, unknown> = {};
    const problems: string[] = [];
    const prefix = `${namespace}:`;
    const shape = schema.shape as Record<string, z.core.$ZodType>;
    for (const [fullKey, value] of Object.entries(all)) {
        const key = fullKey.slice(prefix.length);
        if (!fullKey.startsWith(prefix) || skip.includes(key)) {
            continue;
        }
        const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
        if (field === undefined || isTextField(field)) {
            settings[key] = value;
            continue;
        }
        try {
            settings[key] = JSON.parse(value);
        } catch (e) {
            // Text that is not JSON goes to the schema, which says what it expected there (a number, an object).
            if (/^\s*[[{]/.test(value)) {
                problems.push(`${fullKey}: is not valid JSON (${(e as Error).message}); structured settings are objects or lists`);
            } else {
                settings[key] = value;
            }
        }
    }
    return { settings, problems };
}
