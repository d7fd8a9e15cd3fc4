// Copyright 2026, airgap-platform authors.
//
// A stack's settings read from its Pulumi.<stack>.yaml outside the engine, validated by the same schema.

import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { describeIssues, PlatformSettings, platformSchema, platformRawSettings } from "../config";
import { PROJECT_DIR } from "./tools";

/** Pulumi.<stack>.yaml of the project. */
export function stackFile(stack: string, projectDir = PROJECT_DIR): string {
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
        throw new Error(`--stack ${stack}: a stack name has letters, digits, '.', '_' and '-' only`);
    }
    return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/** The validated settings of a stack file (secrets are not read: the supply needs none). */
export function stackSettings(file: string): PlatformSettings {
    if (!fs.existsSync(file)) {
        throw new Error(`${file} does not exist`);
    }
    const doc = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    const strings = Object.fromEntries(Object.entries(doc?.config ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    const { settings: raw, problems } = platformRawSettings(strings);
    // The schema alone: cross-setting checks look for files (the registry tarball) the supply does not need.
    const parsed = platformSchema.safeParse(raw);
    if (problems.length > 0 || !parsed.success) {
        throw new Error(`${file} has invalid settings:\n${[...problems, ...(parsed.success ? [] : describeIssues(parsed.error.issues))].map((p) => `  - ${p}`).join("\n")}`);
    }
    return parsed.data;
}
