// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { prometheusUrlFor } from "../../components/monitoring";
import {
    ProgressiveApp, ProgressiveAppArgs, ProgressiveAppArgsError, ProgressiveAppSettings, progressiveAppManifests,
    successCondition, validateProgressiveApp,
} from "../../components/progressive-app";
import { evaluateManifests } from "../../policy/engine";
import { findResource, kubernetesObjects, runProgram } from "../helpers/program-harness";

const URL = prometheusUrlFor("monitoring");
const BASE = { name: "lumen-api", namespace: "lumen", image: "lumen-api:v1.5.3", registry: "192.168.2.2:5000" };
const ROLLOUT = "kubernetes:argoproj.io/v1alpha1:Rollout";
const TEMPLATE = "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate";
const SERVICE = "kubernetes:core/v1:Service";

function settings(extra: Record<string, unknown> = {}): ProgressiveAppSettings {
    const r = validateProgressiveApp({ ...BASE, ...extra });
    assert.deepStrictEqual(r.problems, []);
    return r.settings!;
}

const byKind = (objects: Array<Record<string, any>>, kind: string) => objects.filter((o) => o.kind === kind);

/**
 * What the Pod Security "restricted" level (kubernetes.io/docs/concepts/security/pod-security-standards) refuses
 * in a pod spec: host namespaces and paths, privileged or escalating containers, capabilities beyond
 * NET_BIND_SERVICE, root, and a missing seccomp profile.
 */
