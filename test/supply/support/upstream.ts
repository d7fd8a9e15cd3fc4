// Copyright 2026, airgap-platform authors.
//
// Content the supply tests put on their "upstream" registry with real tools: small images made with crane
// (random layers, so no two are alike), the test charts packaged and pushed as OCI with helm, and a stand-in
// for Trivy's database artifact (its real media types, a tiny trivy.db and metadata.json).

import * as crypto from "crypto";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlatformSettings } from "../../../config";
import { Lock } from "../../../supply/lock";
import { ciJobImageBase, imageSettings } from "../../../supply/requirements";
import { PROJECT_DIR, toolPath } from "../../../supply/tools";
import { run } from "../../e2e/harness/cluster";

export const crane = () => toolPath("crane");
export const helm = () => toolPath("helm");

/** Pushes a one-layer image of `bytes` random bytes for `platform`; returns its manifest digest. */
export async function pushImage(ref: string, bytes: number, platform = "linux/amd64"): Promise<string> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-img-"));
    try {
        fs.writeFileSync(path.join(work, "data.bin"), crypto.randomBytes(bytes));
        execFileSync("tar", ["-C", work, "-cf", path.join(work, "layer.tar"), "data.bin"]);
        await run(crane(), ["append", "--insecure", "-f", path.join(work, "layer.tar"), "-t", ref]);
        const out = await run(crane(), ["mutate", "--insecure", ref, "--set-platform", platform, "-t", ref]);
        return out.stdout.trim().split("@").pop() ?? "";
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

/** Pushes an index of one image per platform under `ref`; returns the index digest. */
export async function pushMultiPlatform(ref: string, bytes: number, platforms: string[]): Promise<string> {
    const manifests: string[] = [];
    for (const p of platforms) {
        const tag = `${ref}-${p.replace(/\//g, "-")}`;
        const digest = await pushImage(tag, bytes, p);
        manifests.push(`${ref.slice(0, ref.lastIndexOf(":"))}@${digest}`);
    }
    const out = await run(crane(), ["index", "append", "--insecure", ...manifests.flatMap((m) => ["-m", m]), "-t", ref]);
    return out.stdout.trim().split("@").pop() ?? "";
}

/** One blob of a layout written by {@link writeLayout}. */
export interface LayoutBlob {
    mediaType: string;
    data: Buffer;
    annotations?: Record<string, string>;
}

/**
 * Writes a one-manifest OCI image layout (config and layers with their media types) for crane to push;
 * returns the manifest's digest.
 */
export function writeLayout(layout: string, config: LayoutBlob, layers: LayoutBlob[]): string {
    const blobs = path.join(layout, "blobs", "sha256");
    fs.mkdirSync(blobs, { recursive: true });
    const blob = (b: LayoutBlob) => {
        const hex = crypto.createHash("sha256").update(b.data).digest("hex");
        fs.writeFileSync(path.join(blobs, hex), b.data);
        return { mediaType: b.mediaType, digest: `sha256:${hex}`, size: b.data.length, ...(b.annotations ? { annotations: b.annotations } : {}) };
    };
    const manifest = blob({
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        data: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: blob(config), layers: layers.map(blob) })),
    });
    fs.writeFileSync(path.join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    fs.writeFileSync(path.join(layout, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [manifest] }));
    return manifest.digest;
}

/**
 * Pushes a Trivy database stand-in: an OCI artifact with Trivy's config and layer media types whose layer is
 * db.tar.gz (trivy.db, metadata.json).
 */
export async function pushTrivyDb(ref: string): Promise<string> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-trivy-"));
    try {
        const content = path.join(work, "content");
        fs.mkdirSync(content);
        fs.writeFileSync(path.join(content, "trivy.db"), crypto.randomBytes(4096));
        fs.writeFileSync(path.join(content, "metadata.json"), JSON.stringify({ Version: 2, NextUpdate: "2026-12-01T00:00:00Z" }));
        execFileSync("tar", ["-C", content, "-czf", path.join(work, "db.tar.gz"), "trivy.db", "metadata.json"]);
        const layout = path.join(work, "layout");
        const digest = writeLayout(layout, { mediaType: "application/vnd.aquasec.trivy.config.v1+json", data: Buffer.from("{}") }, [{
            mediaType: "application/vnd.aquasec.trivy.db.layer.v1.tar+gzip", data: fs.readFileSync(path.join(work, "db.tar.gz")),
            annotations: { "org.opencontainers.image.title": "db.tar.gz" },
        }]);
        await run(crane(), ["push", "--insecure", layout, ref]);
        return digest;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

/** Packages a chart folder and pushes it to oci://<registry>/charts; returns the .tgz it pushed. */
export async function pushChart(chartDir: string, registry: string, workDir: string): Promise<string> {
    const out = await run(helm(), ["package", chartDir, "--destination", workDir]);
    const tgz = out.stdout.trim().split(": ").pop() ?? "";
    await run(helm(), ["push", tgz, `oci://${registry}/charts`, "--plain-http"]);
    return tgz;
}

/** The test charts, each pushed to the upstream as OCI. */
export const TEST_CHARTS = ["gitea", "kube-prometheus-stack", "argo-rollouts", "argo-cd"];

/**
 * Puts on `upstream` everything a stack names, at the same paths as on its internal registry: one image per
 * image setting and the CI job image's base (`bigImages` get `bigBytes`, gitea's is a two-platform index), the test charts under
 * oci://<upstream>/charts, a Trivy database stand-in. Returns each chart's packaged .tgz.
 */
export async function populateUpstream(upstream: string, settings: PlatformSettings, workDir: string, big: { images: string[]; bytes: number } = { images: [], bytes: 0 }): Promise<Map<string, string>> {
    const internal = settings.registry.address;
    const named = [...imageSettings(settings), ciJobImageBase(internal)];
    const paths = [...new Set(named.map((s) => s.internal.slice(internal.length + 1)))];
    for (const p of paths) {
        const ref = `${upstream}/${p}`;
        if (p.startsWith("gitea:")) {
            await pushMultiPlatform(ref, 2048, ["linux/amd64", "linux/arm64"]);
        } else {
            await pushImage(ref, big.images.includes(p) ? big.bytes : 1024 + crypto.randomInt(4096));
        }
    }
    const charts = new Map<string, string>();
    for (const chart of TEST_CHARTS) {
        charts.set(chart, await pushChart(path.join(PROJECT_DIR, "test", "charts", chart), upstream, workDir));
    }
    await pushTrivyDb(`${upstream}/aquasecurity/trivy-db:2`);
    return charts;
}

/** The lock with every source set as a person would: the upstream registry, at the same paths. */
export function withUpstreamSources(lock: Lock, upstream: string): Lock {
    return {
        ...lock,
        charts: lock.charts.map((c) => ({ ...c, source: `oci://${upstream}/charts` })),
        images: lock.images.map((i) => ({ ...i, source: i.internal.replace(lock.registry, upstream) })),
        artifacts: lock.artifacts.map((a) => ({ ...a, source: a.internal.replace(lock.registry, upstream) })),
    };
}
