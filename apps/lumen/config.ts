// Copyright 2026, airgap-platform authors.
//
// The lumen app stack's configuration: one schema holding every key of the stack, with the lumen app's
// values as defaults. The ProgressiveApp knobs keep the component's own rules; this file adds the stack's
// keys (the image as repository and release tag, kept apart so a release changes one line, where to render)
// and the site's values the component has no default for (name, namespace, registry). One validation pass
// lists every problem by its full config key before anything is rendered.

import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProgressiveAppSettings, progressiveAppSchema, prometheusUrlSchema, validateProgressiveApp } from "../../components/progressive-app/schema";
import { prometheusUrlFor } from "../../components/monitoring";
import { IMAGE_REPOSITORY } from "../../lib/image";
import { ConfigError, settingProblems } from "../../lib/issues";
import { rawSettings } from "../../lib/raw-config";
import { releaseTag } from "./release-tag";

/** The project's config namespace (`lumen-app:<key>` in the stack file). */
export const APP_CONFIG_NAMESPACE = "lumen-app";

const relativeOrAbsolutePath = z.string().min(1, "must be a folder path");
const knob = progressiveAppSchema.shape;

/** Every key of the stack: the ProgressiveApp knobs (its `image` composed from two keys) and the stack's own. */
export const appStackSchema = progressiveAppSchema.omit({ image: true }).extend({
    /** App name: the Rollout, the main Service and the pods' `app` label. */
    name: knob.name.default("lumen-api"),
    /** Namespace of every object (the Argo CD Application's destination). */
    namespace: knob.namespace.default("lumen"),
    /** host:port of node-1's registry, where CI pushes the image. */
    registry: knob.registry.default("192.168.2.2:5000"),
    /** Repository path inside the internal registry, without a tag. */
    imageRepository: z.string().regex(IMAGE_REPOSITORY, "must be a repository path inside the internal registry without a tag, e.g. lumen-api").default("lumen-api"),
    /** The release being deployed; `npm run release -- <tag>` sets it. Required. */
    imageTag: releaseTag,
    /** The platform's Prometheus, exported by the platform stack as analysisPrometheusUrl. */
    prometheusUrl: prometheusUrlSchema.default(prometheusUrlFor("monitoring")),
    /** Where the Kubernetes provider renders (relative to apps/lumen); release.sh publishes from there. */
    renderDir: relativeOrAbsolutePath.default(".render"),
    /** The folder Argo CD watches, as release.sh fills it (relative to apps/lumen, or absolute). */
    outputDir: relativeOrAbsolutePath.default("rendered/03-airgap-zone/manifests/app"),
});

/** Everything index.ts needs: the stack's own keys, and the ProgressiveApp's arguments, validated. */
export type AppConfig = Pick<z.output<typeof appStackSchema>, "imageRepository" | "imageTag" | "renderDir" | "outputDir"> & {
    /** The knobs with every default and the composed image, and the Prometheus URL the analysis queries. */
    readonly app: ProgressiveAppSettings & { readonly prometheusUrl: string };
};

/** `lumen-app:<key>` for a problem path. */
const fullKey = (key: string) => `${APP_CONFIG_NAMESPACE}:${key}`;

/**
 * Validates the stack's config, given as the runtime hands it over (`lumen-app:key` → string). Returns the
 * config or every problem, each line starting with the full key, so tests need no Pulumi runtime.
 */
export function validateAppConfig(all: Record<string, string>): { config?: AppConfig; problems: string[] } {
    const raw = rawSettings(all, APP_CONFIG_NAMESPACE, appStackSchema);
    const parsed = appStackSchema.safeParse(raw.settings);
    if (!parsed.success) {
        const unknownKey = (parent: string) => (parent === "" ? `unknown setting; known: ${Object.keys(appStackSchema.shape).join(", ")}` : "unknown setting");
        return { problems: [...raw.problems, ...settingProblems(parsed.error.issues, unknownKey).map((p) => `${fullKey(p.key)}: ${p.message}`)] };
    }
    const { imageRepository, imageTag, prometheusUrl, renderDir, outputDir, ...knobs } = parsed.data;
    const app = validateProgressiveApp({ ...knobs, image: `${imageRepository}:${imageTag}` });
    // The tag is checked above; what is left of an image problem is about the repository or registry.
    const problems = [...raw.problems, ...app.problems.map((p) => `${fullKey(p.key === "image" ? "imageRepository" : p.key)}: ${p.message}`)];
    if (problems.length > 0 || app.settings === undefined) {
        return { problems };
    }
    return { config: { imageRepository, imageTag, renderDir, outputDir, app: { ...app.settings, prometheusUrl } }, problems };
}

/** Reads and validates the stack's config; throws ConfigError listing every problem. */
export function loadAppConfig(): AppConfig {
    const { config, problems } = validateAppConfig(pulumi.runtime.allConfig());
    if (config === undefined) {
        throw new ConfigError(problems);
    }
    return config;
}
