// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chartTag, formatLock, Lock, lockProblems, parseLock, readLock, unresolved } from "../../supply/lock";
import { ciJobImageBase, coverageProblems } from "../../supply/requirements";
import { stackSettings, stackFile } from "../../supply/stack";
import { PROJECT_DIR } from "../../supply/tools";

const D = (c: string) => `sha256:${c.repeat(64)}`;
const R = "192.168.2.2:5000";

const resolved: Lock = {
    version: 1,
    registry: R,
    platforms: ["linux/amd64"],
    charts: [{ name: "argo-cd", version: "10.1.1", source: "https://argoproj.github.io/argo-helm", internal: `oci://${R}/charts/argo-cd`, chartDigest: D("a"), digest: D("b") }],
    images: [{ internal: `${R}/argoproj/argocd:v3.4.4`, source: "quay.io/argoproj/argocd:v3.4.4", index: D("c"), manifests: { "linux/amd64": D("d") }, digest: D("d") }],
    artifacts: [{ name: "trivy-db", internal: `${R}/aquasecurity/trivy-db:2`, source: "ghcr.io/aquasecurity/trivy-db:2", digest: D("e") }],
};

describe("artifacts.lock.yaml", () => {
    it("round-trips through its YAML form, byte for byte on a second write", () => {
        const text = formatLock(resolved);
        assert.deepStrictEqual(parseLock(text), resolved);
        assert.strictEqual(formatLock(parseLock(text)), text);
        assert.strictEqual(chartTag(resolved.charts[0]), `${R}/charts/argo-cd:10.1.1`);
        assert.deepStrictEqual(unresolved(resolved), []);
    });

    it("refuses entries off the lock's registry, duplicates, wrong platforms and malformed digests", () => {
        const bad: Lock = {
            ...resolved,
            charts: [{ ...resolved.charts[0], internal: "oci://quay.io/charts/argo-cd" }],
            images: [resolved.images[0], resolved.images[0], { ...resolved.images[0], internal: "docker.io/library/redis:7", manifests: { "linux/arm64": null } }],
        };
        assert.deepStrictEqual(lockProblems(bad), [
            `chart argo-cd: internal must be oci://${R}/charts/argo-cd, not oci://quay.io/charts/argo-cd`,
            `${R}/argoproj/argocd:v3.4.4 is locked twice`,
            `docker.io/library/redis:7 is not on the lock's registry ${R}`,
            "docker.io/library/redis:7 locks platforms linux/arm64, the lock wants linux/amd64",
        ]);
        assert.throws(() => parseLock(formatLock(resolved).replace(D("d"), "sha256:1234")), /images\.0\.manifests\.linux\/amd64: must be sha256: followed by 64 hex digits/);
    });

    it("names what is not resolved yet", () => {
        const open: Lock = { ...resolved, images: [{ ...resolved.images[0], digest: null }], charts: [{ ...resolved.charts[0], chartDigest: null }] };
        assert.deepStrictEqual(unresolved(open), ["chart argo-cd 10.1.1", `image ${R}/argoproj/argocd:v3.4.4`]);
    });

    describe("the committed lock", () => {
        const committed = readLock(path.join(PROJECT_DIR, "artifacts.lock.yaml"));

        it("locks every image, chart and artifact the dev stack names (digests come from the connected zone)", () => {
            const notLocked = coverageProblems(stackSettings(stackFile("dev")), committed).filter((p) => !p.includes("has no digest"));
            assert.deepStrictEqual(notLocked, []);
        });

        it("holds every image the real charts render with today's values, and each one's upstream source", () => {
            // Measured outside this repository: helm template of the upstream charts with the program's values (docs/supply.md).
            const rendered = [
                "prometheus-operator/prometheus-operator:v0.93.1", "prometheus-operator/prometheus-config-reloader:v0.93.1",
                "prometheus/prometheus:v3.14.0-distroless", "prometheus/alertmanager:v0.34.0", "kube-state-metrics/kube-state-metrics:v2.20.0",
                "prometheus/node-exporter:v1.12.1-distroless", "grafana/grafana:13.2.0", "kiwigrid/k8s-sidecar:2.10.1", "thanos/thanos:v0.42.4",
                "argoproj/argo-rollouts:v1.9.0", "argoproj/argocd:v3.4.4", "docker/library/redis:8.2.3-alpine",
            ];
            for (const image of rendered) {
                const entry = committed.lock.images.find((i) => i.internal === `${R}/${image}`);
                assert.ok(entry, `${image} is not locked`);
                assert.ok(entry.source && !entry.source.startsWith(R), `${image} has no upstream source`);
            }
            assert.ok(committed.lock.images.some((i) => /\/gitea:[0-9.]+-rootless$/.test(i.internal)));
            assert.deepStrictEqual(committed.lock.charts.map((c) => `${c.name} ${c.version}`).sort(),
                ["argo-cd 10.1.1", "argo-rollouts 2.40.9", "gitea 12.7.0", "kube-prometheus-stack 88.5.3"]);
        });

        it("carries the base of the CI job image that ci/job-image/Containerfile names, with its upstream source", () => {
            const base = ciJobImageBase(committed.lock.registry);
            const entry = committed.lock.images.find((i) => i.internal === base.internal);
            assert.ok(entry, `${base.internal} (the CI job image's base) is not locked`);
            assert.ok(entry.source && !entry.source.startsWith(R), `${base.internal} has no upstream source`);
        });

        it("refuses a job-image recipe without its base line, naming the file", () => {
            const recipe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "recipe-")), "Containerfile");
            fs.writeFileSync(recipe, "FROM scratch\n");
            try {
                assert.throws(() => ciJobImageBase(R, recipe), (e: Error) => e.message.includes(recipe) && /ARG BASE=/.test(e.message));
            } finally {
                fs.rmSync(path.dirname(recipe), { recursive: true, force: true });
            }
        });
    });
});
