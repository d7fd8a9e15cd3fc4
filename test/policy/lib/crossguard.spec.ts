// Copyright 2026, airgap-platform authors.
//
// The rules as CrossGuard policies: the same arguments the Pulumi engine passes (props behind the
// unknown-checking proxy, getConfig, a throwing notApplicable), in preview and in update.

import * as assert from "assert";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../../policy/policies";
import * as fx from "../fixtures";
import { k8s, resourceArgs, runResourcePolicy, runStackPolicy, stackArgs, UNKNOWN_STRING } from "../helpers";

function resourcePolicy(name: string): ResourceValidationPolicy {
    const policy = policies.find((p) => p.name === name);
    assert.ok(policy !== undefined && "validateResource" in policy, `${name} is a resource policy`);
    return policy as ResourceValidationPolicy;
}

function stackPolicy(name: string): StackValidationPolicy {
    const policy = policies.find((p) => p.name === name);
    assert.ok(policy !== undefined && "validateStack" in policy, `${name} is a stack policy`);
    return policy as StackValidationPolicy;
}

describe("CrossGuard policies", () => {
    describe("resource policies", () => {
        it("pass the seed's Rollout and template", async () => {
            for (const policy of policies.filter((p): p is ResourceValidationPolicy => "validateResource" in p && p.enforcementLevel === "mandatory")) {
                for (const object of [fx.rollout(), fx.analysisTemplate()]) {
                    const run = await runResourcePolicy(policy, resourceArgs(object));
                    assert.deepStrictEqual(run.violations, [], policy.name);
                }
            }
        });

        it("report a violation with the rule's message", async () => {
            const d = fx.deployment();
            d.spec.template.spec.containers[0].image = "nginx:latest";
            const run = await runResourcePolicy(resourcePolicy("workload-enforce-internal-image"), resourceArgs(d));
            assert.strictEqual(run.violations.length, 1);
            assert.match(run.violations[0].message, /"nginx:latest", a bare name that resolves to Docker Hub/);
        });

        it("read the policy's config properties", async () => {
            const run = await runResourcePolicy(resourcePolicy("workload-enforce-internal-image"), resourceArgs(fx.deployment(), { internalRegistry: "registry.airgap.local:5000" }));
            assert.match(run.violations[0].message, /not the internal registry; mirror it and use registry.airgap.local:5000\/worker/);
        });

        it("mark resources of other kinds as not applicable", async () => {
            const run = await runResourcePolicy(resourcePolicy("rollout-enforce-single-strategy"), resourceArgs(fx.services()[0]));
            assert.match(run.notApplicable ?? "", /only checks argoproj.io\/Rollout/);
        });

        it("skip values that are unknown during preview instead of failing", async () => {
            const r = fx.rollout();
            r.spec.template.spec.containers[0].image = UNKNOWN_STRING;
            r.spec.strategy.canary.canaryService = UNKNOWN_STRING;
            for (const name of ["workload-enforce-internal-image", "rollout-enforce-strategy-services", "rollout-enforce-single-strategy"]) {
                const run = await runResourcePolicy(resourcePolicy(name), resourceArgs(r));
                assert.deepStrictEqual(run.violations, [], name);
            }
        });

        it("still report what is known during preview", async () => {
            const r = fx.rollout();
            r.spec.template.spec.containers[0].image = UNKNOWN_STRING;
            r.spec.strategy.canary.steps[0].setWeight = 120;
            const run = await runResourcePolicy(resourcePolicy("rollout-enforce-weight-progression"), resourceArgs(r));
            assert.match(run.violations[0]?.message ?? "", /setWeight is 120/);
        });
    });

    describe("stack policies", () => {
        it("report cross-resource violations against the resource's URN", async () => {
            const run = await runStackPolicy(stackPolicy("rollout-enforce-template-references"), stackArgs([k8s(fx.rollout())]));
            assert.strictEqual(run.violations.length, 2);
            assert.match(run.violations[0].urn ?? "", /kubernetes:argoproj.io\/v1alpha1:Rollout::lumen-api$/);
        });

        it("pass a stack that holds the Rollout, its Services and its template", async () => {
            const resources = fx.lumenApp().map((o) => k8s(o));
            for (const name of ["rollout-enforce-template-references", "rollout-enforce-service-selection", "analysistemplate-disallow-indefinite-metric"]) {
                assert.deepStrictEqual((await runStackPolicy(stackPolicy(name), stackArgs(resources))).violations, [], name);
            }
        });

        it("follow dependencies and parents for the CRD dependency rule", async () => {
            const release = { type: "kubernetes:helm.sh/v3:Release", name: "argo-rollouts", props: { chart: "argo-rollouts" } };
            const policy = stackPolicy("stack-enforce-crd-dependency");
            const bad = await runStackPolicy(policy, stackArgs([release, k8s(fx.rollout())]));
            assert.match(bad.violations[0]?.message ?? "", /does not depend, directly or through its parents, on "argo-rollouts"/);
            const good = await runStackPolicy(policy, stackArgs([release, { type: "airgap:index:App", name: "app", props: {}, dependsOn: ["argo-rollouts"] }, k8s(fx.rollout(), { parent: "app" })]));
            assert.deepStrictEqual(good.violations, []);
        });

        it("do not fail on unknown outputs in a preview stack", async () => {
            const r = fx.rollout();
            r.spec.strategy.canary.stableService = UNKNOWN_STRING;
            const run = await runStackPolicy(stackPolicy("rollout-enforce-service-selection"), stackArgs([k8s(r), ...fx.services().map((s) => k8s(s))]));
            assert.deepStrictEqual(run.violations, []);
        });
    });
});
