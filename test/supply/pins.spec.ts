// Copyright 2026, airgap-platform authors.
//
// The stack pinned to its lock and seeded before any chart: settings rewritten with the lock's digests, and
// the program's graph under mocks (the seed between the registry and every chart).

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, stringify } from "yaml";
import { argocdValues } from "../../components/argocd";
import { rolloutsValues } from "../../components/argo-rollouts";
import { chartLocation, imageValues, tagWithDigest } from "../../components/helm-values";
import { resolveImage } from "../../lib/image";
import { ConfigError } from "../../lib/issues";
import { readLock } from "../../supply/lock";
import { pinToLock } from "../../supply/pins";
import { stackFile, stackSettings } from "../../supply/stack";
import { PROJECT_DIR } from "../../supply/tools";
import { chartNameOf } from "../../policy/stack/enforce-crd-dependency";
import { dependencyClosure, findResource, plainTextLeaks, PlatformRun, runPlatform, stackConfig, TEST_SSH_KEY } from "../helpers/program-harness";
import { syntheticDigest, syntheticLock } from "../helpers/supply-fixture";

const P = "airgap-platform";
const R = "192.168.2.2:5000";
const SSH = { [`${P}:sshPrivateKey`]: TEST_SSH_KEY };
const SEED = "pulumi-nodejs:dynamic/airgap:RegistrySeed";
const CHART = "kubernetes:helm.sh/v4:Chart";

