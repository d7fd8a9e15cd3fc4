// Copyright 2026, airgap-platform authors.

import { parseImage } from "../../lib/image";
import { DEFAULT_INTERNAL_REGISTRY } from "../lib/config";
import { defineRule } from "../lib/rule";
import { isBlank, isUnknown, show } from "../lib/values";
import { imagesOf, podTemplateOf, podTemplatePath, WORKLOAD_KINDS } from "../lib/workloads";

interface Config {
    internalRegistry: string;
    mutableTags: string[];
}

/**
 * Every container image of a workload comes from the internal registry and is pinned. The cluster has
 * no route to public registries, so any other registry (or a bare name, which means Docker Hub) fails
 * with ImagePullBackOff; `latest` or no tag makes a rollback pull whatever was pushed last, and the
 * CI pushes `:latest` on every build.
 */
export const workloadEnforceInternalImage = defineRule<Config>({
    name: "workload-enforce-internal-image",
    description: "Requires every container, init container and ephemeral container image of Rollouts, Deployments, StatefulSets, DaemonSets, Jobs and CronJobs to come from the internal registry with a pinned tag or digest. The cluster cannot reach public registries, and latest or an untagged image changes under a rollback.",
    configSchema: {
        properties: {
            internalRegistry: { type: "string", default: DEFAULT_INTERNAL_REGISTRY, description: "host:port of the internal registry." },
            mutableTags: { type: "array", items: { type: "string" }, default: ["latest"], description: "Tags that move and so do not pin an image." },
        },
    },
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Push the image to the internal registry (the rule's internalRegistry) and reference it as <internalRegistry>/<name>:<version> or by @sha256 digest.",
    scope: "resource",
    kinds: [...WORKLOAD_KINDS],
    check(entry, ctx, report) {
        const template = podTemplateOf(entry);
        if (template === undefined) {
            return;
        }
        const registry = ctx.config.internalRegistry;
        for (const ref of imagesOf(template, podTemplatePath(entry))) {
            if (isUnknown(ref.image)) {
                continue;
            }
            if (isBlank(ref.image) || typeof ref.image !== "string") {
                report(`${ref.path} (container "${ref.container}") is ${show(ref.image)}; set an image from ${registry}.`);
                continue;
            }
            const image = parseImage(ref.image.trim());
            if (image.registry === undefined) {
                report(`${ref.path} (container "${ref.container}") is "${ref.image}", a bare name that resolves to Docker Hub; use ${registry}/${image.repository}:<version>.`);
                continue;
            }
            if (image.registry.toLowerCase() !== registry.toLowerCase()) {
                report(`${ref.path} (container "${ref.container}") is "${ref.image}" from registry "${image.registry}", not the internal registry; mirror it and use ${registry}/${image.repository}:<version>.`);
                continue;
            }
            if (image.digest !== undefined && image.digest !== "") {
                continue;
            }
            if (image.tag === undefined || image.tag === "") {
                report(`${ref.path} (container "${ref.container}") is "${ref.image}" without a tag, which means latest; pin a version tag or an @sha256 digest.`);
            } else if (ctx.config.mutableTags.includes(image.tag)) {
                report(`${ref.path} (container "${ref.container}") uses the mutable tag "${image.tag}" ("${ref.image}"); pin a version tag or an @sha256 digest.`);
            }
        }
    },
});
