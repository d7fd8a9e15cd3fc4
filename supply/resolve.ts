// Copyright 2026, airgap-platform authors.
//
// Fills a lock's missing digests from upstream (connected zone): images and artifacts through ocisupply
// resolve, charts by pulling them (helm) and computing the OCI artifact the bundle will make of them.

import { Lock, LockedChart } from "./lock";
import { packagedChart, plainHttpHosts } from "./charts";
import { ocisupply } from "./tools";

interface ResolvedImage { source: string; index: string | null; manifests: Record<string, string>; digest: string }
interface ResolvedArtifact { source: string; digest: string }
interface ResolvedChart { name: string; version: string; tgzDigest: string; digest: string }

/** Entries a resolve can do nothing about (no upstream source yet), named. */
export function missingSources(lock: Lock): string[] {
    return [
        ...lock.charts.filter((c) => !c.source).map((c) => `chart ${c.name} ${c.version} has no source`),
        ...lock.images.filter((i) => !i.source).map((i) => `image ${i.internal} has no source`),
        ...lock.artifacts.filter((a) => !a.source).map((a) => `artifact ${a.internal} has no source`),
    ];
}

/** The lock with every unresolved entry that has a source resolved; resolved entries are never changed. */
export async function resolveLock(lock: Lock, chartCache: string): Promise<Lock> {
    const images = lock.images.filter((i) => i.source && (!i.digest || Object.values(i.manifests).some((d) => !d)));
    const artifacts = lock.artifacts.filter((a) => a.source && !a.digest);
    const charts = lock.charts.filter((c) => c.source && (!c.chartDigest || !c.digest));
    if (images.length + artifacts.length + charts.length === 0) {
        return lock;
    }
    const packaged = await Promise.all(charts.map(async (c) => ({ chart: c, packaged: await packagedChart(c, chartCache) })));
    const result = await ocisupply<{ images: ResolvedImage[]; artifacts: ResolvedArtifact[]; charts: ResolvedChart[] }>("resolve", [], {
        plainHttp: plainHttpHosts(),
        images: images.map((i) => ({ source: i.source, platforms: Object.keys(i.manifests) })),
        artifacts: artifacts.map((a) => ({ source: a.source })),
        charts: packaged.map(({ chart, packaged: p }) => ({ name: chart.name, version: chart.version, tgz: p.tgz, config: p.metadata })),
    });
    const imageBySource = new Map(result.images.map((r) => [r.source, r]));
    const artifactBySource = new Map(result.artifacts.map((r) => [r.source, r]));
    const chartByKey = new Map(result.charts.map((r) => [`${r.name}:${r.version}`, r]));
    return {
        ...lock,
        images: lock.images.map((i) => {
            const r = images.includes(i) ? imageBySource.get(i.source ?? "") : undefined;
            return r ? { ...i, index: r.index, manifests: r.manifests, digest: r.digest } : i;
        }),
        artifacts: lock.artifacts.map((a) => {
            const r = artifacts.includes(a) ? artifactBySource.get(a.source ?? "") : undefined;
            return r ? { ...a, digest: r.digest } : a;
        }),
        charts: lock.charts.map((c: LockedChart) => {
            const r = charts.includes(c) ? chartByKey.get(`${c.name}:${c.version}`) : undefined;
            return r ? { ...c, chartDigest: r.tgzDigest, digest: r.digest } : c;
        }),
    };
}
