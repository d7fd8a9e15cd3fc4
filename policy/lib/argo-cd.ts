// Copyright 2026, airgap-platform authors.
//
// Reading Argo CD Applications: their sources, sync options and waves, which CRDs an Application
// installs and which argoproj.io resources it holds. The latter two are worked out from the chart an
// Application deploys, from the manifests of the set that sit under its source path (the CLI run on a
// Git checkout sees them), and from names listed in the policy config (a stack does not see Git).

import { DEFAULT_CRD_INSTALLER_CHARTS } from "./config";
import { Entry, ManifestIndex } from "./manifest-index";
import { arr, isRecord, rec, str } from "./values";

export const APPLICATION = "argoproj.io/Application";
export const APP_PROJECT = "argoproj.io/AppProject";
export const CRD = "apiextensions.k8s.io/CustomResourceDefinition";
export const SYNC_WAVE = "argocd.argoproj.io/sync-wave";

/** Argo CD's own kinds: an app-of-apps holding them needs no extra ordering, Argo CD is running. */
export const ARGO_CD_KINDS: ReadonlySet<string> = new Set(["Application", "AppProject", "ApplicationSet"]);

/** One source of an Application (spec.source, or each of spec.sources). */
export interface AppSource {
    readonly source: Record<string, unknown>;
    readonly path: string;
}

export function sourcesOf(app: Entry): AppSource[] {
    const spec = rec(app.object.spec);
    const out: AppSource[] = [];
    if (isRecord(spec.source)) {
        out.push({ source: spec.source, path: "spec.source" });
    }
    arr(spec.sources).forEach((s, i) => {
        if (isRecord(s)) {
            out.push({ source: s, path: `spec.sources[${i}]` });
        }
    });
    return out;
}

/** spec.syncPolicy.syncOptions, as strings. */
export function syncOptionsOf(app: Entry): string[] {
    return arr(rec(rec(app.object.spec).syncPolicy).syncOptions).filter((o): o is string => typeof o === "string");
}

/** True when the Application sets that sync option (`Name=true`). */
export function hasSyncOption(app: Entry, option: string): boolean {
    const [name, value] = option.split("=");
    return syncOptionsOf(app).some((o) => {
        const [n, v] = o.split("=");
        return n.trim() === name && (v ?? "").trim().toLowerCase() === value.toLowerCase();
    });
}

/** The sync wave: the annotation as an integer, 0 when absent or (as Argo CD silently does) invalid. */
export function syncWaveOf(entry: Entry): { wave: number; raw?: string; valid: boolean } {
    const raw = rec(rec(entry.object.metadata).annotations)[SYNC_WAVE];
    if (raw === undefined || raw === null) {
        return { wave: 0, valid: true };
    }
    const text = String(raw).trim();
    if (/^[+-]?\d+$/.test(text)) {
        return { wave: Number.parseInt(text, 10), raw: text, valid: true };
    }
    return { wave: 0, raw: text, valid: false };
}

/** The chart a source deploys: `chart`, or the last path segment of an OCI repoURL. */
export function chartOf(source: Record<string, unknown>): string | undefined {
    const chart = str(source.chart);
    if (chart !== undefined && chart !== "") {
        return chart.split("/").pop();
    }
    const repo = str(source.repoURL);
    if (repo !== undefined && repo.startsWith("oci://")) {
        return repo.replace(/\/+$/, "").split("/").pop()?.split(":")[0];
    }
    return undefined;
}

function normalisePath(p: string): string {
    return p.replace(/\\/g, "/").replace(/^(\.\/)+/, "").replace(/\/+$/, "").replace(/^\/+/, "");
}

function dirOf(file: string): string {
    const f = file.replace(/\\/g, "/");
    const slash = f.lastIndexOf("/");
    return slash < 0 ? "" : normalisePath(f.slice(0, slash));
}

/** The objects of the set that Argo CD would read from a source's path. */
export function manifestsUnder(index: ManifestIndex, source: Record<string, unknown>): Entry[] {
    const path = str(source.path);
    if (path === undefined) {
        return [];
    }
    const wanted = normalisePath(path);
    if (wanted === "" || wanted === ".") {
        return [];
    }
    const recurse = rec(source.directory).recurse === true;
    const byDir = index.cached("argo-cd:entries-by-dir", () => {
        const map = new Map<string, Entry[]>();
        for (const entry of index.entries) {
            if (entry.file === undefined) {
                continue;
            }
            const dir = dirOf(entry.file);
            let list = map.get(dir);
            if (list === undefined) {
                list = [];
                map.set(dir, list);
            }
            list.push(entry);
        }
        return map;
    });
    const out: Entry[] = [];
    for (const [dir, entries] of byDir) {
        const exact = dir === wanted || dir.endsWith(`/${wanted}`);
        const nested = recurse && (dir.startsWith(`${wanted}/`) || dir.includes(`/${wanted}/`));
        if (exact || nested) {
            out.push(...entries);
        }
    }
    return out;
}

