// Copyright 2026, airgap-platform authors.
//
// The lumen app stack's config as the Pulumi CLI hands it to the program: the project's declared defaults
// (apps/lumen/Pulumi.yaml) overlaid with the stack file's values, every value a string (objects as JSON).

import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { ROOT } from "../../helpers/program-harness";

export const APP_DIR = path.join(ROOT, "apps", "lumen");
export const STACK_FILE = path.join(APP_DIR, "Pulumi.airgap.yaml");
export const PROGRAM = path.join(APP_DIR, "index.ts");

const str = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** The project's declared config: key → { type, default }. */
export function projectConfig(): Record<string, { type?: string; default?: unknown; description?: string }> {
    const doc = parseYaml(fs.readFileSync(path.join(APP_DIR, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, any> };
    return doc.config;
}

/** `lumen-app:key` → string, as the program receives it for the given stack file. */
export function appConfigMap(stackFile = STACK_FILE, overrides: Record<string, unknown> = {}): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, decl] of Object.entries(projectConfig())) {
        if (decl.default !== undefined) {
            out[`lumen-app:${key}`] = str(decl.default);
        }
    }
    const stack = parseYaml(fs.readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> };
    for (const [key, value] of Object.entries(stack.config ?? {})) {
        out[key] = str(value);
    }
    for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) {
            delete out[`lumen-app:${key}`];
        } else {
            out[`lumen-app:${key}`] = str(value);
        }
    }
    return out;
}