function restrictedViolations(pod: Record<string, any>): string[] {
    const problems: string[] = [];
    for (const key of ["hostNetwork", "hostPID", "hostIPC"]) {
        if (pod[key]) problems.push(`pod: ${key}`);
    }
    for (const v of pod.volumes ?? []) {
        if (v.hostPath) problems.push(`volume ${v.name}: hostPath`);
    }
    const podContext = pod.securityContext ?? {};
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
        const sc = c.securityContext ?? {};
        if (sc.privileged) problems.push(`${c.name}: privileged`);
        if (sc.allowPrivilegeEscalation !== false) problems.push(`${c.name}: allowPrivilegeEscalation is not false`);
        if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${c.name}: capabilities.drop does not contain ALL`);
        if ((sc.capabilities?.add ?? []).some((cap: string) => cap !== "NET_BIND_SERVICE")) problems.push(`${c.name}: adds capabilities`);
        if ((sc.runAsNonRoot ?? podContext.runAsNonRoot) !== true) problems.push(`${c.name}: runAsNonRoot is not true (pod or container)`);
        if ((sc.runAsUser ?? podContext.runAsUser) === 0) problems.push(`${c.name}: runs as user 0`);
        if (!["RuntimeDefault", "Localhost"].includes((sc.seccompProfile ?? podContext.seccompProfile)?.type)) {
            problems.push(`${c.name}: seccompProfile is neither RuntimeDefault nor Localhost (pod or container)`);
        }
        if ((c.ports ?? []).some((p: any) => p.hostPort)) problems.push(`${c.name}: hostPort`);
    }
    return problems;
}

/** Every label of `selector` is on `labels` with the same value. */
function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
    return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

const VARIANTS: Array<[string, Record<string, unknown>]> = [
    ["canary (default)", {}],
    ["blue-green", { strategy: "blueGreen" }],
    ["blue-green without ServiceMonitor", { strategy: "blueGreen", serviceMonitor: { enabled: false } }],
    ["canary with HPA and a metrics port", { hpa: { enabled: true }, ports: { metrics: 9100 } }],
    ["canary failing on no data, five weights", { analysis: { noData: "fail" }, canary: { weights: [5, 10, 25, 50, 100] } }],
];

describe("ProgressiveApp", () => {
    describe("objects (pure builders)", () => {
        for (const [title, extra] of VARIANTS) {
            describe(title, () => {
                const objects = progressiveAppManifests(settings(extra), URL);
                const rollout = byKind(objects, "Rollout")[0];
                const podLabels = rollout.spec.template.metadata.labels;

                it("selects its own pods with the Rollout selector", () =>
                    assert.ok(selects(rollout.spec.selector.matchLabels, podLabels)));

                it("gives every Service a selector that matches the Rollout's pod labels", () => {
                    const services = byKind(objects, "Service");
                    assert.ok(services.length >= 2);
                    for (const svc of services) {
                        assert.ok(Object.keys(svc.spec.selector).length > 0, `${svc.metadata.name} has an empty selector`);
                        assert.ok(selects(svc.spec.selector, podLabels), `${svc.metadata.name} selects ${JSON.stringify(svc.spec.selector)}, pods have ${JSON.stringify(podLabels)}`);
                    }
                });

                it("names only Services that exist in its strategy", () => {
                    const names = new Set(byKind(objects, "Service").map((s) => s.metadata.name));
                    const strategy = rollout.spec.strategy.canary ?? rollout.spec.strategy.blueGreen;
                    for (const key of ["stableService", "canaryService", "activeService", "previewService"]) {
                        if (strategy[key] !== undefined) {
                            assert.ok(names.has(strategy[key]), `${key} ${strategy[key]} is not rendered`);
                        }
                    }
                });

                it("passes the policy pack without a mandatory finding", () => {
                    const findings = evaluateManifests(objects.map((object) => ({ object })));
                    assert.deepStrictEqual(findings.filter((f) => f.level === "mandatory").map((f) => `${f.rule}: ${f.message}`), []);
                });

                it("gives every object a fixed name and the app's namespace", () => {
                    for (const o of objects) {
                        assert.match(o.metadata.name, /^lumen-api(-[a-z-]+)?$/);
                        assert.strictEqual(o.metadata.namespace, "lumen");
                    }
                });
            });
        }

        it("has the default canary shape: 20%, analysis, 80%, analysis, 100%", () => {
            const rollout = byKind(progressiveAppManifests(settings(), URL), "Rollout")[0];
            const t = {
                analysis: {
                    templates: [{ templateName: "lumen-api-success-rate" }],
                    args: [{ name: "canary-hash", valueFrom: { podTemplateHashValue: "Latest" } }],
                },
            };
            assert.deepStrictEqual(rollout.spec.strategy.canary.steps, [{ setWeight: 20 }, t, { setWeight: 80 }, t, { setWeight: 100 }]);
            assert.strictEqual(rollout.spec.strategy.canary.stableService, "lumen-api-stable");
            assert.strictEqual(rollout.spec.strategy.canary.canaryService, "lumen-api-canary");
        });

        it("sets revisionHistoryLimit, progressDeadlineSeconds and progressDeadlineAbort, so no advisory fires", () => {
            const objects = progressiveAppManifests(settings(), URL);
            const spec = byKind(objects, "Rollout")[0].spec;
            assert.strictEqual(spec.revisionHistoryLimit, 3);
            assert.strictEqual(spec.progressDeadlineSeconds, 600);
            assert.strictEqual(spec.progressDeadlineAbort, true);
            assert.deepStrictEqual(evaluateManifests(objects.map((object) => ({ object }))), []);
        });

        it("pulls the pinned image from the internal registry", () => {
            const c = byKind(progressiveAppManifests(settings(), URL), "Rollout")[0].spec.template.spec.containers[0];
            assert.strictEqual(c.image, "192.168.2.2:5000/lumen-api:v1.5.3");
        });

        it("queries the monitoring URL passed in, with interval and count together and a strict failureLimit", () => {
            const url = prometheusUrlFor("observability");
            const metric = byKind(progressiveAppManifests(settings(), url), "AnalysisTemplate")[0].spec.metrics[0];
            assert.strictEqual(metric.provider.prometheus.address, url);
            assert.strictEqual(metric.interval, "1m");
            assert.strictEqual(metric.count, 5);
            assert.strictEqual(metric.failureLimit, 1);
            assert.match(metric.provider.prometheus.query, /namespace="lumen",app="lumen-api",rollouts_pod_template_hash="\{\{args\.canary-hash\}\}",status!~"5\.\."/);
        });

        it("judges the canary by its own pods: every analysis passes the newest pod-template hash, which the query selects", () => {
            for (const extra of [{}, { strategy: "blueGreen", blueGreen: { postPromotionAnalysis: true } }]) {
                const objects = progressiveAppManifests(settings(extra), URL);
                const template = byKind(objects, "AnalysisTemplate")[0];
                assert.deepStrictEqual(template.spec.args, [{ name: "canary-hash" }]);
                const query: string = template.spec.metrics[0].provider.prometheus.query;
                // Both sides of the ratio: a mixed denominator would dilute the canary's errors with stable traffic.
                assert.strictEqual(query.split('rollouts_pod_template_hash="{{args.canary-hash}}"').length - 1, 2, query);
                const strategy = byKind(objects, "Rollout")[0].spec.strategy;
                const uses = strategy.canary
                    ? strategy.canary.steps.filter((step: any) => step.analysis).map((step: any) => step.analysis)
                    : [strategy.blueGreen.prePromotionAnalysis, strategy.blueGreen.postPromotionAnalysis];
                assert.ok(uses.length >= 2, JSON.stringify(extra));
                for (const use of uses) {
                    assert.deepStrictEqual(use.args, [{ name: "canary-hash", valueFrom: { podTemplateHashValue: "Latest" } }]);
                }
                // The ServiceMonitor copies the controller's pod label onto the series the query selects.
                assert.deepStrictEqual(byKind(objects, "ServiceMonitor")[0].spec.podTargetLabels, ["app", "rollouts-pod-template-hash"]);
            }
        });

        it("guards the empty result and NaN in the success condition", () => {
            assert.strictEqual(successCondition({ noData: "pass", successRate: 0.95 }), "len(result) == 0 || isNaN(result[0]) || result[0] >= 0.95");
            assert.strictEqual(successCondition({ noData: "fail", successRate: 0.99 }), "len(result) > 0 && !isNaN(result[0]) && result[0] >= 0.99");
        });

        it("points the HPA at the Rollout and leaves replicas to it", () => {
            const objects = progressiveAppManifests(settings({ hpa: { enabled: true, minReplicas: 3, maxReplicas: 6 } }), URL);
            const hpa = byKind(objects, "HorizontalPodAutoscaler")[0];
            assert.deepStrictEqual(hpa.spec.scaleTargetRef, { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "lumen-api" });
            assert.strictEqual(byKind(objects, "Rollout")[0].spec.replicas, undefined);
            assert.strictEqual(byKind(progressiveAppManifests(settings(), URL), "HorizontalPodAutoscaler").length, 0);
        });

        it("scrapes through exactly one Service that selects every pod", () => {
            for (const extra of [{}, { strategy: "blueGreen" }]) {
                const objects = progressiveAppManifests(settings(extra), URL);
                const monitor = byKind(objects, "ServiceMonitor")[0];
                assert.strictEqual(monitor.metadata.labels.release, "kube-prometheus-stack");
                const scraped = byKind(objects, "Service").filter((s) => selects(monitor.spec.selector.matchLabels, s.metadata.labels));
                assert.strictEqual(scraped.length, 1, JSON.stringify(extra));
                assert.deepStrictEqual(scraped[0].spec.selector, { app: "lumen-api" });
            }
        });

        it("lets Prometheus's namespace reach the metrics port and keeps the HTTP port open", () => {
            const netpol = byKind(progressiveAppManifests(settings({ ports: { metrics: 9100 } }), prometheusUrlFor("observability")), "NetworkPolicy")[0];
            assert.deepStrictEqual(netpol.spec.ingress[0].from[0].namespaceSelector.matchLabels, { "kubernetes.io/metadata.name": "observability" });
            assert.deepStrictEqual(netpol.spec.ingress[0].ports, [{ protocol: "TCP", port: 9100 }]);
            assert.deepStrictEqual(netpol.spec.ingress[1], { ports: [{ protocol: "TCP", port: 8080 }] });
        });

        it("builds the same objects every time", () =>
            assert.strictEqual(JSON.stringify(progressiveAppManifests(settings(), URL)), JSON.stringify(progressiveAppManifests(settings(), URL))));

        it("runs pods that the Pod Security 'restricted' level admits, in every variant", () => {
            for (const [title, extra] of VARIANTS) {
                const pod = byKind(progressiveAppManifests(settings(extra), URL), "Rollout")[0].spec.template.spec;
                assert.deepStrictEqual(restrictedViolations(pod), [], title);
            }
            assert.deepStrictEqual(restrictedViolations({ containers: [{ name: "c", securityContext: { runAsUser: 0 } }] }), [
                "c: allowPrivilegeEscalation is not false",
                "c: capabilities.drop does not contain ALL",
                "c: runAsNonRoot is not true (pod or container)",
                "c: runs as user 0",
                "c: seccompProfile is neither RuntimeDefault nor Localhost (pod or container)",
            ], "the checker itself finds a root container");
        });
    });

    describe("argument validation", () => {
        const BAD: Array<{ title: string; args: Record<string, unknown>; key: string; says: RegExp }> = [
            { title: "weights that go down", args: { canary: { weights: [20, 10, 100] } }, key: "canary.weights[1]", says: /must increase/ },
            { title: "a last weight below 100", args: { canary: { weights: [20, 80] } }, key: "canary.weights[1]", says: /must be 100/ },
            { title: "a single weight (no analysis before 100%)", args: { canary: { weights: [100] } }, key: "canary.weights", says: /at least two weights/ },
            { title: "a weight above 100", args: { canary: { weights: [20, 120] } }, key: "canary.weights[1]", says: /between 1 and 100/ },
            { title: "a fractional weight", args: { canary: { weights: [20.5, 100] } }, key: "canary.weights[0]", says: /whole percentage/ },
            { title: "the latest tag", args: { image: "lumen-api:latest" }, key: "image", says: /floating tag 'latest'/ },
            { title: "an untagged image", args: { image: "lumen-api" }, key: "image", says: /no tag/ },
            { title: "an image from Docker Hub", args: { image: "docker.io/library/nginx:1.27" }, key: "image", says: /internal registry 192\.168\.2\.2:5000/ },
            { title: "a failureLimit that can never fail", args: { analysis: { count: 5, failureLimit: 5 } }, key: "analysis.failureLimit", says: /can never fail/ },
            { title: "a lenient failureLimit (3 of 5)", args: { analysis: { count: 5, failureLimit: 3 } }, key: "analysis.failureLimit", says: /4 of 5 measurements.*at most 2/ },
            { title: "a negative failureLimit", args: { analysis: { failureLimit: -1 } }, key: "analysis.failureLimit", says: /0 or more/ },
            { title: "a count of zero (runs indefinitely)", args: { analysis: { count: 0 } }, key: "analysis.count", says: /1 or more/ },
            { title: "an interval that is not a duration", args: { analysis: { interval: "1 minute" } }, key: "analysis.interval", says: /Go duration/ },
            { title: "a success rate given in percent", args: { analysis: { successRate: 95 } }, key: "analysis.successRate", says: /ratio, not a percentage/ },
            { title: "an unknown noData mode", args: { analysis: { noData: "ignore" } }, key: "analysis.noData", says: /pass or fail/ },
            { title: "an empty query", args: { analysis: { query: "  " } }, key: "analysis.query", says: /must not be empty/ },
            { title: "an unknown strategy", args: { strategy: "rolling" }, key: "strategy", says: /canary or blueGreen/ },
            { title: "a blue-green scale-down delay under 30 s", args: { strategy: "blueGreen", blueGreen: { scaleDownDelaySeconds: 5 } }, key: "blueGreen.scaleDownDelaySeconds", says: /30 or more/ },
            { title: "an HPA whose minimum exceeds its maximum", args: { hpa: { enabled: true, minReplicas: 6, maxReplicas: 3 } }, key: "hpa.minReplicas", says: /above hpa\.maxReplicas/ },
            { title: "an HPA without a CPU request", args: { hpa: { enabled: true }, resources: { requests: { memory: "64Mi" } } }, key: "resources.requests.cpu", says: /required while hpa\.enabled/ },
            { title: "a progress deadline not above minReadySeconds", args: { minReadySeconds: 60, progressDeadlineSeconds: 60 }, key: "progressDeadlineSeconds", says: /greater than minReadySeconds/ },
            { title: "zero replicas", args: { replicas: 0 }, key: "replicas", says: /1 or more/ },
            { title: "a port out of range", args: { ports: { http: 70000 } }, key: "ports.http", says: /between 1 and 65535/ },
            { title: "a metrics port equal to the HTTP port", args: { ports: { http: 8080, metrics: 8080 } }, key: "ports.metrics", says: /leave it unset/ },
            { title: "a name that starts with a digit", args: { name: "1lumen" }, key: "name", says: /DNS-1035/ },
            { title: "a name too long for '-preview'", args: { name: `a${"b".repeat(55)}` }, key: "name", says: /at most 55/ },
            { title: "a namespace with capitals", args: { namespace: "Lumen" }, key: "namespace", says: /DNS label/ },
            { title: "a memory request that is not a quantity", args: { resources: { requests: { memory: "lots" } } }, key: "resources.requests.memory", says: /quantity/ },
            { title: "a misspelt analysis knob", args: { analysis: { failurelimit: 1 } }, key: "analysis.failurelimit", says: /unknown setting/ },
            { title: "a metrics path without a slash", args: { metricsPath: "metrics" }, key: "metricsPath", says: /absolute URL path/ },
        ];
        for (const c of BAD) {
            it(`rejects ${c.title}, naming ${c.key}`, () => {
                const { settings: s, problems } = validateProgressiveApp({ ...BASE, ...c.args });
                assert.strictEqual(s, undefined);
                const found = problems.find((p) => p.key === c.key);
                assert.ok(found, `no problem for ${c.key}; got ${JSON.stringify(problems)}`);
                assert.match(found!.message, c.says);
            });
        }

        it("reports every problem of the arguments at once", () => {
            const { problems } = validateProgressiveApp({ ...BASE, image: "lumen-api:latest", canary: { weights: [20, 10, 100] }, analysis: { failureLimit: 3 } });
            assert.deepStrictEqual(problems.map((p) => p.key).sort(), ["analysis.failureLimit", "canary.weights[1]", "image"]);
        });

        it("accepts the largest failureLimit that still fails a mostly failing canary", () => {
            assert.deepStrictEqual(validateProgressiveApp({ ...BASE, analysis: { count: 5, failureLimit: 2 } }).problems, []);
            assert.deepStrictEqual(validateProgressiveApp({ ...BASE, analysis: { count: 4, failureLimit: 1 } }).problems, []);
            assert.strictEqual(validateProgressiveApp({ ...BASE, analysis: { count: 4, failureLimit: 2 } }).problems[0]?.key, "analysis.failureLimit");
            assert.deepStrictEqual(validateProgressiveApp({ ...BASE, analysis: { count: 1, failureLimit: 0 } }).problems, []);
        });
    });

    describe("component (mocks)", () => {
        const args = (extra: Partial<ProgressiveAppArgs> = {}): ProgressiveAppArgs => ({ ...BASE, prometheusUrl: URL, ...extra });

        it("registers the Rollout, three Services, the template, ServiceMonitor and NetworkPolicy under itself", async () => {
            const run = await runProgram(() => { new ProgressiveApp("lumen", args()); });
            assert.ifError(run.error);
            const component = findResource(run, "airgap:index:ProgressiveApp", "lumen");
            const children = run.resources.filter((r) => r.parent === component.urn).map((r) => `${r.type.split(":").pop()}/${r.name}`).sort();
            assert.deepStrictEqual(children, [
                "AnalysisTemplate/lumen-analysis", "NetworkPolicy/lumen-netpol", "Rollout/lumen-rollout",
                "Service/lumen-canary", "Service/lumen-main", "Service/lumen-stable", "ServiceMonitor/lumen-monitor",
            ]);
        });

        it("registers exactly the objects the pure builders describe", async () => {
            const run = await runProgram(() => { new ProgressiveApp("lumen", args({ hpa: { enabled: true } })); });
            assert.ifError(run.error);
            const sort = (list: Array<Record<string, any>>) => [...list].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
            const expected = JSON.parse(JSON.stringify(progressiveAppManifests(settings({ hpa: { enabled: true } }), URL)));
            assert.deepStrictEqual(sort(kubernetesObjects(run)), sort(expected));
        });

        it("gives the AnalysisTemplate the monitoring URL passed in, also as an Output", async () => {
            const url = prometheusUrlFor("observability");
            const run = await runProgram(() => { new ProgressiveApp("lumen", args({ prometheusUrl: pulumi.output(url) })); });
            assert.ifError(run.error);
            const template = findResource(run, TEMPLATE, "lumen-analysis");
            assert.strictEqual(template.inputs.spec.metrics[0].provider.prometheus.address, url);
        });

        it("makes the Rollout wait for its Services and template", async () => {
            const run = await runProgram(() => { new ProgressiveApp("lumen", args()); });
            const rollout = findResource(run, ROLLOUT, "lumen-rollout");
            for (const name of ["lumen-main", "lumen-stable", "lumen-canary"]) {
                assert.ok(rollout.dependencies.includes(findResource(run, SERVICE, name).urn), name);
            }
            assert.ok(rollout.dependencies.includes(findResource(run, TEMPLATE, "lumen-analysis").urn));
        });

        it("rejects bad arguments by key before creating any child", async () => {
            const run = await runProgram(() => {
                new ProgressiveApp("lumen", args({ image: "lumen-api:latest", canary: { weights: [20, 10, 100] }, prometheusUrl: "http://192.168.2.2:30090" }));
            });
            assert.ok(run.error instanceof ProgressiveAppArgsError, `expected ProgressiveAppArgsError, got ${run.error}`);
            const keys = (run.error as ProgressiveAppArgsError).problems.map((p) => p.key).sort();
            assert.deepStrictEqual(keys, ["canary.weights[1]", "image", "prometheusUrl"]);
            assert.match(run.error!.message, /canary\.weights\[1\]: is 10, not above 20/);
            assert.deepStrictEqual(run.resources.filter((r) => r.type.startsWith("kubernetes:")), []);
        });
    });
});
