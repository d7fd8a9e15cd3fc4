// Copyright 2026, airgap-platform authors.
//
// artifacts.lock.yaml: every chart, image and OCI artifact the stack pulls from the internal registry, with
// where it comes from upstream and the digests it is pinned to. `npm run artifacts:find -- --write` keeps it;
// `npm run bundle` copies exactly it; the seed pushes exactly it; the program renders images from it.
// docs/supply.md describes the format.

import * as crypto from "crypto";
import * as fs from "fs";
import { parse as parseYaml, stringify } from "yaml";
import { z } from "zod";

export const LOCK_VERSION = 1;
export const DEFAULT_PLATFORMS = ["linux/amd64"];

const SHA256 = /^sha256:[a-f0-9]{64}$/;
const digest = z.string().regex(SHA256, "must be sha256: followed by 64 hex digits").nullable();
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

const chartEntry = z.strictObject({
    name: z.string().min(1),
    version: z.string().min(1),
    /** Helm repository URL (https://...), OCI repository (oci://host/path, the chart name appended) or a local .tgz. */
    source: z.string().min(1).nullable(),
    /** oci://<registry>/charts/<name>; the tag is the version. */
    internal: z.string().startsWith("oci://", "must be an oci:// reference on the internal registry"),
    /** sha256 of the packaged chart (.tgz). */
    chartDigest: digest,
    /** Manifest digest of the OCI Helm artifact the bundle makes of it (the internal tag points at it). */
    digest,
    /** Free text for people (why a source is missing, where it is built); kept by --write. */
    note: z.string().optional(),
});

const imageEntry = z.strictObject({
    /** registry/repository:tag as the stack renders it. */
    internal: z.string().min(1),
    /** Upstream registry/repository:tag the image is copied from. */
    source: z.string().min(1).nullable(),
    /** What the source tag pointed at when locked, if it was an index (null for a single manifest). */
    index: digest.optional().default(null),
    /** The locked manifest of each platform. */
    manifests: z.record(z.string().regex(PLATFORM, "must be os/arch or os/arch/variant"), digest),
    /** What the internal tag points at: the only platform's manifest, or an index of exactly the locked ones. */
    digest,
    note: z.string().optional(),
});

const artifactEntry = z.strictObject({
    /** What the program does with it (trivy-db: unpacked into actRunner.trivyCachePath on node-1). */
    name: z.string().min(1),
    internal: z.string().min(1),
    source: z.string().min(1).nullable(),
    digest,
    note: z.string().optional(),
});

export const lockSchema = z.strictObject({
    version: z.literal(LOCK_VERSION),
    /** The internal registry every internal reference is on. */
    registry: z.string().min(1),
    platforms: z.array(z.string().regex(PLATFORM, "must be os/arch or os/arch/variant")).min(1).default(DEFAULT_PLATFORMS),
    charts: z.array(chartEntry).default([]),
    images: z.array(imageEntry).default([]),
    artifacts: z.array(artifactEntry).default([]),
});

export type Lock = z.output<typeof lockSchema>;
export type LockedChart = Lock["charts"][number];
export type LockedImage = Lock["images"][number];
export type LockedArtifact = Lock["artifacts"][number];

/** The Trivy vulnerability database's artifact name and layer media type (aquasecurity/trivy-db). */
export const TRIVY_DB = "trivy-db";
export const TRIVY_DB_LAYER = "application/vnd.aquasec.trivy.db.layer.v1.tar+gzip";

/** A lock file as read: the parsed lock, its exact bytes' sha256 (what a bundle records) and its path. */
export interface LockFile {
    path: string;
    lock: Lock;
    sha256: string;
}

/** Reads and validates a lock; throws one error listing every problem. */
export function readLock(file: string): LockFile {
    if (!fs.existsSync(file)) {
        throw new Error(`${file} does not exist: generate it with npm run artifacts:find -- --stack <stack> --write`);
    }
    const raw = fs.readFileSync(file);
    const lock = parseLock(raw.toString("utf8"), file);
    return { path: file, lock, sha256: crypto.createHash("sha256").update(raw).digest("hex") };
}

