// Copyright 2026, airgap-platform authors.
//
// What a stack needs from the internal registry, read from its validated settings: every image the program
// names (any `*image` / `images.*` setting of an enabled component), every OCI chart, the Trivy database.
// Read generically, so an image setting added to config.ts is covered without a list to keep in step.

import * as fs from "fs";
import * as path from "path";
import type { PlatformSettings } from "../config";
import { isOciChart } from "../lib/chart";
import { imageString, resolveImage } from "../lib/image";
import { LockFile, chartTag, TRIVY_DB } from "./lock";

/** One image setting: where it is (`argocd.image`), its value, and the full reference it stands for. */
export interface ImageSetting {
    path: string[];
    value: string;
    /** registry/repository:tag (or @digest) on the internal registry. */
    internal: string;
}

/** One OCI chart of an enabled component. */
export interface ChartSetting {
    section: string;
    name: string;
    version: string;
    /** oci://registry/charts/name as configured. */
    chart: string;
}

type Settings = Record<string, unknown>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const enabledSections = (settings: PlatformSettings) =>
    Object.entries(settings as Settings).filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]) && entry[1].enabled !== false);


/** The registry image runs in node-1's Docker from a tarball; it is locked and bundled, not pulled by tag. */
export const REGISTRY_IMAGE_PATH = ["registry", "image"];

export function imageSettings(settings: PlatformSettings): ImageSetting[] {
    const registry = settings.registry.address;
    const found: ImageSetting[] = [];
    for (const [section, body] of enabledSections(settings)) {
        for (const [key, value] of Object.entries(body)) {
            if (key === "images" && isRecord(value)) {
                for (const [name, image] of Object.entries(value)) {
                    if (typeof image === "string") {
                        found.push({ path: [section, key, name], value: image, internal: imageString(resolveImage(image, registry)) });
                    }
                }
            } else if (/image$/i.test(key) && typeof value === "string") {
                found.push({ path: [section, key], value, internal: imageString(resolveImage(value, registry)) });
            }
        }
    }
    return found;
}

export function chartSettings(settings: PlatformSettings): ChartSetting[] {
    return enabledSections(settings)
        .filter(([, body]) => typeof body.chart === "string" && typeof body.chartVersion === "string" && isOciChart(body.chart))
        .map(([section, body]) => ({
            section,
            name: String(body.chart).split("/").pop() ?? "",
            version: String(body.chartVersion).replace(/^v/, ""),
            chart: String(body.chart),
        }));
}

/** The recipe of the platform repository's CI job image (.gitea/workflows run every job in it). */
export const CI_JOB_IMAGE_RECIPE = path.join(__dirname, "..", "ci", "job-image", "Containerfile");

/**
 * The base of the CI job image, on the internal registry: the recipe's `ARG BASE=` default. The job image is
 * built on the bastion (scripts/ci/build-job-image.sh), so only its base travels in the bundle.
 */
export function ciJobImageBase(registry: string, recipe = CI_JOB_IMAGE_RECIPE): ImageSetting {
    const base = /^ARG BASE=(\S+)\s*$/m.exec(fs.readFileSync(recipe, "utf8"))?.[1];
    if (base === undefined) {
        throw new Error(`${recipe} has no 'ARG BASE=<image>' line: the supply cannot tell which base image the CI job image needs`);
    }
    return { path: ["ci", "jobImageBase"], value: base, internal: imageString(resolveImage(base, registry)) };
}

/** The artifacts the program uses: Trivy's database while the runner is on. */
export function artifactNames(settings: PlatformSettings): string[] {
    return settings.actRunner.enabled ? [TRIVY_DB] : [];
}

/** Problems that stop a stack from using a lock: entries it needs but the lock lacks or has not resolved. */
export function coverageProblems(settings: PlatformSettings, file: LockFile): string[] {
    const { lock } = file;
    const problems: string[] = [];
    const where = file.path;
    if (lock.registry !== settings.registry.address) {
        problems.push(`${where} is for registry ${lock.registry}, the stack's registry.address is ${settings.registry.address}`);
        return problems;
    }
    const images = new Map(lock.images.map((i) => [i.internal, i]));
    for (const s of imageSettings(settings)) {
        const tagged = s.internal.replace(/@sha256:[a-f0-9]+$/, "");
        const locked = images.get(tagged);
        if (!locked) {
            problems.push(`${s.path.join(".")}: ${tagged} is not in ${where}: add it with npm run artifacts:find -- --write`);
        } else if (!locked.digest) {
            problems.push(`${s.path.join(".")}: ${tagged} has no digest in ${where} yet: resolve it in the connected zone (npm run artifacts:find -- --write)`);
        } else if (s.internal.includes("@") && !s.internal.endsWith(`@${locked.digest}`)) {
            problems.push(`${s.path.join(".")}: pins ${s.internal}, but ${where} locks ${locked.digest}`);
        }
    }
    const charts = new Map(lock.charts.map((c) => [chartTag(c), c]));
    for (const c of chartSettings(settings)) {
        const locked = charts.get(`${c.chart.slice("oci://".length)}:${c.version}`);
        if (!locked) {
            problems.push(`${c.section}.chart: ${c.chart} ${c.version} is not in ${where}`);
        } else if (!locked.digest) {
            problems.push(`${c.section}.chart: ${c.chart} ${c.version} has no digest in ${where} yet: resolve it in the connected zone (npm run artifacts:find -- --write)`);
        }
    }
    for (const name of artifactNames(settings)) {
        const locked = lock.artifacts.find((a) => a.name === name);
        if (!locked) {
            problems.push(`the ${name} artifact is not in ${where}`);
        } else if (!locked.digest) {
            problems.push(`the ${name} artifact has no digest in ${where} yet: resolve it in the connected zone (npm run artifacts:find -- --write)`);
        }
    }
    return problems;
}