describe("supply: the stack pinned to its lock", () => {
    const settings = stackSettings(stackFile("dev"));
    const lock = readLock(syntheticLock(stackConfig("Pulumi.dev.yaml")));

    it("names every image by tag and the lock's digest, and every OCI chart by the lock's digest", () => {
        const pinned = pinToLock(settings, lock);
        const argocd = `${R}/argoproj/argocd:v3.4.4`;
        assert.strictEqual(pinned.argocd.image, `argoproj/argocd:v3.4.4@${syntheticDigest(argocd)}`);
        assert.strictEqual(pinned.monitoring.images.thanos, `thanos/thanos:v0.42.4@${syntheticDigest(`${R}/thanos/thanos:v0.42.4`)}`);
        assert.strictEqual(pinned.gitea.chart, `oci://${R}/charts/gitea@${syntheticDigest(`oci://${R}/charts/gitea:12.7.0`)}`);
        // node-1's Docker loads the registry image from its tarball by tag; nothing pulls it.
        assert.strictEqual(pinned.registry.image, settings.registry.image);
        assert.strictEqual(settings.argocd.image, "argoproj/argocd:v3.4.4", "the settings themselves are left as they were");
    });

    it("refuses, naming the setting, an image the lock lacks, a digest it has not resolved, a lock for another registry", () => {
        const missing = { ...lock, lock: { ...lock.lock, images: lock.lock.images.filter((i) => !i.internal.includes("/argoproj/argocd:")) } };
        assert.throws(() => pinToLock(settings, missing), (e: ConfigError) =>
            e.problems.some((p) => p === `${P}:supply.lock: argocd.image: ${R}/argoproj/argocd:v3.4.4 is not in ${lock.path}: add it with npm run artifacts:find -- --write`));
        const committed = readLock(path.join(PROJECT_DIR, "artifacts.lock.yaml"));
        assert.throws(() => pinToLock(settings, committed), (e: ConfigError) =>
            e.problems.some((p) => p.startsWith(`${P}:supply.lock: gitea.chart: oci://${R}/charts/gitea 12.7.0 has no digest in`)));
        const other = { ...lock, lock: { ...lock.lock, registry: "10.0.0.1:5000" } };
        assert.throws(() => pinToLock(settings, other), /is for registry 10\.0\.0\.1:5000, the stack's registry.address is 192\.168\.2\.2:5000/);
    });

    it("renders pinned images as repository:tag@sha256 in every chart's shape", () => {
        const ref = resolveImage(`argoproj/argocd:v3.4.4@sha256:${"a".repeat(64)}`, R);
        assert.deepStrictEqual(imageValues(ref), { registry: R, repository: "argoproj/argocd", tag: "v3.4.4", sha: "a".repeat(64) });
        assert.strictEqual(tagWithDigest(ref), `v3.4.4@sha256:${"a".repeat(64)}`);
        assert.strictEqual(argocdValues(`argoproj/argocd:v3.4.4@sha256:${"a".repeat(64)}`, "docker/library/redis:8.2.3-alpine", R, "h", "d").global.image.tag, `v3.4.4@sha256:${"a".repeat(64)}`);
        assert.strictEqual(rolloutsValues({ image: `argoproj/argo-rollouts:v1.9.0@sha256:${"b".repeat(64)}`, dashboard: false, dashboardImage: "x/y:1" }, R).controller.image.tag,
            `v1.9.0@sha256:${"b".repeat(64)}`);
        assert.strictEqual(chartNameOf(`oci://${R}/charts/argo-cd@sha256:${"c".repeat(64)}`), "argo-cd");
    });

    it("pulls a chart named by digest without a version (Helm would check the tag otherwise)", async () => {
        const byDigest = chartLocation({ chart: `oci://${R}/charts/gitea@sha256:${"d".repeat(64)}`, chartVersion: "12.7.0" }, []);
        assert.deepStrictEqual([byDigest.version, byDigest.plainHttp], [undefined, true]);
        assert.strictEqual(chartLocation({ chart: `oci://${R}/charts/gitea`, chartVersion: "12.7.0" }, []).version, "12.7.0");
    });
});

describe("supply: the seed in the program (under mocks)", () => {
    let run: PlatformRun;
    before(async () => {
        run = await runPlatform({ ...stackConfig("Pulumi.dev.yaml"), ...SSH }, [`${P}:sshPrivateKey`]);
        assert.ifError(run.error);
    });

    it("seeds after the registry answers and before every chart", () => {
        const seed = findResource(run, SEED, "supply-bundle");
        const closure = dependencyClosure(run, seed.urn);
        assert.ok([...closure].some((urn) => urn.endsWith("::registry-service")), "the seed does not wait for the registry");
        for (const chart of run.resources.filter((r) => r.type === CHART)) {
            assert.ok(dependencyClosure(run, chart.urn).has(seed.urn), `${chart.name} does not wait for the seed`);
        }
    });

    it("hands the seed the lock's digests, the lock's sha256, the bundle, and node-1 for Trivy's database", () => {
        const seed = findResource(run, SEED, "supply-bundle").inputs;
        const lockFile = readLock(JSON.parse(stackConfig("Pulumi.dev.yaml")[`${P}:supply`]).lock);
        assert.strictEqual(seed.expected[`${R}/argoproj/argocd:v3.4.4`], syntheticDigest(`${R}/argoproj/argocd:v3.4.4`));
        assert.strictEqual(seed.expected[`${R}/charts/gitea:12.7.0`], syntheticDigest(`oci://${R}/charts/gitea:12.7.0`));
        assert.strictEqual(Object.keys(seed.expected).length, lockFile.lock.charts.length + lockFile.lock.images.length + lockFile.lock.artifacts.length);
        assert.match(seed.lockSha256, /^[a-f0-9]{64}$/);
        assert.strictEqual(seed.bundle, path.join(PROJECT_DIR, "airgap-bundle", "supply"));
        assert.strictEqual(seed.registry, R);
        assert.deepStrictEqual([seed.trivy.connection.host, seed.trivy.cachePath, seed.trivy.ref], ["192.168.2.2", "/var/cache/trivy", `${R}/aquasecurity/trivy-db:2`]);
        assert.deepStrictEqual(plainTextLeaks(findResource(run, SEED, "supply-bundle").wire, [TEST_SSH_KEY.trim()]), [], "the SSH key travels as a secret");
    });

    it("stops with the unresolved images named, before any resource, when the lock has no digests", async () => {
        const config = { ...stackConfig("Pulumi.dev.yaml"), ...SSH, [`${P}:supply`]: JSON.stringify({ lock: "artifacts.lock.yaml" }) };
        const failed = await runPlatform(config, [`${P}:sshPrivateKey`]);
        assert.ok(failed.error instanceof ConfigError, String(failed.error));
        assert.ok(failed.error.problems.some((p) => p.includes(`argocd.image: ${R}/argoproj/argocd:v3.4.4 has no digest in`)), failed.error.message);
        assert.deepStrictEqual(failed.resources.map((r) => r.type), []);
    });

    it("with the supply off: no seed, images by tag as configured", async () => {
        const off = await runPlatform({ ...stackConfig("Pulumi.dev.yaml"), ...SSH, [`${P}:supply`]: JSON.stringify({ enabled: false }) }, [`${P}:sshPrivateKey`]);
        assert.ifError(off.error);
        assert.ok(!off.resources.some((r) => r.type === SEED));
        assert.strictEqual(findResource(off, CHART, "argocd-chart").inputs.values.global.image.tag, "v3.4.4");
    });

    it("the local stack is seeded from the suite's bundle and pulls its charts from 127.0.0.1:15000", () => {
        const local = parseYaml(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.local.yaml"), "utf8")).config;
        assert.deepStrictEqual(local[`${P}:supply`], { lock: "/tmp/airgap-e2e/supply/artifacts.lock.yaml", bundle: "/tmp/airgap-e2e/supply/bundle" });
        for (const section of ["gitea", "monitoring", "argoRollouts", "argocd"]) {
            assert.match(local[`${P}:${section}`].chart, /^oci:\/\/127\.0\.0\.1:15000\/charts\//, stringify(local[`${P}:${section}`]));
        }
    });
});