export function parseLock(text: string, where = "artifacts.lock.yaml"): Lock {
    const parsed = lockSchema.safeParse(parseYaml(text));
    if (!parsed.success) {
        throw new Error(`${where} is not a valid lock:\n${parsed.error.issues.map((i) => `  - ${i.path.join(".") || "(top)"}: ${i.message}`).join("\n")}`);
    }
    const problems = lockProblems(parsed.data);
    if (problems.length > 0) {
        throw new Error(`${where} is not a valid lock:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    return parsed.data;
}

/** Rules across entries: everything on the lock's registry, no duplicates, every platform locked. */
export function lockProblems(lock: Lock): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    const once = (ref: string) => {
        if (seen.has(ref)) {
            problems.push(`${ref} is locked twice`);
        }
        seen.add(ref);
    };
    for (const c of lock.charts) {
        if (c.internal !== `oci://${lock.registry}/charts/${c.name}`) {
            problems.push(`chart ${c.name}: internal must be oci://${lock.registry}/charts/${c.name}, not ${c.internal}`);
        }
        once(`${c.internal}:${c.version}`);
    }
    for (const i of [...lock.images, ...lock.artifacts]) {
        if (!i.internal.startsWith(`${lock.registry}/`)) {
            problems.push(`${i.internal} is not on the lock's registry ${lock.registry}`);
        }
        once(i.internal);
    }
    for (const i of lock.images) {
        const platforms = Object.keys(i.manifests).sort();
        if (platforms.join(",") !== [...lock.platforms].sort().join(",")) {
            problems.push(`${i.internal} locks platforms ${platforms.join(", ") || "(none)"}, the lock wants ${lock.platforms.join(", ")}`);
        }
    }
    return problems;
}

/** Entries whose digests are not resolved yet (null), named. */
export function unresolved(lock: Lock): string[] {
    return [
        ...lock.charts.filter((c) => !c.chartDigest || !c.digest).map((c) => `chart ${c.name} ${c.version}`),
        ...lock.images.filter((i) => !i.digest || Object.values(i.manifests).some((d) => !d)).map((i) => `image ${i.internal}`),
        ...lock.artifacts.filter((a) => !a.digest).map((a) => `artifact ${a.internal}`),
    ];
}

/** Internal reference of a locked chart as pushed: registry/charts/name:version. */
export function chartTag(chart: Pick<LockedChart, "internal" | "version">): string {
    return `${chart.internal.slice("oci://".length)}:${chart.version}`;
}

/** Every internal reference the lock pins, with its digest (null when unresolved). */
export function lockedDigests(lock: Lock): Map<string, string | null> {
    return new Map<string, string | null>([
        ...lock.charts.map((c) => [chartTag(c), c.digest] as [string, string | null]),
        ...lock.images.map((i) => [i.internal, i.digest] as [string, string | null]),
        ...lock.artifacts.map((a) => [a.internal, a.digest] as [string, string | null]),
    ]);
}

const HEADER = `# Every chart, image and OCI artifact the stack pulls from the internal registry, pinned by digest.
# Generated: npm run artifacts:find -- --stack <stack> --write (digests are resolved in the connected zone;
# null means "not resolved yet", never a guess). Hand-written: only each entry's source (where it comes from
# upstream); --write keeps sources and fills in the rest. Format: docs/supply.md.
`;

/** The lock as YAML, fields in one order and entries sorted, so a --write that changes nothing rewrites the same bytes. */
export function formatLock(lock: Lock): string {
    const note = (n?: string) => (n === undefined ? {} : { note: n });
    const ordered = {
        version: lock.version,
        registry: lock.registry,
        platforms: lock.platforms,
        charts: [...lock.charts].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version)).map((c) => ({
            name: c.name, version: c.version, source: c.source, internal: c.internal, chartDigest: c.chartDigest, digest: c.digest, ...note(c.note),
        })),
        images: [...lock.images].sort((a, b) => a.internal.localeCompare(b.internal)).map((i) => ({
            internal: i.internal, source: i.source, index: i.index, manifests: i.manifests, digest: i.digest, ...note(i.note),
        })),
        artifacts: [...lock.artifacts].sort((a, b) => a.internal.localeCompare(b.internal)).map((a) => ({
            name: a.name, internal: a.internal, source: a.source, digest: a.digest, ...note(a.note),
        })),
    };
    return HEADER + stringify(ordered, { lineWidth: 0, nullStr: "null" });
}
