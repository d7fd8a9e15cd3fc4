// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import { compareWithLock, imagesInObjects, updatedLock } from "../../supply/find";
import { Lock } from "../../supply/lock";

const R = "192.168.2.2:5000";
const D = (c: string) => `sha256:${c.repeat(64)}`;
const image = (internal: string, digest: string | null = null, source: string | null = null) =>
    ({ internal, source, index: null, manifests: { "linux/amd64": digest }, digest });
const lock = (images: Lock["images"]): Lock => ({ version: 1, registry: R, platforms: ["linux/amd64"], charts: [], images, artifacts: [] });

describe("artifacts:find", () => {
    describe("collects every image of rendered objects", () => {
        const objects = [
            {
                kind: "Deployment", metadata: { name: "operator" },
                spec: { template: { spec: {
                    initContainers: [{ name: "init", image: `${R}/busybox:1.37` }],
                    containers: [{
                        name: "op", image: `${R}/prometheus-operator/prometheus-operator:v0.93.1@${D("a")}`,
                        args: [
                            `--prometheus-config-reloader=${R}/prometheus-operator/prometheus-config-reloader:v0.93.1`,
                            `--prometheus-default-base-image=${R}/prometheus/prometheus`,
                            "--log-level=info",
                        ],
                    }],
                } } },
            },
            { kind: "Pod", metadata: { name: "debug" }, spec: { containers: [], ephemeralContainers: [{ name: "dbg", image: `${R}/debug:1` }] } },
            { kind: "CronJob", metadata: { name: "nightly" }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ image: `${R}/job:2` }] } } } } } },
            { kind: "Prometheus", metadata: { name: "k" }, spec: { image: `${R}/prometheus/prometheus:v3.14.0-distroless`, thanos: { image: `${R}/thanos/thanos:v0.42.4` } } },
            { kind: "Alertmanager", metadata: { name: "k" }, spec: { image: `${R}/prometheus/alertmanager:v0.34.0` } },
            // Schemas name fields "image" without using any; config text mentioning an image is not a reference.
            { kind: "CustomResourceDefinition", metadata: { name: "prometheuses.monitoring.coreos.com" }, spec: { image: "quay.io/never:1" } },
            { kind: "ConfigMap", metadata: { name: "notes" }, data: { readme: "image: quay.io/never:1" } },
        ];
        const used = imagesInObjects(objects, "chart monitoring");

        it("containers, initContainers, ephemeralContainers, CronJob pods and custom resources' image fields", () => {
            assert.deepStrictEqual(used.filter((u) => !u.where.includes("(--")).map((u) => [u.image, u.where]), [
                [`${R}/busybox:1.37`, "chart monitoring: Deployment/operator .spec.template.spec.initContainers[0].image"],
                [`${R}/prometheus-operator/prometheus-operator:v0.93.1@${D("a")}`, "chart monitoring: Deployment/operator .spec.template.spec.containers[0].image"],
                [`${R}/debug:1`, "chart monitoring: Pod/debug .spec.ephemeralContainers[0].image"],
                [`${R}/job:2`, "chart monitoring: CronJob/nightly .spec.jobTemplate.spec.template.spec.containers[0].image"],
                [`${R}/prometheus/prometheus:v3.14.0-distroless`, "chart monitoring: Prometheus/k .spec.image"],
                [`${R}/thanos/thanos:v0.42.4`, "chart monitoring: Prometheus/k .spec.thanos.image"],
                [`${R}/prometheus/alertmanager:v0.34.0`, "chart monitoring: Alertmanager/k .spec.image"],
            ]);
        });

        it("operator flags that carry an image, a tagless one as a base image", () => {
            assert.deepStrictEqual(used.filter((u) => u.where.includes("(--")).map((u) => [u.image, u.base ?? false]), [
                [`${R}/prometheus-operator/prometheus-config-reloader:v0.93.1`, false],
                [`${R}/prometheus/prometheus`, true],
            ]);
        });
    });

    describe("compares with the lock", () => {
        const locked = lock([image(`${R}/argoproj/argocd:v3.4.4`, D("d")), image(`${R}/prometheus/prometheus:v3`, D("e"))]);

        it("passes images that are locked, pinned to the lock's digest, and base images of a locked repository", () => {
            assert.deepStrictEqual(compareWithLock([
                { image: `${R}/argoproj/argocd:v3.4.4`, where: "a" },
                { image: `${R}/argoproj/argocd:v3.4.4@${D("d")}`, where: "b" },
                { image: `${R}/prometheus/prometheus`, where: "c", base: true },
            ], locked), []);
        });

        it("fails an image not locked, not internal, pinned elsewhere, or a base image with nothing locked, naming image and object", () => {
            assert.deepStrictEqual(compareWithLock([
                { image: `${R}/argoproj/argocd:v3.5.0`, where: "chart argocd: Deployment/argocd-server .spec.template.spec.containers[0].image" },
                { image: "quay.io/argoproj/argocd:v3.4.4", where: "chart argocd: Deployment/x" },
                { image: `${R}/argoproj/argocd:v3.4.4@${D("f")}`, where: "chart argocd: Deployment/y" },
                { image: `${R}/prometheus/alertmanager`, where: "chart monitoring: Deployment/op (--alertmanager-default-base-image)", base: true },
            ], locked), [
                `${R}/argoproj/argocd:v3.5.0 (chart argocd: Deployment/argocd-server .spec.template.spec.containers[0].image) is not in the lock`,
                `quay.io/argoproj/argocd:v3.4.4 (chart argocd: Deployment/x) is not on the internal registry ${R}`,
                `${R}/argoproj/argocd:v3.4.4@${D("f")} (chart argocd: Deployment/y) is pinned to another digest than the lock's ${D("d")}`,
                `base image ${R}/prometheus/alertmanager (chart monitoring: Deployment/op (--alertmanager-default-base-image)) has no locked image of that repository`,
            ]);
        });
    });

    describe("--write", () => {
        const old = lock([
            image(`${R}/argoproj/argocd:v3.4.4`, D("d"), "quay.io/argoproj/argocd:v3.4.4"),
            image(`${R}/unused:1`, D("e"), "docker.io/library/unused:1"),
        ]);

        it("keeps locked entries as they are, drops unused ones, adds new ones unresolved", () => {
            const next = updatedLock(old, R, [`${R}/argoproj/argocd:v3.4.4@${D("d")}`, `${R}/new/thing:1`], [], []);
            assert.deepStrictEqual(next.images, [old.images[0], image(`${R}/new/thing:1`)]);
        });

        it("takes a new version's source from the locked image of the same repository, never a guess", () => {
            const next = updatedLock(old, R, [`${R}/argoproj/argocd:v3.5.0`], [], []);
            assert.strictEqual(next.images[0].source, "quay.io/argoproj/argocd:v3.5.0");
            assert.strictEqual(next.images[0].digest, null);
        });

        it("resets the digests of every image when the platforms change", () => {
            const next = updatedLock(old, R, [`${R}/argoproj/argocd:v3.4.4`], [], [], ["linux/amd64", "linux/arm64"]);
            assert.deepStrictEqual(next.images[0], { ...old.images[0], manifests: { "linux/amd64": D("d"), "linux/arm64": null }, digest: null });
            assert.deepStrictEqual(next.platforms, ["linux/amd64", "linux/arm64"]);
        });

        it("adds Trivy's database from its upstream artifact, charts from a locked chart's source", () => {
            const withChart: Lock = { ...old, charts: [{ name: "gitea", version: "12.6.0", source: "https://dl.gitea.com/charts/", internal: `oci://${R}/charts/gitea`, chartDigest: D("1"), digest: D("2") }] };
            const next = updatedLock(withChart, R, [], [{ name: "gitea", version: "12.7.0", internal: `oci://${R}/charts/gitea` }], ["trivy-db"]);
            assert.deepStrictEqual(next.charts, [{ name: "gitea", version: "12.7.0", internal: `oci://${R}/charts/gitea`, chartDigest: null, digest: null, source: "https://dl.gitea.com/charts/" }]);
            assert.deepStrictEqual(next.artifacts, [{ name: "trivy-db", internal: `${R}/aquasecurity/trivy-db:2`, source: "ghcr.io/aquasecurity/trivy-db:2", digest: null }]);
        });
    });
});
