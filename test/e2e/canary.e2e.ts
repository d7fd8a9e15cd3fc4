// Copyright 2026, airgap-platform authors.
//
// The canary of lumen-api, decided for real: the Argo Rollouts controller v1.9.0 and Prometheus v0.316.0
// (3.16.0), both built from their pinned Go modules, run on 127.0.0.1 against a local kube-apiserver with
// KWOK nodes. The app is rendered by the app stack (apps/lumen, stack canary-e2e) and applied as Argo CD
// applies the folder; releases change the Rollout's image tag. An exporter stands in for the app's pods and
// serves their request counters per pod-template hash, with error ratios each scenario sets; Prometheus
// scrapes it every second; the controller reaches Prometheus at the stack's in-cluster address through a
// proxy that stands in for cluster DNS. Every assertion reads the Rollout, its ReplicaSets and the
// AnalysisRuns from the API server.
//
// Run alone (under the e2e lock; --no-config, since the e2e config's spec list would add every other suite):
//   flock /tmp/airgap-e2e.lock bash -c '. scripts/pulumi-env.sh && npx mocha --no-config -r ts-node/register/transpile-only --extension ts --timeout 0 test/e2e/canary.e2e.ts'

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CANARY_HASH_ARG, POD_TEMPLATE_HASH_LABEL, successCondition } from "../../components/progressive-app";
import { Cluster, sleep, startCluster } from "./harness/cluster";
import { Exporter, startExporter, Traffic } from "./harness/exporter";
import { KubeApi, kubeApi } from "./harness/kube-api";
import { applyAsArgoCd, installServiceMonitorCrd, objectOf, releaseOf, renderLumenApp, RenderedApp, serverSideApplyConflicts } from "./harness/lumen-app";
import { PrometheusServer, startPrometheus } from "./harness/prometheus";
import { installRolloutsCrds, RolloutsController, startRolloutsController } from "./harness/rollouts";
import { ServiceProxy, startServiceProxy } from "./harness/service-proxy";

const STACK = "canary-e2e";
const NS = "lumen";
const NAME = "lumen-api";
const HEALTHY: Traffic = { requestsPerSecond: 10, errorRatio: 0 };
const FAILING: Traffic = { requestsPerSecond: 10, errorRatio: 1 };
const IDLE: Traffic = { requestsPerSecond: 0, errorRatio: 0 };
/** Synthetic pod-template hashes of the analysis-semantics runs (no ReplicaSet has them). */
const SEM = { limit: "sem-limit", idle: "sem-idle", none: "sem-none" };

/** Go duration in seconds (the stack file uses whole seconds). */
const seconds = (d: string) => {
    const m = /^(\d+)s$/.exec(d);
    if (m === null) throw new Error(`expected a duration in whole seconds, got ${d}`);
    return Number(m[1]);
};

