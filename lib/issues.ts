// Copyright 2026, airgap-platform authors.
//
// Configuration problems: zod issues turned into one line per problem, keyed by the setting's path, and the
// error that lists them all at once.

import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/** One problem of one setting; `key` is its path (`analysis.failureLimit`, `nodes[0].name`), empty for the whole value. */
export interface SettingProblem {
    readonly key: string;
    readonly message: string;
}

/** A path as written in config: dotted keys, `[i]` for list items. */
export function settingKey(path: readonly PropertyKey[]): string {
    return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("");
}

/**
 * One problem per zod issue, and one per unknown key (keyed by that key). `unknownKey` words the message of an
 * unknown key given the path of the object that holds it ("" for the top level).
 */
export function settingProblems(issues: readonly z.core.$ZodIssue[], unknownKey: (parent: string) => string = () => "unknown setting"): SettingProblem[] {
    return issues.flatMap((issue) => {
        const key = settingKey(issue.path);
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((unknown) => ({ key: key === "" ? unknown : `${key}.${unknown}`, message: unknownKey(key) }));
        }
        return [{ key, message: issue.message }];
    });
}

/** Raised with every problem of a configuration at once; the engine prints it without a stack trace. */
export class ConfigError extends pulumi.RunError {
    constructor(public readonly problems: string[]) {
        super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was created:\n` +
            problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "ConfigError";
    }
}
