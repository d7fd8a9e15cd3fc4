// Copyright 2026, airgap-platform authors.
//
// `npm run bench:policy [-- --sizes 1000,10000,100000]`
//
// Evaluates the pack over generated manifest sets and prints, per size, resources per second and the
// peak memory (max RSS) of a process that did only that evaluation (median of three runs after a warm-up). Each size runs in its own child
// process so that one size's garbage does not count against the next. Two paths are measured: the
// CLI path (evaluateManifests over parsed objects) and the CrossGuard stack path
// (evaluatePulumiResources over Pulumi-shaped resources with URNs, parents and dependencies).
// The aim is 50,000 resources per second or more, growing linearly with the set. This is a benchmark,
// not a test: it prints numbers and fails only if the evaluation itself throws.

import { fork } from "child_process";
import * as os from "os";
import { evaluateManifests, evaluatePulumiResources, PulumiResourceInput } from "../engine";

/** Objects per generated app: Rollout, 3 Services, AnalysisTemplate, HPA, Deployment, CronJob, Application, AppProject. */
const PER_APP = 10;

/** A realistic app: the seed's canary plus its neighbours; every 7th app carries a few violations. */
function app(i: number): any[] {
    const ns = `team-${i}`;
    const name = `svc-${i}`;
    const bad = i % 7 === 0;
    const labels = { app: name };
    const service = (n: string) => ({ apiVersion: "v1", kind: "Service", metadata: { name: n, namespace: ns }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } });
    return [
        {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "Rollout",
            metadata: { name, namespace: ns },
            spec: {
                replicas: 2,
                revisionHistoryLimit: 3,
                progressDeadlineSeconds: 600,
                progressDeadlineAbort: true,
                selector: { matchLabels: labels },
                template: {
                    metadata: { labels },
                    spec: { containers: [{ name, image: bad ? `${name}:latest` : `192.168.2.2:5000/${name}:v1.${i % 10}.0` }] },
                },
                strategy: {
                    canary: {
                        stableService: `${name}-stable`,
                        canaryService: `${name}-canary`,
                        steps: [
                            { setWeight: 20 },
                            { analysis: { templates: [{ templateName: "success-rate" }] } },
                            { setWeight: bad ? 10 : 80 },
                            { analysis: { templates: [{ templateName: "success-rate" }] } },
                            { setWeight: 100 },
                        ],
                    },
                },
            },
        },
        service(name),
        service(`${name}-stable`),
        service(`${name}-canary`),
        {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "AnalysisTemplate",
            metadata: { name: "success-rate", namespace: ns },
            spec: {
                metrics: [{
                    name: "success-rate",
                    interval: "1m",
                    count: 5,
                    failureLimit: bad ? 3 : 1,
                    successCondition: bad ? "result[0] >= 0.95" : `len(result) == 0 || isNaN(result[0]) || result[0] >= 0.9${i % 10}`,
                    provider: {
                        prometheus: {
                            address: "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090",
                            query: `sum(rate(http_requests_total{app="${name}",status!~"5.."}[2m])) / sum(rate(http_requests_total{app="${name}"}[2m]))`,
                        },
                    },
                }],
            },
        },
        {
            apiVersion: "autoscaling/v2",
            kind: "HorizontalPodAutoscaler",
            metadata: { name, namespace: ns },
            spec: { scaleTargetRef: { apiVersion: bad ? "apps/v1" : "argoproj.io/v1alpha1", kind: bad ? "Deployment" : "Rollout", name }, minReplicas: 2, maxReplicas: 6 },
        },
        {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: `${name}-worker`, namespace: ns },
            spec: {
                selector: { matchLabels: { app: `${name}-worker` } },
                template: { metadata: { labels: { app: `${name}-worker` } }, spec: { containers: [{ name: "worker", image: `192.168.2.2:5000/${name}-worker:v2.0.${i % 10}` }] } },
            },
        },
        {
            apiVersion: "batch/v1",
            kind: "CronJob",
            metadata: { name: `${name}-report`, namespace: ns },
            spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "report", image: `192.168.2.2:5000/report:1.0.${i % 10}` }] } } } } },
        },
        {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "Application",
            metadata: { name, namespace: "argocd", annotations: { "argocd.argoproj.io/sync-wave": "3" } },
            spec: {
                project: bad ? "default" : ns,
                source: { repoURL: `http://gitea-http.gitea.svc.cluster.local:3000/${ns}/${name}.git`, targetRevision: "main", path: `apps/${name}` },
                destination: { server: "https://kubernetes.default.svc", namespace: ns },
                syncPolicy: { syncOptions: ["CreateNamespace=true", "SkipDryRunOnMissingResource=true"] },
            },
        },
        {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "AppProject",
            metadata: { name: ns, namespace: "argocd" },
            spec: { sourceRepos: [`http://gitea-http.gitea.svc.cluster.local:3000/${ns}/*`], destinations: [{ server: "https://kubernetes.default.svc", namespace: ns }] },
        },
    ];
}

/** A manifest set of `size` objects. */
export function generateManifests(size: number): any[] {
    const out: any[] = [];
    for (let i = 0; out.length < size; i++) {
        out.push(...app(i));
    }
    return out.slice(0, size);
}

