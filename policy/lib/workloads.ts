// Copyright 2026, airgap-platform authors.
//
// Where each workload kind keeps its pod template, and how to read images from it.

import { Entry, ManifestIndex } from "./manifest-index";
import { arr, isRecord, rec, str } from "./values";

/** The workload kinds whose images the pack checks. */
export const WORKLOAD_KINDS = [
    "argoproj.io/Rollout",
    "apps/Deployment",
    "apps/StatefulSet",
    "apps/DaemonSet",
    "batch/Job",
    "batch/CronJob",
] as const;

/** The pod template (metadata + spec) of a workload, or undefined when it has none. */
export function podTemplateOf(entry: Entry): Record<string, unknown> | undefined {
    const spec = rec(entry.object.spec);
    if (entry.gk === "batch/CronJob") {
        const template = rec(rec(rec(spec.jobTemplate).spec).template);
        return isRecord(rec(spec.jobTemplate).spec) ? template : undefined;
    }
    return isRecord(spec.template) ? spec.template : undefined;
}

/** The labels of a pod template (an empty record when it has none). */
export function podLabelsOf(template: Record<string, unknown> | undefined): Record<string, unknown> {
    return rec(rec(rec(template).metadata).labels);
}

/** One container image reference and where it sits in the object. */
export interface ImageRef {
    readonly path: string;
    readonly container: string;
    readonly image: unknown;
}

/** Every container, init container and ephemeral container image of a pod template. */
export function imagesOf(template: Record<string, unknown>, basePath: string): ImageRef[] {
    const podSpec = rec(template.spec);
    const out: ImageRef[] = [];
    for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
        arr(podSpec[field]).forEach((c, i) => {
            const container = rec(c);
            out.push({
                path: `${basePath}.spec.${field}[${i}].image`,
                container: str(container.name) ?? `#${i}`,
                image: container.image,
            });
        });
    }
    return out;
}

/** The field path of a workload's pod template, for messages. */
export function podTemplatePath(entry: Entry): string {
    return entry.gk === "batch/CronJob" ? "spec.jobTemplate.spec.template" : "spec.template";
}

/**
 * The pod labels a Rollout's pods carry: its own template, or the template of the Deployment named
 * by spec.workloadRef when that Deployment is in the set. Undefined when they cannot be known.
 */
export function rolloutPodLabels(rollout: Entry, index: ManifestIndex): Record<string, unknown> | undefined {
    const spec = rec(rollout.object.spec);
    if (isRecord(spec.workloadRef)) {
        const ref = spec.workloadRef;
        const kind = str(ref.kind) ?? "Deployment";
        const name = str(ref.name);
        if (name === undefined) {
            return undefined;
        }
        const group = (str(ref.apiVersion) ?? "apps/v1").split("/")[0];
        const target = index.find(`${group}/${kind}`, rollout.namespace, name);
        const template = target === undefined ? undefined : podTemplateOf(target);
        return template === undefined ? undefined : podLabelsOf(template);
    }
    return isRecord(spec.template) ? podLabelsOf(spec.template) : undefined;
}
