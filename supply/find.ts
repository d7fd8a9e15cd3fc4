// Copyright 2026, airgap-platform authors.
//
// `artifacts:find`: which images a stack really uses (every rendered object of every chart, plus the images
// the program names itself), checked against the lock; with --write, the lock brought in line.

import { imageString, resolveImage } from "../lib/image";
import { DEFAULT_PLATFORMS, Lock, LockedChart, LockedImage, TRIVY_DB } from "./lock";

/** An image some object uses, and where. */
export interface UsedImage {
    /** As written in the object (may carry a digest, or be a tagless base image for an operator flag). */
    image: string;
    /** `chart monitoring: Deployment/x .spec.template.spec.containers[0].image`, or the setting that names it. */
    where: string;
    /** A base image the operator completes with a version (`--prometheus-default-base-image=`): no tag. */
    base?: boolean;
}

/** Operator flags whose value is an image or an image base: --prometheus-config-reloader=, --*-default-base-image=. */
const IMAGE_FLAG = /^--([a-z0-9-]*(?:image|reloader)[a-z0-9-]*)=(.+)$/;

/**
 * Every image in rendered objects: any `image` string at any depth (containers, initContainers,
 * ephemeralContainers, and custom resources such as Prometheus/Alertmanager `spec.image` or
 * `spec.thanos.image`), and image-valued flags in container args and commands.
 */
export function imagesInObjects(objects: Record<string, unknown>[], source: string): UsedImage[] {
    const found: UsedImage[] = [];
    for (const obj of objects) {
        const meta = (obj.metadata ?? {}) as { name?: string; namespace?: string };
        const id = `${source}: ${String(obj.kind)}/${meta.name ?? "?"}`;
        const visit = (node: unknown, at: string, key: string, inContainer: boolean) => {
            if (typeof node === "string") {
                if (key === "image") {
                    found.push({ image: node, where: `${id} ${at}` });
                }
                const flag = inContainer && (key === "args" || key === "command") ? IMAGE_FLAG.exec(node) : null;
                if (flag) {
                    const value = flag[2].replace(/^["']|["']$/g, "");
                    const ref = resolveImage(value, "");
                    found.push({ image: value, where: `${id} ${at} (--${flag[1]})`, ...(ref.tag === undefined && !ref.digest ? { base: true } : {}) });
                }
                return;
            }
            if (Array.isArray(node)) {
                node.forEach((n, i) => visit(n, `${at}[${i}]`, key, inContainer));
                return;
            }
            if (node && typeof node === "object") {
                const container = ["containers", "initContainers", "ephemeralContainers"].includes(key);
                for (const [k, v] of Object.entries(node)) {
                    visit(v, `${at}.${k}`, k, inContainer || container);
                }
            }
        };
        // A CRD's schema describes fields named image; it uses none.
        if (obj.kind !== "CustomResourceDefinition") {
            visit(obj, "", "", false);
        }
    }
    return found;
}

/** repository:tag of a reference, without its digest. */
function tagged(image: string): string {
    return image.replace(/@sha256:[a-f0-9]{64}$/, "");
}

/** Problems of a stack's images against a lock: not internal, not locked, or pinned to another digest. */
export function compareWithLock(used: UsedImage[], lock: Lock): string[] {
    const problems: string[] = [];
    const byRef = new Map(lock.images.map((i) => [i.internal, i]));
    for (const u of used) {
        if (!u.image.startsWith(`${lock.registry}/`)) {
            problems.push(`${u.image} (${u.where}) is not on the internal registry ${lock.registry}`);
            continue;
        }
        if (u.base) {
            const repo = `${u.image}:`;
            if (!lock.images.some((i) => i.internal.startsWith(repo))) {
                problems.push(`base image ${u.image} (${u.where}) has no locked image of that repository`);
            }
            continue;
        }
        const locked = byRef.get(tagged(u.image));
        if (!locked) {
            problems.push(`${u.image} (${u.where}) is not in the lock`);
        } else if (u.image.includes("@") && locked.digest && !u.image.endsWith(`@${locked.digest}`)) {
            problems.push(`${u.image} (${u.where}) is pinned to another digest than the lock's ${locked.digest}`);
        }
    }
    return [...new Set(problems)];
}

/** A chart the stack uses, as the lock should list it. */
export interface NeededChart {
    name: string;
    version: string;
    internal: string;
}

/**
 * The lock the stack needs: existing entries kept with their sources and digests, new ones added, unused
 * ones dropped. A new image takes the source repository of a locked image with the same repository (a
 * version bump); otherwise its source is left null for a person to fill in, never guessed.
 */
export function updatedLock(old: Lock | undefined, registry: string, images: string[], charts: NeededChart[], artifacts: string[], platforms?: string[]): Lock {
    const wanted = platforms ?? old?.platforms ?? DEFAULT_PLATFORMS;
    const samePlatforms = old !== undefined && [...old.platforms].sort().join() === [...wanted].sort().join();
    const oldImages = new Map((old?.images ?? []).map((i) => [i.internal, i]));
    const newImages: LockedImage[] = [...new Set(images.map(tagged))].map((internal) => {
        const kept = oldImages.get(internal);
        if (kept) {
            return samePlatforms ? kept : { ...kept, index: null, manifests: Object.fromEntries(wanted.map((p) => [p, kept.manifests[p] ?? null])), digest: null };
        }
        return { internal, source: sourceFromSibling(internal, old?.images ?? []), index: null, manifests: Object.fromEntries(wanted.map((p) => [p, null])), digest: null };
    });
    const oldCharts = new Map((old?.charts ?? []).map((c) => [`${c.name}:${c.version}`, c]));
    const newCharts: LockedChart[] = charts.map((c) => oldCharts.get(`${c.name}:${c.version}`) ?? {
        name: c.name, version: c.version, internal: c.internal, chartDigest: null, digest: null,
        source: (old?.charts ?? []).find((o) => o.name === c.name)?.source ?? null,
    });
    const newArtifacts = artifacts.map((name) => (old?.artifacts ?? []).find((a) => a.name === name) ?? defaultArtifact(name, registry));
    return { version: 1, registry, platforms: wanted, charts: newCharts, images: newImages, artifacts: newArtifacts };
}

function sourceFromSibling(internal: string, images: LockedImage[]): string | null {
    const ref = resolveImage(internal, "");
    const sibling = images.find((i) => i.source && resolveImage(i.internal, "").repository === ref.repository);
    if (!sibling?.source || ref.tag === undefined) {
        return null;
    }
    const src = resolveImage(sibling.source, "");
    return imageString({ ...src, tag: ref.tag, digest: undefined });
}

/** Trivy's database is published as an OCI artifact at ghcr.io/aquasecurity/trivy-db:2 (schema version 2). */
function defaultArtifact(name: string, registry: string): Lock["artifacts"][number] {
    if (name !== TRIVY_DB) {
        throw new Error(`no default source for artifact ${name}`);
    }
    return { name, internal: `${registry}/aquasecurity/trivy-db:2`, source: "ghcr.io/aquasecurity/trivy-db:2", digest: null };
}
