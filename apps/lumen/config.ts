// Copyright 2026, airgap-platform authors.
//
// The lumen app stack's configuration: the image (repository and release tag, kept apart so a release
// changes one line), where to render, and every ProgressiveApp knob under its own key. One validation
// pass lists every problem by its full config key before anything is rendered.

import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProgressiveAppSettings, progressiveAppSchema, prometheusUrlProblems, validateProgressiveApp } from "../../components/progressive-app";
import { prometheusUrlFor } from "../../components/monitoring";
import { ConfigError } from "../../config";

/** The project's config namespace (`lumen-app:<key>` in the stack file). */
export const APP_CONFIG_NAMESPACE = "lumen-app";

/**
 * A release tag: an exact version (v1.5.4, 1.5.4, v1.6.0-rc.1) or a commit SHA of 7 to 40 hex digits, the
 * two tags CI pushes. `latest` or any other moving tag is refused.
 */
export const RELEASE_TAG = /^(v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?|[0-9a-f]{7,40})$/;
const REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

const relativeOrAbsolutePath = z.string().min(1, "must be a folder path");

/** Keys of the stack that are not ProgressiveApp knobs. */
export const appStackSchema = z.strictObject({
    /** Repository path inside the internal registry, without a tag. */
    imageRepository: z.string().regex(REPOSITORY, "must be a repository path inside the internal registry without a tag, e.g. lumen-api").default("lumen-api"),
    /** The release being deployed; `npm run release -- <tag>` sets it. */
    imageTag: z.string({ error: "is required: the release tag to deploy, e.g. v1.5.4 (set by npm run release -- v1.5.4)" })
        .regex(RELEASE_TAG, "must be a release version such as v1.5.4 or a commit SHA (7 to 40 hex digits), the tags CI pushes; a moving tag such as latest makes a rollback pull whatever was pushed last"),
    /** The platform's Prometheus, exported by the platform stack as analysisPrometheusUrl. */
    prometheusUrl: z.string().default(prometheusUrlFor("monitoring")),
    /** Where the Kubernetes provider renders (relative to apps/lumen); release.sh publishes from there. */
    renderDir: relativeOrAbsolutePath.default(".render"),
    /** The folder Argo CD watches, as release.sh fills it (relative to apps/lumen, or absolute). */
    outputDir: relativeOrAbsolutePath.default("rendered/03-airgap-zone/manifests/app"),
});

export type AppStackSettings = z.output<typeof appStackSchema>;

/** Everything index.ts needs. */
export interface AppConfig extends AppStackSettings {
    /** The ProgressiveApp knobs, validated, with the composed image. */
    readonly app: ProgressiveAppSettings;
}

/** Keys read as plain strings; every other value is JSON (numbers, booleans, objects and lists). */
const STRING_KEYS: ReadonlySet<string> = new Set([
    "imageRepository", "imageTag", "prometheusUrl", "renderDir", "outputDir",
    "name", "namespace", "registry", "metricsPath", "probePath", "strategy",
]);

/** ProgressiveApp knobs settable in the stack; `image` is composed from imageRepository and imageTag. */
const APP_KEYS: ReadonlySet<string> = new Set(Object.keys(progressiveAppSchema.shape).filter((k) => k !== "image"));
const STACK_KEYS: ReadonlySet<string> = new Set(Object.keys(appStackSchema.shape));

/** `lumen-app:<key>` for a problem path. */
const fullKey = (key: string) => `${APP_CONFIG_NAMESPACE}:${key}`;

/**
 * Validates the stack's config, given as the runtime hands it over (`lumen-app:key` → string). Returns the
 * config or every problem, each line starting with the full key, so tests need no Pulumi runtime.
 */
export function validateAppConfig(all: Record<string, string>): { config?: AppConfig; problems: string[] } {
    const problems: string[] = [];
    const stackRaw: Record<string, unknown> = {};
    const appRaw: Record<string, unknown> = {};
    const prefix = `${APP_CONFIG_NAMESPACE}:`;
    for (const [k, value] of Object.entries(all)) {
        if (!k.startsWith(prefix)) {
            continue;
        }
        const key = k.slice(prefix.length);
        let parsed: unknown = value;
        if (!STRING_KEYS.has(key)) {
            try {
                parsed = JSON.parse(value);
            } catch {
                problems.push(`${k}: '${value}' is not a number, boolean or structured value`);
                continue;
            }
        }
        if (STACK_KEYS.has(key)) {
            stackRaw[key] = parsed;
        } else if (APP_KEYS.has(key)) {
            appRaw[key] = parsed;
        } else {
            problems.push(`${k}: unknown setting; known: ${[...STACK_KEYS, ...APP_KEYS].join(", ")}`);
        }
    }
    // Defaults of the lumen app (seed 000); everything else takes the component's defaults.
    appRaw.name ??= "lumen-api";
    appRaw.namespace ??= "lumen";

    const stack = appStackSchema.safeParse(stackRaw);
    if (!stack.success) {
        for (const issue of stack.error.issues) {
            const key = issue.path.map(String).join(".");
            problems.push(issue.code === "unrecognized_keys" ? `${fullKey(issue.keys.join(", "))}: unknown setting` : `${fullKey(key)}: ${issue.message}`);
        }
    } else {
        problems.push(...prometheusUrlProblems(stack.data.prometheusUrl).map((m) => `${fullKey("prometheusUrl")}: ${m}`));
    }
    // With a bad repository or tag, a placeholder image keeps the component from repeating the problem.
    const image = stack.success ? `${stack.data.imageRepository}:${stack.data.imageTag}` : "placeholder:v0.0.0";
    const app = validateProgressiveApp({ ...appRaw, image });
    for (const p of app.problems) {
        // Tag problems are caught above; what is left of an image problem is about the repository or registry.
        problems.push(`${fullKey(p.key === "image" ? "imageRepository" : p.key)}: ${p.message}`);
    }
    if (problems.length > 0 || !stack.success || app.settings === undefined) {
        return { problems };
    }
    return { config: { ...stack.data, app: app.settings }, problems };
}

/** Reads and validates the stack's config; throws ConfigError listing every problem. */
export function loadAppConfig(): AppConfig {
    const { config, problems } = validateAppConfig(pulumi.runtime.allConfig());
    if (config === undefined) {
        throw new ConfigError(problems);
    }
    return config;
}
