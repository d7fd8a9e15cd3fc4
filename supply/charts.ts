// Copyright 2026, airgap-platform authors.
//
// Charts from upstream (connected zone), with the pinned helm: pulled once into a cache folder, checked
// against the lock's digest, rendered with the stack's own values (the components' value builders).

import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { argocdValues, giteaValues, monitoringValues, rolloutsValues } from "../components";
import type { PlatformSettings } from "../config";
import { hostOf } from "../lib/address";
import { imageString, resolveImage } from "../lib/image";
import { LockedChart } from "./lock";
import { RENDER_KUBE_VERSION, runTool, toolPath } from "./tools";

/** Upstream hosts reached over plain HTTP (test registries): AIRGAP_SUPPLY_PLAIN_HTTP=host:port,... */
export function plainHttpHosts(env: NodeJS.ProcessEnv = process.env): string[] {
    return (env.AIRGAP_SUPPLY_PLAIN_HTTP ?? "").split(",").map((h) => h.trim()).filter(Boolean);
}

/** A chart on disk: the packaged .tgz, its sha256 and its metadata (Chart.yaml, as the OCI config). */
export interface PackagedChart {
    tgz: string;
    sha256: string;
    metadata: Record<string, unknown>;
}

export function sha256File(file: string): string {
    return `sha256:${crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex")}`;
}

/**
 * The packaged chart of a lock entry, from `cacheDir` or pulled from its source: a Helm repository URL,
 * an oci:// repository (the chart name is appended) or a local .tgz. A digest the lock already records
 * must match.
 */
export async function packagedChart(chart: LockedChart, cacheDir: string, plainHttp: string[] = plainHttpHosts()): Promise<PackagedChart> {
    const tgz = path.join(cacheDir, `${chart.name}-${chart.version}.tgz`);
    if (!fs.existsSync(tgz) || (chart.chartDigest && sha256File(tgz) !== chart.chartDigest)) {
        if (!chart.source) {
            throw new Error(`chart ${chart.name} ${chart.version} has no source in the lock: set it (a Helm repository URL, an oci:// repository or a .tgz)`);
        }
        await pullChart(chart.name, chart.version, chart.source, tgz, plainHttp);
    }
    const sha256 = sha256File(tgz);
    if (chart.chartDigest && sha256 !== chart.chartDigest) {
        throw new Error(`chart ${chart.name} ${chart.version} from ${chart.source} has ${sha256}, the lock says ${chart.chartDigest}`);
    }
    const shown = await runTool(toolPath("helm"), ["show", "chart", tgz]);
    if (shown.code !== 0) {
        throw new Error(`helm show chart ${tgz}: ${shown.stderr.trim()}`);
    }
    const metadata = parseYaml(shown.stdout) as Record<string, unknown>;
    if (metadata.name !== chart.name || String(metadata.version) !== chart.version) {
        throw new Error(`${tgz} is chart ${String(metadata.name)} ${String(metadata.version)}, the lock wants ${chart.name} ${chart.version}`);
    }
    return { tgz, sha256, metadata };
}

async function pullChart(name: string, version: string, source: string, into: string, plainHttp: string[]): Promise<void> {
    fs.mkdirSync(path.dirname(into), { recursive: true });
    if (source.endsWith(".tgz")) {
        fs.copyFileSync(source, into);
        return;
    }
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-chart-"));
    try {
        const args = source.startsWith("oci://")
            ? ["pull", `${source.replace(/\/+$/, "")}/${name}`, "--version", version, "--destination", work,
                ...(plainHttp.includes(source.slice("oci://".length).split("/")[0]) ? ["--plain-http"] : [])]
            : ["pull", name, "--repo", source, "--version", version, "--destination", work];
        const r = await runTool(toolPath("helm"), args);
        if (r.code !== 0) {
            throw new Error(`helm ${args.join(" ")}: ${r.stderr.trim()}`);
        }
        const pulled = fs.readdirSync(work).filter((f) => f.endsWith(".tgz"));
        if (pulled.length !== 1) {
            throw new Error(`helm pull of ${name} ${version} from ${source} left ${pulled.length} .tgz files`);
        }
        fs.renameSync(path.join(work, pulled[0]), into);
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

/** One chart of a stack with the values the stack renders it with. */
export interface StackChart {
    /** Settings section (gitea, monitoring, argoRollouts, argocd). */
    section: string;
    release: string;
    namespace: string;
    values: unknown;
}

/** Stands where a generated secret or an object name only known at deploy time goes: never an image. */
const PLACEHOLDER = "rendered-by-artifacts-find";

/**
 * The charts of the enabled components and their values, from the same value builders the components call.
 * Generated secrets and generated object names are placeholders; they never decide an image.
 */
export function stackCharts(settings: PlatformSettings): StackChart[] {
    const registry = settings.registry.address;
    const charts: StackChart[] = [];
    if (settings.gitea.enabled) {
        const image = resolveImage(settings.gitea.image, registry);
        const publicHost = settings.gitea.publicHost ?? hostOf(registry);
        charts.push({
            section: "gitea", release: "gitea", namespace: settings.gitea.namespace,
            values: giteaValues({
                image: imageString(image),
                rootless: (image.tag ?? "").endsWith("-rootless"),
                nodePort: settings.gitea.nodePort,
                publicHost,
                rootUrl: `http://${publicHost}:${settings.gitea.nodePort}`,
                storageSize: settings.gitea.storageSize,
                storageClass: settings.gitea.storageClass,
                adminSecretName: PLACEHOLDER,
                adminEmail: settings.gitea.adminEmail,
            }),
        });
    }
    if (settings.monitoring.enabled) {
        charts.push({
            section: "monitoring", release: "kube-prometheus-stack", namespace: settings.monitoring.namespace,
            values: monitoringValues(settings.monitoring.images, registry, PLACEHOLDER),
        });
    }
    if (settings.argoRollouts.enabled) {
        charts.push({
            section: "argoRollouts", release: "argo-rollouts", namespace: settings.argoRollouts.namespace,
            values: rolloutsValues(settings.argoRollouts, registry),
        });
    }
    if (settings.argocd.enabled) {
        charts.push({
            section: "argocd", release: "argocd", namespace: settings.argocd.namespace,
            values: argocdValues(settings.argocd.image, settings.argocd.redisImage, registry, PLACEHOLDER, settings.argocd.domain ?? hostOf(registry)),
        });
    }
    return charts;
}

/** `helm template` of a packaged chart with values; every rendered object (CRDs included, tests skipped). */
export async function renderChart(tgz: string, chart: StackChart): Promise<Record<string, unknown>[]> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-render-"));
    try {
        const valuesFile = path.join(work, "values.json");
        fs.writeFileSync(valuesFile, JSON.stringify(chart.values));
        const r = await runTool(toolPath("helm"), [
            "template", chart.release, tgz, "--namespace", chart.namespace, "--values", valuesFile,
            "--kube-version", RENDER_KUBE_VERSION, "--include-crds", "--skip-tests",
        ]);
        if (r.code !== 0) {
            throw new Error(`helm template ${chart.section} (${tgz}): ${r.stderr.trim()}`);
        }
        return parseAllDocuments(r.stdout).map((d) => d.toJS()).filter((o): o is Record<string, unknown> => typeof o === "object" && o !== null);
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}
