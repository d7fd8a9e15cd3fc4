// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import { analysisTemplateEnforceCanarySelection as rule } from "../../../../../policy/argoproj/v1alpha1/AnalysisTemplate";
import * as fx from "../../../fixtures";
import { assertFinding, assertNoFinding, check } from "../../../helpers";

const HASH_ARG = { name: "canary-hash", valueFrom: { podTemplateHashValue: "Latest" } };
const CANARY_QUERY = 'sum(rate(http_requests_total{app="lumen-api",rollouts_pod_template_hash="{{args.canary-hash}}",status!~"5.."}[2m])) / sum(rate(http_requests_total{app="lumen-api",rollouts_pod_template_hash="{{ args.canary-hash }}"}[2m]))';

/** The seed's Rollout with every analysis step handing the template the canary's hash. */
function passingHash(): any {
    const r = fx.rollout();
    for (const step of r.spec.strategy.canary.steps) {
        if (step.analysis) {
            step.analysis.args = [HASH_ARG];
        }
    }
    return r;
}

/** The seed's template, selecting the canary's pods by the hash argument. */
function selectingHash(): any {
    const t = fx.analysisTemplate();
    t.spec.args = [{ name: "canary-hash" }];
    t.spec.metrics[0].provider.prometheus.query = CANARY_QUERY;
    return t;
}

describe(rule.name, () => {
    it("passes a template that selects the hash the Rollout passes (ProgressiveApp's shape)", () => {
        assertNoFinding(check(rule, [passingHash(), ...fx.services(), selectingHash()]));
    });

    it("flags the seed's query over every pod of the app, once per Rollout, as advisory", () => {
        const findings = check(rule, fx.lumenApp());
        assert.strictEqual(findings.length, 1, JSON.stringify(findings));
        const f = assertFinding(findings, rule.name, "Rollout lumen/lumen-api at spec.strategy.canary.steps[1].analysis (step), spec.strategy.canary.steps[3].analysis (step): the Rollout passes no pod-template hash", { kind: "AnalysisTemplate", name: "success-rate" });
        assert.strictEqual(f.level, "advisory");
        assert.match(f.message, /to about 80%/);
    });

    it("flags a hash that is passed but not used by the query", () => {
        assertFinding(check(rule, [passingHash(), fx.analysisTemplate()]), rule.name, "passes the newest pod-template hash as args.canary-hash, but the query does not use it");
    });

    it("flags a query that uses the stable hash only", () => {
        const r = passingHash();
        r.spec.strategy.canary.steps[1].analysis.args = [{ name: "canary-hash", valueFrom: { podTemplateHashValue: "Stable" } }];
        const findings = check(rule, [r, selectingHash()]);
        assertFinding(findings, rule.name, "at spec.strategy.canary.steps[1].analysis (step): the Rollout passes no pod-template hash");
        assert.ok(!findings[0].message.includes("steps[3]"), findings[0].message);
    });

    it("accepts a query that names the canary Service, whose selector the controller narrows to the canary", () => {
        const t = fx.analysisTemplate();
        t.spec.metrics[0].provider.prometheus.query = 'sum(rate(http_requests_total{service="lumen-api-canary",status!~"5.."}[2m])) / sum(rate(http_requests_total{service="lumen-api-canary"}[2m]))';
        assertNoFinding(check(rule, [fx.rollout(), t]));
    });

    it("judges a blue-green pre-promotion analysis by the preview's hash", () => {
        const [r, ...svcs] = fx.blueGreen();
        r.spec.strategy.blueGreen.prePromotionAnalysis = { templates: [{ templateName: "success-rate" }] };
        assertFinding(check(rule, [r, ...svcs, fx.analysisTemplate()]), rule.name, "spec.strategy.blueGreen.prePromotionAnalysis (prePromotion)");
        r.spec.strategy.blueGreen.prePromotionAnalysis.args = [HASH_ARG];
        assertNoFinding(check(rule, [r, ...svcs, selectingHash()]));
    });

    it("follows the args into templates included through spec.templates", () => {
        const outer = fx.analysisTemplate();
        outer.metadata.name = "gate";
        outer.spec = { templates: [{ templateName: "success-rate" }] };
        const r = passingHash();
        r.spec.strategy.canary.steps[1].analysis.templates[0].templateName = "gate";
        assertNoFinding(check(rule, [r, outer, selectingHash()]));
        assertFinding(check(rule, [fx.rollout(), outer, fx.analysisTemplate()]), rule.name, "does not select the pods under analysis", { name: "success-rate" });
    });

    it("says nothing about a template no Rollout of the set uses, or a metric that is not Prometheus", () => {
        assertNoFinding(check(rule, [fx.analysisTemplate()]));
        const t = fx.analysisTemplate();
        t.spec.metrics[0].provider = { web: { url: "http://lumen-api.lumen.svc/health" } };
        assertNoFinding(check(rule, [fx.rollout(), t]));
    });
});
