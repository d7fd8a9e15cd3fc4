// Copyright 2026, airgap-platform authors.
//
// Bad resources, one change each to a compliant platform set, run through the whole pack. Each case
// names the rule that must fire, a substring of its message and the object it fires on.

import * as assert from "assert";
import * as fx from "./fixtures";
import { assertFinding, assertNoMandatory, lint } from "./helpers";

/** A compliant set: the lumen app, a blueGreen app, workloads, an HPA, Argo CD objects. */
function baseSet() {
    const [bg, bgActive, bgPreview] = fx.blueGreen();
    const statefulSet = fx.deployment("cache");
    statefulSet.kind = "StatefulSet";
    const daemonSet = fx.deployment("agent");
    daemonSet.kind = "DaemonSet";
    const job = fx.deployment("migrate");
    job.apiVersion = "batch/v1";
    job.kind = "Job";
    delete job.spec.selector;
    return {
        rollout: fx.rollout(),
        services: fx.services(),
        template: fx.analysisTemplate(),
        bg, bgActive, bgPreview,
        deployment: fx.deployment(),
        statefulSet, daemonSet, job,
        cronJob: fx.cronJob(),
        hpa: fx.hpa(),
        argoApp: fx.argoRolloutsApplication(),
        lumenApp: fx.lumenApplication(),
        project: fx.appProject(),
        chartApp: fx.chartApplication(),
    };
}
type Base = ReturnType<typeof baseSet>;

function objectsOf(b: Base): unknown[] {
    const { services, ...rest } = b;
    return [...Object.values(rest), ...services];
}

interface Case {
    readonly title: string;
    readonly change: (b: Base) => void;
    readonly rule: string;
    readonly message: string;
    readonly on: string;
}

const steps = (b: Base) => b.rollout.spec.strategy.canary.steps;
const metric = (b: Base) => b.template.spec.metrics[0];

