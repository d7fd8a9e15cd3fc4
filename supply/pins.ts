// Copyright 2026, airgap-platform authors.
//
// The stack's settings pinned to the lock: every image setting becomes `path:tag@sha256:…` and every OCI
// chart `oci://…/charts/name@sha256:…`, the digests the seed pushes. A tag re-pushed on the registry then
// changes nothing the stack renders or pulls.

import * as path from "path";
import type { PlatformSettings } from "../config";
import { ConfigError } from "../lib/issues";
import { LockFile, chartTag, readLock } from "./lock";
import { chartSettings, coverageProblems, imageSettings, REGISTRY_IMAGE_PATH } from "./requirements";

/** Reads the stack's lock (relative paths from the project folder); throws ConfigError naming the setting. */
export function stackLock(settings: PlatformSettings, projectDir = process.cwd()): LockFile {
    try {
        return readLock(path.resolve(projectDir, settings.supply.lock));
    } catch (e) {
        throw new ConfigError([`airgap-platform:supply.lock: ${(e as Error).message}`]);
    }
}

/**
 * Settings with every image and OCI chart pinned to the lock's digests. Throws ConfigError listing every
 * image or chart the lock lacks or has not resolved, before any resource exists.
 */
export function pinToLock<T extends PlatformSettings>(settings: T, file: LockFile): T {
    const problems = coverageProblems(settings, file);
    if (problems.length > 0) {
        throw new ConfigError(problems.map((p) => `airgap-platform:supply.lock: ${p}`));
    }
    const pinned = structuredCloneSettings(settings);
    const digests = new Map(file.lock.images.map((i) => [i.internal, i.digest]));
    for (const s of imageSettings(settings)) {
        // The registry image is loaded into node-1's Docker by tag from a tarball, never pulled.
        if (s.path.join(".") === REGISTRY_IMAGE_PATH.join(".") || s.value.includes("@")) {
            continue;
        }
        setAt(pinned, s.path, `${s.value}@${digests.get(s.internal)}`);
    }
    const charts = new Map(file.lock.charts.map((c) => [chartTag(c), c.digest]));
    for (const c of chartSettings(settings)) {
        setAt(pinned, [c.section, "chart"], `${c.chart}@${charts.get(`${c.chart.slice("oci://".length)}:${c.version}`)}`);
    }
    return pinned;
}

/** Settings hold only data, plus Pulumi outputs for secrets that are copied by reference. */
function structuredCloneSettings<T extends PlatformSettings>(settings: T): T {
    const copy = { ...settings } as Record<string, unknown>;
    for (const [key, value] of Object.entries(settings)) {
        if (typeof value === "object" && value !== null && !("apply" in value)) {
            copy[key] = structuredClone(value);
        }
    }
    return copy as T;
}

function setAt(target: object, at: string[], value: string): void {
    let node = target as Record<string, unknown>;
    for (const key of at.slice(0, -1)) {
        node = node[key] as Record<string, unknown>;
    }
    node[at[at.length - 1]] = value;
}