function typeOf(object: any): string {
    const apiVersion: string = object.apiVersion;
    return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${object.kind}`;
}

/** The same set as a stack: one component per app, an argo-rollouts release everything depends on. */
export function generateStack(size: number): PulumiResourceInput[] {
    const release = "urn:pulumi:bench::airgap::kubernetes:helm.sh/v3:Release::argo-rollouts";
    const cd = "urn:pulumi:bench::airgap::kubernetes:helm.sh/v3:Release::argo-cd";
    const out: PulumiResourceInput[] = [
        { type: "kubernetes:helm.sh/v3:Release", urn: release, name: "argo-rollouts", props: { chart: "argo-rollouts" } },
        { type: "kubernetes:helm.sh/v3:Release", urn: cd, name: "argo-cd", props: { chart: "argo-cd" } },
    ];
    generateManifests(size - 2).forEach((object, i) => {
        const component = `urn:pulumi:bench::airgap::airgap:index:App::app-${Math.floor(i / PER_APP)}`;
        if (i % PER_APP === 0) {
            out.push({ type: "airgap:index:App", urn: component, name: `app-${Math.floor(i / PER_APP)}`, props: {}, dependencies: [release, cd] });
        }
        const type = typeOf(object);
        out.push({ type, urn: `${component}$${type}::${object.metadata.name}-${i}`, name: object.metadata.name, props: object, parent: component, dependencies: [] });
    });
    return out;
}

interface Result {
    readonly path: string;
    readonly size: number;
    /** Median wall-clock seconds of one evaluation. */
    readonly seconds: number;
    /** Median CPU seconds (user + system) of one evaluation. */
    readonly cpuSeconds: number;
    readonly runs: number;
    readonly findings: number;
    readonly maxRssMb: number;
}

/** Runs in a child process: one path, one size. */
function child(pathName: string, size: number): void {
    const inputs = pathName === "manifests"
        ? generateManifests(size).map((object) => ({ object, file: "bench.yaml" }))
        : generateStack(size);
    const evaluate = (list: unknown[]) => (pathName === "manifests"
        ? evaluateManifests(list as Array<{ object: unknown }>)
        : evaluatePulumiResources(list as PulumiResourceInput[]));
    // Warm up the JIT (about 60,000 resources), so that small sets do not measure compilation: V8
    // optimises a rule's check only after it has run many times.
    const warm = pathName === "manifests" ? generateManifests(2_000).map((object) => ({ object })) : generateStack(2_000);
    for (let k = 0; k < 30; k++) {
        evaluate(warm);
    }
    // The generator's garbage is collected first, so that it is not charged to the evaluation.
    // Repeat until at least 3 runs and 1 s of work, and keep the medians: on a shared machine a single
    // short run mostly measures the scheduler. CPU time (user + system of this process) is reported
    // next to wall time, since it is what the evaluation itself costs.
    const wall: number[] = [];
    const cpu: number[] = [];
    let findings = 0;
    let total = 0;
    (globalThis as { gc?: () => void }).gc?.();
    while (wall.length < 3 || total < 1) {
        const cpuStart = process.cpuUsage();
        const start = process.hrtime.bigint();
        findings = evaluate(inputs).length;
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const used = process.cpuUsage(cpuStart);
        wall.push(seconds);
        cpu.push((used.user + used.system) / 1e6);
        total += seconds;
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const result: Result = { path: pathName, size, seconds: median(wall), cpuSeconds: median(cpu), runs: wall.length, findings, maxRssMb: process.resourceUsage().maxRSS / 1024 };
    process.send?.(result);
}

function runChild(pathName: string, size: number): Promise<Result> {
    return new Promise((resolve, reject) => {
        const proc = fork(__filename, ["--child", pathName, String(size)], {
            execArgv: ["--expose-gc", "-r", require.resolve("ts-node/register/transpile-only")],
            stdio: ["ignore", "inherit", "inherit", "ipc"],
        });
        let result: Result | undefined;
        proc.on("message", (m) => {
            result = m as Result;
        });
        proc.on("exit", (code) => (result !== undefined ? resolve(result) : reject(new Error(`benchmark child for ${pathName} ${size} exited with ${code}`))));
    });
}

async function parent(sizes: number[]): Promise<void> {
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
    console.log(`policy pack benchmark (node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}); aim: >= 50,000 resources/s, linear growth`);
    console.log("path       resources   runs   wall s   resources/s (wall)   resources/s (CPU)   findings   peak RSS (MB)");
    for (const pathName of ["manifests", "stack"]) {
        const results: Result[] = [];
        for (const size of sizes) {
            const r = await runChild(pathName, size);
            results.push(r);
            console.log(`${pathName.padEnd(9)} ${fmt(r.size).padStart(10)} ${String(r.runs).padStart(6)} ${r.seconds.toFixed(3).padStart(8)} ${fmt(r.size / r.seconds).padStart(20)} ${fmt(r.size / r.cpuSeconds).padStart(19)} ${fmt(r.findings).padStart(10)} ${r.maxRssMb.toFixed(0).padStart(15)}`);
        }
        const first = results[0];
        const last = results[results.length - 1];
        const perResource = (r: Result) => r.seconds / r.size;
        console.log(`${pathName}: wall time per resource at ${fmt(last.size)} is ${(perResource(last) / perResource(first)).toFixed(2)}x that at ${fmt(first.size)} (1.00x = linear); slowest wall rate ${fmt(Math.min(...results.map((r) => r.size / r.seconds)))} resources/s`);
    }
}

if (require.main === module) {
    const argv = process.argv.slice(2);
    if (argv[0] === "--child") {
        child(argv[1], Number(argv[2]));
    } else {
        const flag = argv.indexOf("--sizes");
        const sizes = flag >= 0 ? argv[flag + 1].split(",").map(Number) : [1_000, 10_000, 100_000];
        parent(sizes).catch((e) => {
            console.error(e);
            process.exitCode = 1;
        });
    }
}