const cases: Case[] = [
    // Rollout shape
    { title: "Rollout without strategy", change: (b) => { b.rollout.spec.strategy = {}; }, rule: "rollout-enforce-single-strategy", message: "sets neither canary nor blueGreen", on: "Rollout/lumen-api" },
    { title: "Rollout with both strategies", change: (b) => { b.rollout.spec.strategy.blueGreen = { activeService: "x", previewService: "y" }; }, rule: "rollout-enforce-single-strategy", message: "Multiple Strategies can not be listed", on: "Rollout/lumen-api" },
    { title: "canary without stableService", change: (b) => { delete b.rollout.spec.strategy.canary.stableService; }, rule: "rollout-enforce-strategy-services", message: "spec.strategy.canary.stableService is not set", on: "Rollout/lumen-api" },
    { title: "canary with one Service twice", change: (b) => { b.rollout.spec.strategy.canary.stableService = "lumen-api-canary"; }, rule: "rollout-enforce-strategy-services", message: "both name Service \"lumen-api-canary\"", on: "Rollout/lumen-api" },
    { title: "blueGreen without activeService", change: (b) => { delete b.bg.spec.strategy.blueGreen.activeService; }, rule: "rollout-enforce-strategy-services", message: "spec.strategy.blueGreen.activeService is not set", on: "Rollout/lumen-web" },
    { title: "step with setWeight and analysis", change: (b) => { steps(b)[0].analysis = { templates: [{ templateName: "success-rate" }] }; }, rule: "rollout-enforce-single-step-kind", message: "steps[0] combines setWeight and analysis", on: "Rollout/lumen-api" },
    { title: "empty step", change: (b) => { steps(b).splice(1, 0, {}); }, rule: "rollout-enforce-single-step-kind", message: "steps[1] is empty", on: "Rollout/lumen-api" },
    { title: "misspelled step", change: (b) => { steps(b)[2] = { setWieght: 80 }; }, rule: "rollout-enforce-single-step-kind", message: "unknown field \"setWieght\"", on: "Rollout/lumen-api" },
    { title: "weight above 100", change: (b) => { steps(b)[4].setWeight = 150; }, rule: "rollout-enforce-weight-progression", message: "SetWeight needs to be between 0 and 100", on: "Rollout/lumen-api" },
    { title: "weight going down", change: (b) => { steps(b)[2].setWeight = 5; }, rule: "rollout-enforce-weight-progression", message: "steps[2].setWeight is 5, lower than 20", on: "Rollout/lumen-api" },
    { title: "last weight below 100", change: (b) => { steps(b)[4].setWeight = 90; }, rule: "rollout-enforce-weight-progression", message: "the last setWeight (steps[4]) is 90", on: "Rollout/lumen-api" },
    { title: "weight as a percent string", change: (b) => { steps(b)[0].setWeight = "20%"; }, rule: "rollout-enforce-weight-progression", message: "steps[0].setWeight is \"20%\"; it must be an integer percentage", on: "Rollout/lumen-api" },
    { title: "canary without analysis gate", change: (b) => { b.rollout.spec.strategy.canary.steps = [{ setWeight: 20 }, { pause: { duration: "10m" } }, { setWeight: 100 }]; }, rule: "rollout-enforce-analysis-gate", message: "has no analysis gate", on: "Rollout/lumen-api" },
    { title: "selector not matching pod labels", change: (b) => { b.rollout.spec.template.metadata.labels.app = "lumen"; }, rule: "rollout-enforce-controller-validation", message: "does not match the pod template label app=\"lumen\"", on: "Rollout/lumen-api" },
    { title: "Rollout without selector", change: (b) => { delete b.rollout.spec.selector; }, rule: "rollout-enforce-controller-validation", message: "Rollout has missing field '.spec.selector'", on: "Rollout/lumen-api" },
    { title: "setCanaryScale without traffic routing", change: (b) => { steps(b).splice(1, 0, { setCanaryScale: { replicas: 1 } }); }, rule: "rollout-enforce-controller-validation", message: "setCanaryScale needs trafficRouting", on: "Rollout/lumen-api" },
    { title: "negative pause duration", change: (b) => { steps(b).splice(1, 0, { pause: { duration: "-5m" } }); }, rule: "rollout-enforce-controller-validation", message: "Duration needs to be greater than 0", on: "Rollout/lumen-api" },
    // References
    { title: "missing AnalysisTemplate", change: (b) => { b.template.metadata.name = "success-ratio"; }, rule: "rollout-enforce-template-references", message: "names AnalysisTemplate \"success-rate\", which is not in namespace \"lumen\"", on: "Rollout/lumen-api" },
    { title: "clusterScope without ClusterAnalysisTemplate", change: (b) => { steps(b)[1].analysis.templates[0].clusterScope = true; }, rule: "rollout-enforce-template-references", message: "names ClusterAnalysisTemplate \"success-rate\" (clusterScope: true)", on: "Rollout/lumen-api" },
    { title: "missing stable Service", change: (b) => { b.services[1].metadata.name = "lumen-api-main"; }, rule: "rollout-enforce-service-selection", message: "stableService names Service \"lumen-api-stable\", which is not in namespace \"lumen\"", on: "Rollout/lumen-api" },
    { title: "canary Service selecting other pods", change: (b) => { b.services[2].spec.selector = { app: "lumen-api", track: "canary" }; }, rule: "rollout-enforce-service-selection", message: "selector track=\"canary\" is not a label of the Rollout's pod template", on: "Rollout/lumen-api" },
    { title: "Service managed by another Rollout", change: (b) => { b.services[2].metadata.annotations = { "argo-rollouts.argoproj.io/managed-by-rollouts": "other" }; }, rule: "rollout-enforce-service-selection", message: "managed by Rollout \"other\"", on: "Rollout/lumen-api" },
    // AnalysisTemplate
    { title: "interval without count in a step template", change: (b) => { delete metric(b).count; }, rule: "analysistemplate-disallow-indefinite-metric", message: "has interval but no count, so it runs indefinitely", on: "AnalysisTemplate/success-rate" },
    { title: "failureLimit not set", change: (b) => { delete metric(b).failureLimit; }, rule: "analysistemplate-enforce-failure-limit", message: "is not set, so it defaults to 0", on: "AnalysisTemplate/success-rate" },
    { title: "failureLimit equal to count", change: (b) => { metric(b).failureLimit = 5; }, rule: "analysistemplate-enforce-failure-limit", message: "so this metric can never fail", on: "AnalysisTemplate/success-rate" },
    { title: "failureLimit -1 alone", change: (b) => { metric(b).failureLimit = -1; }, rule: "analysistemplate-enforce-failure-limit", message: "failureLimit and consecutiveSuccessLimit cannot both be disabled", on: "AnalysisTemplate/success-rate" },
    { title: "duplicate metric name", change: (b) => { b.template.spec.metrics.push(structuredClone(metric(b))); }, rule: "analysistemplate-enforce-metric-limits", message: "\"success-rate\" is used twice", on: "AnalysisTemplate/success-rate" },
    { title: "interval that is not a duration", change: (b) => { metric(b).interval = "60"; }, rule: "analysistemplate-enforce-metric-limits", message: "interval (metric \"success-rate\") is \"60\", not a duration", on: "AnalysisTemplate/success-rate" },
    { title: "two providers", change: (b) => { metric(b).provider.job = { spec: {} }; }, rule: "analysistemplate-enforce-metric-limits", message: "multiple providers specified", on: "AnalysisTemplate/success-rate" },
    { title: "condition that does not parse", change: (b) => { metric(b).successCondition = "len(result) == 0 || result[0] >= 0.95)"; }, rule: "analysistemplate-enforce-condition-syntax", message: "does not parse: unexpected token \")\"", on: "AnalysisTemplate/success-rate" },
    { title: "condition with an unknown name", change: (b) => { metric(b).successCondition = "len(result) == 0 || result[0] >= threshold"; }, rule: "analysistemplate-enforce-condition-syntax", message: "uses \"threshold\", which the controller does not define", on: "AnalysisTemplate/success-rate" },
    { title: "metric without condition", change: (b) => { delete metric(b).successCondition; }, rule: "analysistemplate-enforce-condition-syntax", message: "counts every measurement as Successful", on: "AnalysisTemplate/success-rate" },
    { title: "unguarded empty result", change: (b) => { metric(b).successCondition = "result[0] >= 0.95"; }, rule: "analysistemplate-enforce-empty-result-guard", message: "reads result[...] without first testing len(result)", on: "AnalysisTemplate/success-rate" },
    { title: "Prometheus through a NodePort", change: (b) => { metric(b).provider.prometheus.address = "http://192.168.2.2:30090"; }, rule: "analysistemplate-enforce-prometheus-address", message: "which is not an in-cluster Service URL", on: "AnalysisTemplate/success-rate" },
    { title: "another Prometheus than the platform's", change: (b) => { metric(b).provider.prometheus.address = "http://prometheus.monitoring.svc:9090"; }, rule: "analysistemplate-enforce-prometheus-address", message: "use the platform's Prometheus", on: "AnalysisTemplate/success-rate" },
    // Images
    { title: "Rollout image on latest", change: (b) => { b.rollout.spec.template.spec.containers[0].image = "192.168.2.2:5000/lumen-api:latest"; }, rule: "workload-enforce-internal-image", message: "uses the mutable tag \"latest\"", on: "Rollout/lumen-api" },
    { title: "Deployment image from Docker Hub", change: (b) => { b.deployment.spec.template.spec.containers[0].image = "docker.io/library/redis:7.2"; }, rule: "workload-enforce-internal-image", message: "from registry \"docker.io\", not the internal registry", on: "Deployment/worker" },
    { title: "CronJob image with a bare name", change: (b) => { b.cronJob.spec.jobTemplate.spec.template.spec.containers[0].image = "alpine:3.20"; }, rule: "workload-enforce-internal-image", message: "a bare name that resolves to Docker Hub", on: "CronJob/report" },
    { title: "StatefulSet image without tag", change: (b) => { b.statefulSet.spec.template.spec.containers[0].image = "192.168.2.2:5000/cache"; }, rule: "workload-enforce-internal-image", message: "without a tag, which means latest", on: "StatefulSet/cache" },
    { title: "DaemonSet image from quay.io", change: (b) => { b.daemonSet.spec.template.spec.containers[0].image = "quay.io/prometheus/node-exporter:v1.12.1"; }, rule: "workload-enforce-internal-image", message: "from registry \"quay.io\"", on: "DaemonSet/agent" },
    { title: "Job init container from ghcr.io", change: (b) => { b.job.spec.template.spec.initContainers = [{ name: "wait", image: "ghcr.io/groundnuty/k8s-wait-for:v2.0" }]; }, rule: "workload-enforce-internal-image", message: "initContainers[0].image (container \"wait\")", on: "Job/migrate" },
    // HPA
    { title: "HPA on the replaced Deployment", change: (b) => { b.hpa.spec.scaleTargetRef = { apiVersion: "apps/v1", kind: "Deployment", name: "lumen-api" }; }, rule: "horizontalpodautoscaler-enforce-rollout-target", message: "but \"lumen-api\" is a Rollout", on: "HorizontalPodAutoscaler/lumen-api" },
    { title: "HPA on a Rollout with the wrong apiVersion", change: (b) => { b.hpa.spec.scaleTargetRef.apiVersion = "argoproj.io/v1"; }, rule: "horizontalpodautoscaler-enforce-rollout-target", message: "with apiVersion \"argoproj.io/v1\"", on: "HorizontalPodAutoscaler/lumen-api" },
    // Argo CD
    { title: "Application in the default project", change: (b) => { b.lumenApp.spec.project = "default"; }, rule: "application-disallow-default-project", message: "spec.project is \"default\"", on: "Application/lumen-app" },
    { title: "Application from GitHub", change: (b) => { b.lumenApp.spec.source.repoURL = "https://github.com/myorg/k8s-manifests.git"; }, rule: "application-enforce-internal-repo", message: "which is not an internal repository", on: "Application/lumen-app" },
    { title: "AppProject allowing every repository", change: (b) => { b.project.spec.sourceRepos = ["*"]; }, rule: "application-enforce-internal-repo", message: "which allows any repository", on: "AppProject/platform" },
    { title: "chart on a version range", change: (b) => { b.chartApp.spec.source.targetRevision = "^6.7.0"; }, rule: "application-enforce-fixed-chart-version", message: "is \"^6.7.0\" for chart \"podinfo\", which is not one fixed version", on: "Application/podinfo" },
    { title: "lumen-app syncing with the CRD installer", change: (b) => { b.lumenApp.metadata.annotations["argocd.argoproj.io/sync-wave"] = "2"; b.lumenApp.spec.syncPolicy.syncOptions = []; }, rule: "application-enforce-crd-sync-order", message: "but syncs in wave 2", on: "Application/lumen-app" },
    { title: "CRD installer not ignoring CRD fields", change: (b) => { delete b.argoApp.spec.ignoreDifferences; }, rule: "application-enforce-crd-ignore-differences", message: "does not ignore /spec/preserveUnknownFields and /status", on: "Application/argo-rollouts" },
    { title: "CRD installer without RespectIgnoreDifferences", change: (b) => { b.argoApp.spec.syncPolicy.syncOptions = ["CreateNamespace=true"]; }, rule: "application-enforce-crd-ignore-differences", message: "lacks RespectIgnoreDifferences=true", on: "Application/argo-rollouts" },
];

describe("bad resources", () => {
    it("start from a set that passes every mandatory rule", () => {
        assertNoMandatory(lint(objectsOf(baseSet())));
    });

    it(`cover at least 40 cases (${cases.length})`, () => {
        assert.ok(cases.length >= 40);
    });

    for (const c of cases) {
        it(`${c.title}: ${c.rule}`, () => {
            const b = baseSet();
            c.change(b);
            const [kind, name] = c.on.split("/");
            const finding = assertFinding(lint(objectsOf(b)), c.rule, c.message, { kind, name });
            assert.strictEqual(finding.level, "mandatory");
        });
    }
});
