// Copyright 2026, airgap-platform authors.
//
// A resolved lock for runs of the program under mocks. The committed lock holds no digests until the
// connected zone resolves it, and the e2e stack's lock is made by its suite; mocked runs get this stand-in:
// every entry the stack needs, its digests derived from its name (sha256 of "synthetic <ref>"). Nothing real
// ever reads them; they only prove the program names images and charts by the lock's digests.

import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { platformSchema, platformRawSettings } from "../../config";
import { formatLock, Lock, TRIVY_DB } from "../../supply/lock";
import { artifactNames, chartSettings, imageSettings } from "../../supply/requirements";

export const syntheticDigest = (ref: string) => `sha256:${crypto.createHash("sha256").update(`synthetic ${ref}`).digest("hex")}`;

/** Writes a resolved lock covering the settings in `config` (project:key strings); returns its path. */
export function syntheticLock(config: Record<string, string>): string {
    const parsed = platformSchema.safeParse(platformRawSettings(config).settings);
    if (!parsed.success) {
        throw new Error(`synthetic lock: the stack's settings do not parse: ${parsed.error.message}`);
    }
    const settings = parsed.data;
    const registry = settings.registry.address;
    const lock: Lock = {
        version: 1,
        registry,
        platforms: ["linux/amd64"],
        charts: chartSettings(settings).map((c) => ({
            name: c.name, version: c.version, source: null, internal: c.chart,
            chartDigest: syntheticDigest(`${c.chart}.tgz`), digest: syntheticDigest(`${c.chart}:${c.version}`),
        })),
        images: [...new Set(imageSettings(settings).map((s) => s.internal))].map((internal) => ({
            internal, source: null, index: null, manifests: { "linux/amd64": syntheticDigest(internal) }, digest: syntheticDigest(internal),
        })),
        artifacts: artifactNames(settings).map((name) => {
            const internal = `${registry}/aquasecurity/${TRIVY_DB}:2`;
            return { name, internal, source: null, digest: syntheticDigest(internal) };
        }),
    };
    const text = formatLock(lock);
    const file = path.join(lockFolder(), `${crypto.createHash("sha256").update(text).digest("hex").slice(0, 16)}.lock.yaml`);
    fs.writeFileSync(file, text);
    return file;
}

let folder: string | undefined;

/** One folder per test process for the synthetic locks, removed when the process exits. */
function lockFolder(): string {
    if (folder === undefined) {
        const made = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-synthetic-lock-"));
        process.on("exit", () => fs.rmSync(made, { recursive: true, force: true }));
        folder = made;
    }
    return folder;
}