/** Settings the Application rules share. */
export interface AppDetectionConfig {
    /** Chart (or path segment, or Application name) → argoproj.io kinds whose CRDs it installs. */
    readonly crdInstallerCharts: Record<string, string[]>;
    /** Applications known to hold argoproj.io resources (needed in a stack, which cannot read Git). */
    readonly argoResourceApplications: string[];
}

/** What an Application installs: CRD kinds of argoproj.io it provides, and whether it installs any CRD. */
export interface InstallerInfo {
    readonly argoKinds: Set<string>;
    readonly installsCrds: boolean;
    readonly reason?: string;
}

/**
 * True when a chart name, Application name or path segment stands for that chart: the name itself, or
 * the name followed by -helm, -chart(s), -crd(s) or a version (`argo-rollouts-helm`, `argo-rollouts-2.40.9`).
 */
export function matchesChart(candidate: string, chart: string): boolean {
    if (candidate === chart) {
        return true;
    }
    if (!candidate.startsWith(`${chart}-`)) {
        return false;
    }
    return /^(helm|charts?|crds?|v?\d[\w.+-]*)$/.test(candidate.slice(chart.length + 1));
}

/** Works out which CRDs an Application installs, from its chart, path, name or the manifests under it. */
export function installerInfo(app: Entry, index: ManifestIndex, config: AppDetectionConfig, extraCrdCharts: readonly string[] = []): InstallerInfo {
    const argoKinds = new Set<string>();
    let reason: string | undefined;
    let installsCrds = false;
    const charts = config.crdInstallerCharts;
    const match = (candidate: string | undefined, why: string): void => {
        if (candidate === undefined) {
            return;
        }
        for (const [chart, kinds] of Object.entries(charts)) {
            if (matchesChart(candidate, chart)) {
                kinds.forEach((k) => argoKinds.add(k));
                installsCrds = true;
                reason ??= `${why} "${candidate}"`;
            }
        }
        for (const chart of extraCrdCharts) {
            if (matchesChart(candidate, chart)) {
                installsCrds = true;
                reason ??= `${why} "${candidate}"`;
            }
        }
    };
    match(app.name, "its name");
    for (const { source } of sourcesOf(app)) {
        match(chartOf(source), "its chart");
        const path = str(source.path);
        if (path !== undefined) {
            for (const segment of normalisePath(path).split("/")) {
                match(segment, "its path segment");
            }
        }
        for (const entry of manifestsUnder(index, source)) {
            if (entry.gk === CRD) {
                installsCrds = true;
                const spec = rec(entry.object.spec);
                if (spec.group === "argoproj.io") {
                    const kind = str(rec(spec.names).kind);
                    if (kind !== undefined) {
                        argoKinds.add(kind);
                    }
                }
                reason ??= `the CustomResourceDefinition "${entry.name}" under its path`;
            }
        }
    }
    return { argoKinds, installsCrds, reason };
}

/** The argoproj.io kinds (other than Argo CD's own) an Application deploys; "*" when only named in config. */
export function heldArgoKinds(app: Entry, index: ManifestIndex, config: AppDetectionConfig): Set<string> {
    const kinds = new Set<string>();
    for (const { source } of sourcesOf(app)) {
        for (const entry of manifestsUnder(index, source)) {
            if (entry.gk.startsWith("argoproj.io/") && !ARGO_CD_KINDS.has(entry.kind)) {
                kinds.add(entry.kind);
            }
        }
    }
    if (kinds.size === 0 && config.argoResourceApplications.includes(app.name)) {
        kinds.add("*");
    }
    return kinds;
}

/** Shared config schema properties for the Application rules that detect installers. */
export const APP_DETECTION_SCHEMA = {
    crdInstallerCharts: {
        type: "object" as const,
        description: "Chart names (also matched against Application names and source path segments) mapped to the argoproj.io kinds whose CRDs they install.",
        additionalProperties: { type: "array" as const, items: { type: "string" as const } },
        default: DEFAULT_CRD_INSTALLER_CHARTS as Record<string, string[]>,
    },
    argoResourceApplications: {
        type: "array" as const,
        items: { type: "string" as const },
        default: ["lumen-app"],
        description: "Applications known to hold argoproj.io resources such as Rollouts; needed in a stack, where the policy cannot read the Git repository.",
    },
};
