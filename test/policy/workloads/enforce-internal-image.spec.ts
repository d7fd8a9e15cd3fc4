// Copyright 2026, airgap-platform authors.

import { workloadEnforceInternalImage as rule } from "../../../policy/workloads";
import { parseImage } from "../../../lib/image";
import * as fx from "../fixtures";
import { assertFinding, assertNoFinding, check } from "../helpers";
import * as assert from "assert";

describe(rule.name, () => {
    it("passes internal images pinned by tag or digest", () => {
        assertNoFinding(check(rule, [fx.rollout(), fx.deployment(), fx.cronJob()]));
    });

    it("flags a public registry", () => {
        const d = fx.deployment();
        d.spec.template.spec.containers[0].image = "quay.io/argoproj/argo-rollouts:v1.9.0";
        assertFinding(check(rule, [d]), rule.name, "from registry \"quay.io\", not the internal registry; mirror it and use 192.168.2.2:5000/argoproj/argo-rollouts:<version>");
    });

    it("flags a bare name, which means Docker Hub", () => {
        const r = fx.rollout();
        r.spec.template.spec.initContainers = [{ name: "wait", image: "busybox:1.36" }];
        assertFinding(check(rule, [r]), rule.name, "spec.template.spec.initContainers[0].image (container \"wait\") is \"busybox:1.36\", a bare name that resolves to Docker Hub");
    });

    it("flags latest and a missing tag", () => {
        const r = fx.rollout();
        r.spec.template.spec.containers[0].image = "192.168.2.2:5000/lumen-api:latest";
        assertFinding(check(rule, [r]), rule.name, "uses the mutable tag \"latest\"");
        r.spec.template.spec.containers[0].image = "192.168.2.2:5000/lumen-api";
        assertFinding(check(rule, [r]), rule.name, "without a tag, which means latest");
    });

    it("checks CronJob job templates", () => {
        const c = fx.cronJob();
        c.spec.jobTemplate.spec.template.spec.containers[0].image = "docker.io/library/alpine:3.20";
        assertFinding(check(rule, [c]), rule.name, "spec.jobTemplate.spec.template.spec.containers[0].image");
    });

    it("parses registry ports, tags and digests", () => {
        assert.deepStrictEqual(parseImage("192.168.2.2:5000/lumen-api:v1.5.3"), { registry: "192.168.2.2:5000", repository: "lumen-api", tag: "v1.5.3", digest: undefined });
        assert.deepStrictEqual(parseImage("localhost/a/b@sha256:ab"), { registry: "localhost", repository: "a/b", tag: undefined, digest: "sha256:ab" });
        assert.deepStrictEqual(parseImage("nginx"), { repository: "nginx", tag: undefined, digest: undefined });
    });

    it("names the configured registry, never a fixed address, in its messages and remediation", () => {
        const r = fx.rollout();
        r.spec.template.spec.containers[0].image = "busybox:1.36";
        const findings = check(rule, [r], { internalRegistry: "registry.local:5000" });
        assertFinding(findings, rule.name, "a bare name that resolves to Docker Hub; use registry.local:5000/busybox:<version>");
        assert.deepStrictEqual(findings.filter((f) => f.message.includes("192.168.2.2")), []);
        assert.doesNotMatch(rule.remediationSteps, /\d+\.\d+\.\d+\.\d+/);
    });
});