describe("canary of lumen-api: the real Argo Rollouts controller, judged by a real Prometheus (e2e)", function () {
    this.timeout(300_000);
    let work: string;
    let cluster: Cluster | undefined;
    let api: KubeApi;
    let app: RenderedApp;
    let exporter: Exporter | undefined;
    let prometheus: PrometheusServer | undefined;
    let proxy: ServiceProxy | undefined;
    let controller: RolloutsController | undefined;
    /** The rendered template's one metric: interval, count, failureLimit and query as the stack file sets them. */
    let metric: any;
    /** Pod-template hash of the stable ReplicaSet, as each scenario leaves it. */
    let stableHash: string;
    const suiteStarted = Date.now();
    const timings: Record<string, number> = {};

    const rolloutPath = `/apis/argoproj.io/v1alpha1/namespaces/${NS}/rollouts/${NAME}`;
    const getRollout = (): Promise<any> => api.get(rolloutPath);
    const replicaSets = async (): Promise<any[]> => (await api.get(`/apis/apps/v1/namespaces/${NS}/replicasets?labelSelector=app%3D${NAME}`)).items;
    const rsOf = (sets: any[], hash: string) => sets.find((rs) => rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === hash);
    const runPath = (name: string) => `/apis/argoproj.io/v1alpha1/namespaces/${NS}/analysisruns/${name}`;
    /** The AnalysisRuns the Rollout started for a pod-template hash, oldest first. */
    const runsOf = async (hash: string): Promise<any[]> => (await api.get(`/apis/argoproj.io/v1alpha1/namespaces/${NS}/analysisruns`)).items
        .filter((r: any) => r.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === hash)
        .sort((a: any, b: any) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) || a.metadata.name.localeCompare(b.metadata.name));
    const measurementsOf = (run: any): any[] => run.status?.metricResults?.[0]?.measurements ?? [];
    const values = (run: any) => measurementsOf(run).map((m: any) => `${m.phase}${m.value === undefined ? "" : ` ${m.value}`}`).join(", ");

    async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
        const end = Date.now() + timeoutMs;
        let last: unknown;
        while (Date.now() < end) {
            try {
                const v = await probe();
                if (v) return v as T;
            } catch (e) {
                last = e;
            }
            await sleep(250);
        }
        const status = await getRollout().then((r) => JSON.stringify(r.status), () => "(unreadable)");
        throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${last})` : ""}\nRollout status: ${status}\ncontroller log:\n${controller?.tailLog(25)}`);
    }

    /** Applies the release of `tag` as Argo CD would and resolves with its pod-template hash, once the controller has one. */
    async function release(tag: string): Promise<string> {
        const before = (await getRollout()).status?.currentPodHash;
        await applyAsArgoCd(cluster!, releaseOf(app, tag, path.join(work, "releases", tag)));
        return until(`the controller to pick up ${tag}`, async () => {
            const hash: string | undefined = (await getRollout()).status?.currentPodHash;
            return hash !== undefined && hash !== before && hash;
        }, 30_000);
    }

    /** Creates an AnalysisRun of the rendered template's metric, changed as given, for a synthetic hash. */
    async function analysisRun(name: string, hash: string, change: Record<string, unknown>): Promise<void> {
        const run = {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "AnalysisRun",
            metadata: { name, namespace: NS },
            spec: { args: [{ name: CANARY_HASH_ARG, value: hash }], metrics: [{ ...metric, ...change }] },
        };
        await cluster!.kubectl(["create", "-f", "-"], { input: JSON.stringify(run) });
    }
    const terminal = async (name: string) => {
        const run = await api.get(runPath(name));
        return ["Successful", "Failed", "Error", "Inconclusive"].includes(run.status?.phase) && run;
    };

    before(async function () {
        this.timeout(600_000);
        work = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-canary-"));
        const t = Date.now();
        // The cluster and the render take the longest and need nothing of each other.
        [cluster, app] = await Promise.all([
            startCluster({ workers: 1 }),
            renderLumenApp(STACK, path.join(work, "rendered")),
        ]);
        timings.clusterAndRender = (Date.now() - t) / 1000;
        timings.render = app.renderSeconds;
        timings.cluster = cluster.timings.total / 1000;
        api = kubeApi(cluster.kubeconfig);
        metric = objectOf(app, "AnalysisTemplate").spec.metrics[0];
        const monitor = objectOf(app, "ServiceMonitor");

        const t2 = Date.now();
        await Promise.all([installRolloutsCrds(cluster), installServiceMonitorCrd(cluster)]);
        exporter = await startExporter({ kube: api, namespace: NS, podTargetLabels: monitor.spec.podTargetLabels, defaultTraffic: HEALTHY });
        // The analysis-semantics runs judge pods of their own; their counters need history before the first measurement.
        exporter.addSyntheticPod("lumen-api-sem-limit", { app: NAME, [POD_TEMPLATE_HASH_LABEL]: SEM.limit });
        exporter.addSyntheticPod("lumen-api-sem-idle", { app: NAME, [POD_TEMPLATE_HASH_LABEL]: SEM.idle });
        exporter.setTraffic(SEM.limit, FAILING);
        exporter.setTraffic(SEM.idle, IDLE);
        prometheus = await startPrometheus({
            targets: [{ job: NAME, target: exporter.target, interval: monitor.spec.endpoints[0].interval, honorLabels: true }],
        });
        const address = new URL(metric.provider.prometheus.address);
        proxy = await startServiceProxy({ [`${address.hostname}:${address.port || "80"}`]: prometheus.port });
        controller = await startRolloutsController({ cluster, httpProxy: proxy.url });
        timings.servers = (Date.now() - t2) / 1000;
        console.log(`      ${controller.version}; ${prometheus.version}; Prometheus for the analyses at ${address.origin} -> ${prometheus.url}`);

        // First sync: Argo CD creates the namespace (CreateNamespace=true) and applies the folder.
        await cluster.kubectl(["create", "namespace", NS]);
        await applyAsArgoCd(cluster, app);
        const r = await until("the first release to be Healthy (a first deploy skips the steps)", async () => {
            const ro = await getRollout();
            return ro.status?.phase === "Healthy" && ro.status.stableRS && ro;
        });
        stableHash = r.status.stableRS;
        timings.setup = (Date.now() - suiteStarted) / 1000;
    });

    let anyFailed = false;
    afterEach(function () {
        anyFailed ||= this.currentTest?.state === "failed";
    });

    after(async () => {
        if (anyFailed && controller) {
            console.log(`--- rollouts-controller log (last 60 lines)\n${controller.tailLog(60)}`);
        }
        await controller?.stop();
        await proxy?.stop();
        await prometheus?.close();
        await exporter?.stop();
        await cluster?.stop();
        if (work && process.env.AIRGAP_E2E_KEEP !== "1") fs.rmSync(work, { recursive: true, force: true });
        timings.suite = (Date.now() - suiteStarted) / 1000;
        console.log(`      timings (s): ${JSON.stringify(timings)}`);
    });

    it("renders the template with the canary's hash: the Rollout passes it, the query selects it, the ServiceMonitor carries it", () => {
        const template = objectOf(app, "AnalysisTemplate");
        assert.deepStrictEqual(template.spec.args, [{ name: CANARY_HASH_ARG }]);
        assert.match(metric.provider.prometheus.query, /rollouts_pod_template_hash="\{\{args\.canary-hash\}\}"/);
        const steps = objectOf(app, "Rollout").spec.strategy.canary.steps;
        for (const step of steps.filter((s: any) => s.analysis)) {
            assert.deepStrictEqual(step.analysis.args, [{ name: CANARY_HASH_ARG, valueFrom: { podTemplateHashValue: "Latest" } }]);
        }
        assert.ok(objectOf(app, "ServiceMonitor").spec.podTargetLabels.includes(POD_TEMPLATE_HASH_LABEL));
        assert.deepStrictEqual([metric.interval, metric.count, metric.failureLimit], ["4s", 4, 1], "the stack file's short intervals");
    });

    it("promotes a healthy release: 20% → analysis Successful → 80% → Successful → 100%, Healthy, the new ReplicaSet stable", async () => {
        const started = Date.now();
        const oldStable = stableHash;
        const hash = await release("v1.5.4");
        const timeline: Array<{ at: number; state: string }> = [];
        const replicasAtStep: Record<number, Set<string>> = {};
        let last = "";
        const r = await until("v1.5.4 to be promoted", async () => {
            const [ro, sets, runs] = await Promise.all([getRollout(), replicaSets(), runsOf(hash)]);
            const canary = rsOf(sets, hash);
            const stable = rsOf(sets, oldStable);
            const step: number = ro.status?.currentStepIndex ?? 0;
            const counts = `canary ${canary?.status?.readyReplicas ?? 0}/${canary?.spec?.replicas ?? 0}, stable ${stable?.status?.readyReplicas ?? 0}/${stable?.spec?.replicas ?? 0}`;
            (replicasAtStep[step] ??= new Set()).add(`${canary?.spec?.replicas ?? 0}+${stable?.spec?.replicas ?? 0}`);
            const state = `step ${step} ${ro.status?.phase}; ${counts}; analyses ${runs.map((a) => `${a.metadata.labels["step-index"]}:${a.status?.phase ?? "Pending"}(${measurementsOf(a).length})`).join(" ") || "-"}`;
            if (state !== last) {
                timeline.push({ at: (Date.now() - started) / 1000, state });
                last = state;
            }
            return ro.status?.phase === "Healthy" && ro.status.stableRS === hash && ro;
        }, 150_000);
        const total = (Date.now() - started) / 1000;
        const configured = 2 * metric.count * seconds(metric.interval);
        console.log(timeline.map((e) => `        +${e.at.toFixed(1).padStart(5)} s  ${e.state}`).join("\n"));
        console.log(`        promoted in ${total.toFixed(1)} s; the two analysis steps are configured for 2 x count ${metric.count} x interval ${metric.interval} = ${configured} s; ratio ${(total / configured).toFixed(2)}`);
        timings.healthyRelease = total;

        // The steps in order, with the canary at 1 of 5 pods during the first analysis and 4 of 5 during the second.
        assert.strictEqual(r.status.currentStepIndex, 5);
        assert.ok([...replicasAtStep[1]].includes("1+4"), `at the first analysis (20%): ${[...replicasAtStep[1]]}`);
        assert.ok([...replicasAtStep[3]].includes("4+1"), `at the second analysis (80%): ${[...replicasAtStep[3]]}`);
        const runs = await runsOf(hash);
        assert.deepStrictEqual(runs.map((a) => [a.metadata.labels["step-index"], a.status.phase]), [["1", "Successful"], ["3", "Successful"]]);
        for (const run of runs) {
            const m = run.status.metricResults[0];
            console.log(`        ${run.metadata.name}: ${values(run)}`);
            assert.deepStrictEqual([m.count, m.failed ?? 0, m.successful], [metric.count, 0, metric.count]);
            // The controller filled in the canary's hash, and Prometheus found the canary's series under it.
            assert.strictEqual(run.spec.args.find((a: any) => a.name === CANARY_HASH_ARG).value, hash);
            assert.ok(measurementsOf(run).some((x) => x.value === "[1]"), `no measurement read the canary's series: ${values(run)}`);
        }
        const sets = await until("the old ReplicaSet to be scaled down", async () => {
            const s = await replicaSets();
            return rsOf(s, oldStable)?.spec.replicas === 0 && s;
        });
        assert.deepStrictEqual([rsOf(sets, hash).spec.replicas, rsOf(sets, hash).status.availableReplicas], [5, 5]);
        stableHash = hash;
    });

    it("syncs client-side, as the platform's Application does: a server-side sync of the folder would fight the controller over the Services' selectors", async () => {
        const servicePath = `/api/v1/namespaces/${NS}/services/${NAME}-stable`;
        // The controller narrows the stable Service to the stable ReplicaSet (on a reconcile after the promotion).
        await until("the stable Service to select the new stable ReplicaSet", async () =>
            (await api.get(servicePath)).spec.selector[POD_TEMPLATE_HASH_LABEL] === stableHash, 60_000);
        const current = releaseOf(app, "v1.5.4", path.join(work, "releases", "v1.5.4"));
        // A Service selector is an atomic map: with ServerSideApply=true, the next sync could only take it back by force.
        const conflicts = await serverSideApplyConflicts(cluster!, current);
        console.log(`        server-side dry run: ${conflicts.split("\n").filter((l) => l.startsWith("Apply failed")).join("; ")}`);
        assert.match(conflicts, /conflict with "argo-rollouts" using v1: \.spec\.selector/);
        // Argo CD's default (client-side) sync of the unchanged folder leaves the controller's selector alone.
        await applyAsArgoCd(cluster!, current);
        assert.strictEqual((await api.get(servicePath)).spec.selector[POD_TEMPLATE_HASH_LABEL], stableHash);
    });

    it("aborts a canary failing only on its own pods: the analysis fails on failed measurement failureLimit + 1, the canary goes to zero, the stable ReplicaSet stays", async () => {
        exporter!.setTraffic(stableHash, HEALTHY);
        exporter!.setDefaultTraffic(FAILING);
        const stableBefore = rsOf(await replicaSets(), stableHash);
        const hash = await release("v1.5.5");
        let stableMin = Number.MAX_SAFE_INTEGER;
        const watchStable = async () => {
            const s = rsOf(await replicaSets(), stableHash);
            stableMin = Math.min(stableMin, s.spec.replicas);
            return s;
        };
        const run = await until("the canary's analysis to fail", async () => {
            await watchStable();
            const [a] = await runsOf(hash);
            return a?.status?.phase === "Failed" && a;
        });
        const failedAt = Date.now();
        const m = run.status.metricResults[0];
        const measured = measurementsOf(run);
        console.log(`        ${run.metadata.name}: ${values(run)}; ${run.status.message ?? ""}`);
        assert.strictEqual(m.phase, "Failed");
        assert.strictEqual(m.failed, metric.failureLimit + 1);
        // The run stops at that failure (before count), and every failure read a ratio of 0: all canary requests failed.
        assert.strictEqual(measured[measured.length - 1].phase, "Failed");
        assert.ok(measured.length <= metric.count);
        for (const x of measured) {
            assert.ok(x.phase === "Failed" ? x.value === "[0]" : x.value === "[]", `a measurement that read stable traffic or a mixed ratio: ${values(run)}`);
        }
        const r = await until("the Rollout to abort and the canary to go to zero", async () => {
            await watchStable();
            const [ro, sets] = await Promise.all([getRollout(), replicaSets()]);
            return ro.status?.abort === true && ro.status.phase === "Degraded" && rsOf(sets, hash)?.spec.replicas === 0 && ro;
        });
        timings.abortToCanaryZero = (Date.now() - failedAt) / 1000;
        console.log(`        aborted: ${r.status.message}; canary at 0 replicas ${timings.abortToCanaryZero.toFixed(1)} s after the run failed; stable ReplicaSet never below ${stableMin} replicas`);
        assert.match(r.status.message, /RolloutAborted/);
        assert.strictEqual(r.status.stableRS, stableHash);
        const stable = await until("the stable ReplicaSet back at full size", async () => {
            const s = await watchStable();
            return s.spec.replicas === 5 && s.status.availableReplicas === 5 && s;
        });
        assert.strictEqual(stable.metadata.uid, stableBefore.metadata.uid, "the stable ReplicaSet was replaced");
        assert.ok(stableMin >= 4, `the stable ReplicaSet went down to ${stableMin} replicas`);
        exporter!.setDefaultTraffic(HEALTHY);
    });

    it("analysis semantics, count 5 and failureLimit 3 (rendered query and condition): three failed measurements still end Successful", async () => {
        const name = "sem-failure-limit";
        // 8 s between measurements: the 4 s rate window and a 1 s scrape forget the errors before the next one.
        await analysisRun(name, SEM.limit, { count: 5, failureLimit: 3, interval: "8s" });
        await until("three failed measurements", async () => {
            const run = await api.get(runPath(name));
            return measurementsOf(run).filter((x) => x.phase === "Failed").length >= 3;
        });
        exporter!.setTraffic(SEM.limit, HEALTHY);
        const run = await until("the run to end", () => terminal(name), 60_000);
        const m = run.status.metricResults[0];
        console.log(`        ${name}: ${values(run)} -> ${run.status.phase}`);
        assert.deepStrictEqual([run.status.phase, m.count, m.failed, m.successful], ["Successful", 5, 3, 2]);
    });

    it("analysis semantics: NaN (no traffic) and an empty result pass under noData: pass and fail under noData: fail; unguarded, they are Inconclusive and Error", async () => {
        const failCondition = successCondition({ noData: "fail", successRate: 0.95 });
        assert.notStrictEqual(failCondition, metric.successCondition);
        const cases: Array<{ name: string; hash: string; change: Record<string, unknown>; value?: string; phase: string }> = [
            { name: "sem-nan-pass", hash: SEM.idle, change: {}, value: "[NaN]", phase: "Successful" },
            { name: "sem-nan-fail", hash: SEM.idle, change: { successCondition: failCondition }, value: "[NaN]", phase: "Failed" },
            { name: "sem-empty-pass", hash: SEM.none, change: {}, value: "[]", phase: "Successful" },
            { name: "sem-empty-fail", hash: SEM.none, change: { successCondition: failCondition }, value: "[]", phase: "Failed" },
            // What the pack's nan-guard and empty-result-guard rules warn about: both conditions without isNaN
            // leave NaN Inconclusive (the Rollout pauses); result[0] of an empty result is an Error.
            { name: "sem-nan-both-unguarded", hash: SEM.idle, change: { successCondition: "result[0] >= 0.95", failureCondition: "result[0] < 0.95" }, value: "[NaN]", phase: "Inconclusive" },
            { name: "sem-empty-unguarded", hash: SEM.none, change: { successCondition: "result[0] >= 0.95", consecutiveErrorLimit: 0 }, phase: "Error" },
        ];
        // The idle pod's series exist and its request rate is 0, so the ratio is 0/0.
        const rate = await prometheus!.query(`sum(rate(http_requests_total{rollouts_pod_template_hash="${SEM.idle}"}[1m]))`);
        assert.deepStrictEqual(rate.map((s) => s.value), ["0"]);
        await Promise.all(cases.map((c) => analysisRun(c.name, c.hash, { count: 1, failureLimit: 0, ...c.change })));
        for (const c of cases) {
            const run = await until(`${c.name} to end`, () => terminal(c.name), 60_000);
            const first = measurementsOf(run)[0];
            console.log(`        ${c.name}: ${values(run)}${first.message ? ` (${first.message})` : ""} -> ${run.status.phase}`);
            assert.deepStrictEqual([first.value, run.status.phase], [c.value, c.phase], c.name);
        }
    });

    it("replaces a canary in progress with a second release, as documented: the first canary is scaled down and its analysis terminated, the second runs every step", async () => {
        const first = await release("v1.5.6");
        const firstRun = await until("the first canary's analysis to measure", async () => {
            const [a] = await runsOf(first);
            return a?.status?.phase === "Running" && measurementsOf(a).length >= 1 && a;
        });
        const second = await release("v1.5.7");
        const stableSeen = new Set<string>();
        const r = await until("the second release to be promoted", async () => {
            const ro = await getRollout();
            stableSeen.add(ro.status.stableRS);
            return ro.status.phase === "Healthy" && ro.status.stableRS === second && ro;
        }, 150_000);
        const sets = await replicaSets();
        const terminated = await api.get(runPath(firstRun.metadata.name));
        console.log(`        ${firstRun.metadata.name} (first canary): terminate=${terminated.spec.terminate}, ${terminated.status.phase}, "${terminated.status.message}", ${values(terminated)}`);
        assert.strictEqual(rsOf(sets, first).spec.replicas, 0);
        assert.strictEqual(terminated.spec.terminate, true);
        assert.strictEqual(terminated.status.message, "Run Terminated");
        // The first canary never became stable; the second went through both analysis steps.
        assert.deepStrictEqual([...stableSeen].sort(), [stableHash, second].sort());
        assert.deepStrictEqual((await runsOf(second)).map((a) => [a.metadata.labels["step-index"], a.status.phase]), [["1", "Successful"], ["3", "Successful"]]);
        assert.strictEqual(r.status.currentStepIndex, 5);
        stableHash = second;
    });

    it("goes to Error when Prometheus stops mid-analysis: 5 consecutive errors 10 s apart (consecutiveErrorLimit 4), and the Rollout aborts", async () => {
        const hash = await release("v1.5.8");
        const started = await until("the analysis to measure once", async () => {
            const [a] = await runsOf(hash);
            return a?.status?.phase === "Running" && measurementsOf(a).some((x) => x.phase === "Successful") && a;
        });
        await prometheus!.stop();
        const run = await until("the analysis to end in Error", async () => {
            const a = await api.get(runPath(started.metadata.name));
            return a.status?.phase === "Error" && a;
        }, 120_000);
        const m = run.status.metricResults[0];
        const errors = measurementsOf(run).filter((x) => x.phase === "Error");
        console.log(`        ${run.metadata.name}: ${values(run)}; first error: ${errors[0]?.message}`);
        assert.deepStrictEqual([m.phase, m.consecutiveError, errors.length], ["Error", 5, 5]);
        // Errors do not count as measurements; the retries come every 10 s (DefaultErrorRetryInterval), not every interval.
        assert.strictEqual(m.count, measurementsOf(run).length - errors.length);
        const gaps = errors.slice(1).map((x, i) => (Date.parse(x.startedAt) - Date.parse(errors[i].startedAt)) / 1000);
        assert.ok(gaps.every((g) => g >= 9 && g <= 13), `error retries ${gaps} s apart`);
        const r = await until("the Rollout to abort", async () => {
            const [ro, sets] = await Promise.all([getRollout(), replicaSets()]);
            return ro.status?.abort === true && rsOf(sets, hash)?.spec.replicas === 0 && ro;
        });
        console.log(`        aborted: ${r.status.message}`);
        assert.strictEqual(r.status.stableRS, stableHash);
    });
});
