// Copyright 2026, airgap-platform authors.
//
// `npm run bench:policy [-- --sizes 1000,10000,100000] [--runs 3] [--config policy-config.json]
//    [--tools lint:manifests,kubeconform,conftest] [--no-engine]`
// (`--tools` times only those; `--no-engine` leaves out the parser and engine-only parts)
//
// Times what a user waits for: the whole `npm run lint:manifests` process (the compiled CLI) on generated
// manifest sets of Argo Rollouts canary apps, 10 objects per app, at each size in two layouts (files of
// 1,000 resources, and one file per app), beside kubeconform v0.8.0 (strict, local schemas: see
// kubeconform-schemas.ts) and conftest v0.71.1 with seven Rego rules equivalent to seven of the pack's
// (conftest/policy.rego). Both are built pinned by scripts/build-go-tool.sh (tools/servers/pins.txt) and
// cached; the schemas come from the Go module cache, so nothing is fetched while timing. The tools run
// in turn, run after run, so that each ratio compares runs made under the same load; the median run is
// kept. Wall time is measured here, peak RSS by GNU time (/usr/bin/time). One 10-resource file is timed
// too, also through `npm run` (npm's own start-up included). `--config` is passed to lint:manifests (to
// time the pack without a rule, say).
//
// Then it compares YAML parsers on the same text (CPU time of one thread): `yaml` as the CLI used it
// before, `yaml` tuned, js-yaml 4 with its own merge keys, and the reader the CLI uses now.
//
// Last it prints the engine-only figure: the rules alone on parsed, JIT-warmed objects, in a child
// process per size, on the CLI path (evaluateManifests) and the CrossGuard stack path
// (evaluatePulumiResources). That is not what a user waits for; it shows what the rules cost.
// A benchmark, not a test: it prints numbers and fails only when a tool cannot be run.

import { ChildProcess, fork, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CORE_SCHEMA, DEFAULT_SCHEMA, dump, loadAll } from "js-yaml";
import { parseAllDocuments } from "yaml";
import { rebuildIfStale } from "../../lib/fresh-build";
import { parsePiece } from "../cli/manifest-reader";
import { evaluateManifests, evaluatePulumiResources, PulumiResourceInput } from "../engine";
import { schemaLocation, writeCrdSchemas, writeOpenApiSchemas } from "./kubeconform-schemas";

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

/** The repository root (this file runs as dist/policy/bench/bench-policy.js, or under ts-node). */
const ROOT = path.resolve(__dirname, "..", "..", ...(path.extname(__filename) === ".js" ? [".."] : []));
const CLI = path.join(ROOT, "dist", "policy", "cli", "lint-manifests.js");
const REGO = path.join(ROOT, "policy", "bench", "conftest");
/** Argo CD v3.4.4 is the app version of the argo-cd chart the platform installs (10.1.1); its module holds the CRDs. */
const ARGO_CD_MODULE = { path: "github.com/argoproj/argo-cd/v3", version: "v3.4.4" };
/** Resources per file in the multi-document layout. */
const PER_FILE = 1_000;

type Layout = "multi" | "per-app";

/** Writes a generated manifest set as YAML files; returns the folder. */
function writeCorpus(root: string, size: number, layout: Layout): string {
    const dir = path.join(root, `${size}-${layout}`);
    fs.mkdirSync(dir, { recursive: true });
    const objects = generateManifests(size);
    const group = layout === "multi" ? PER_FILE : PER_APP;
    for (let start = 0, n = 1; start < objects.length; start += group, n++) {
        const text = objects.slice(start, start + group).map((o) => dump(o, { noRefs: true, lineWidth: -1 })).join("---\n");
        fs.writeFileSync(path.join(dir, `${layout === "multi" ? "apps" : "app"}-${String(n).padStart(6, "0")}.yaml`), text);
    }
    return dir;
}

function run(command: string, args: readonly string[], cwd = ROOT): string {
    const r = spawnSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (r.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} failed (exit ${r.status})`);
    }
    return r.stdout.trim();
}

/** A Go module's folder in the module cache (downloaded from the Go module proxy the first time). */
function goModuleDir(module: string, version: string): string {
    const r = spawnSync("go", ["mod", "download", "-json", `${module}@${version}`], {
        cwd: os.tmpdir(), encoding: "utf8", env: { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local", GOWORK: "off" },
    });
    const info = JSON.parse(r.stdout || "{}") as { Dir?: string; Error?: string };
    if (info.Dir === undefined) {
        throw new Error(`go mod download ${module}@${version}: ${info.Error ?? r.stderr}`);
    }
    return info.Dir;
}

/** Strict kubeconform schemas for every kind of the generated set, from the Go module cache. */
function kubeconformSchemas(dir: string): number {
    fs.mkdirSync(dir, { recursive: true });
    const kubernetes = /^\s*k8s\.io\/kubernetes (v\S+)/m.exec(fs.readFileSync(path.join(ROOT, "tools", "kube", "go.mod"), "utf8"))?.[1];
    if (kubernetes === undefined) {
        throw new Error("tools/kube/go.mod does not name a k8s.io/kubernetes version");
    }
    const swagger = path.join(goModuleDir("k8s.io/kubernetes", kubernetes), "api", "openapi-spec", "swagger.json");
    const builtIn = writeOpenApiSchemas(swagger, [
        { group: "", version: "v1", kind: "Service" },
        { group: "apps", version: "v1", kind: "Deployment" },
        { group: "batch", version: "v1", kind: "CronJob" },
        { group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler" },
    ], dir);
    const rollouts = path.join(run("bash", ["scripts/build-go-tool.sh", "--dir", "argo-rollouts"]), "manifests", "crds");
    const argoCd = path.join(goModuleDir(ARGO_CD_MODULE.path, ARGO_CD_MODULE.version), "manifests", "crds");
    const crds = writeCrdSchemas([
        ...fs.readdirSync(rollouts).filter((f) => f.endsWith("-crd.yaml")).map((f) => path.join(rollouts, f)),
        path.join(argoCd, "application-crd.yaml"),
        path.join(argoCd, "appproject-crd.yaml"),
    ], dir);
    return builtIn.length + crds.length;
}

interface Tool {
    readonly name: string;
    readonly command: (target: string) => [string, ...string[]];
    /** The tool's own summary of what it checked, from its output. */
    readonly summary: (output: string) => string;
}

interface Timing {
    readonly wall: number;
    readonly rssMb: number;
    readonly summary: string;
}

/** Runs one command to its end; wall time measured here, peak RSS by GNU time. */
function timed(tool: Tool, target: string, scratch: string): Promise<Timing> {
    const [command, ...args] = tool.command(target);
    const rssFile = path.join(scratch, "rss");
    const outFile = path.join(scratch, "out");
    const out = fs.openSync(outFile, "w");
    return new Promise((resolve, reject) => {
        const start = process.hrtime.bigint();
        const child: ChildProcess = spawn("/usr/bin/time", ["-f", "%M", "-o", rssFile, command, ...args], { cwd: ROOT, stdio: ["ignore", out, out], env: { ...process.env, INIT_CWD: ROOT } });
        child.on("error", reject);
        child.on("exit", () => {
            const wall = Number(process.hrtime.bigint() - start) / 1e9;
            fs.closeSync(out);
            const output = fs.readFileSync(outFile, "utf8");
            resolve({ wall, rssMb: Number(fs.readFileSync(rssFile, "utf8").trim().split("\n").pop()) / 1024, summary: tool.summary(output) });
        });
    });
}

const lastLine = (re: RegExp) => (output: string) => output.split("\n").filter((l) => re.test(l)).pop() ?? `no summary line; output ends: ${output.slice(-300)}`;

function tools(config: string | undefined, scratch: string): Tool[] {
    const kubeconform = run("bash", ["scripts/build-go-tool.sh", "kubeconform"]);
    const conftest = run("bash", ["scripts/build-go-tool.sh", "conftest"]);
    const schemas = path.join(scratch, "kubeconform-schemas");
    const count = kubeconformSchemas(schemas);
    console.log(`kubeconform: ${kubeconform} (${run(kubeconform, ["-v"])}), ${count} strict schemas in ${schemas}`);
    console.log(`conftest: ${conftest} (${run(conftest, ["--version"]).split("\n")[0]}), policy ${path.relative(ROOT, REGO)}`);
    return [
        { name: "lint:manifests", command: (t) => [process.execPath, CLI, ...(config === undefined ? [] : ["--config", path.resolve(process.env.INIT_CWD ?? process.cwd(), config)]), t], summary: lastLine(/^\d+ findings? /) },
        { name: "kubeconform", command: (t) => [kubeconform, "-strict", "-summary", "-schema-location", schemaLocation(schemas), t], summary: lastLine(/^Summary: /) },
        { name: "conftest", command: (t) => [conftest, "test", "--policy", REGO, "--no-color", t], summary: lastLine(/^\d+ tests, /) },
    ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Times every tool on one target, `runs` times in turn; returns the median timing per tool. */
async function compare(list: readonly Tool[], target: string, runs: number, scratch: string): Promise<Map<string, Timing>> {
    const all = new Map<string, Timing[]>(list.map((t) => [t.name, []]));
    for (let r = 0; r < runs; r++) {
        for (const tool of list) {
            all.get(tool.name)?.push(await timed(tool, target, scratch));
        }
    }
    return new Map([...all].map(([name, ts]) => {
        const wall = median(ts.map((t) => t.wall));
        return [name, { wall, rssMb: median(ts.map((t) => t.rssMb)), summary: ts[ts.length - 1].summary }];
    }));
}

async function endToEnd(sizes: readonly number[], runs: number, config: string | undefined, only: readonly string[]): Promise<void> {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-policy-"));
    try {
        const list = tools(config, scratch).filter((t) => t.name === "lint:manifests" || only.includes(t.name));
        console.log(`\nend to end: whole process, median of ${runs} runs taken in turn (load ${os.loadavg()[0].toFixed(2)} at start)`);
        console.log("resources  layout    tool                 wall s   resources/s   peak RSS MB   lint:manifests ÷ tool   tool's summary");
        const verdicts: string[] = [];
        const row = (size: number, layout: string, name: string, t: Timing, ours: Timing) =>
            console.log(`${fmt(size).padStart(9)}  ${layout.padEnd(8)}  ${name.padEnd(19)} ${t.wall.toFixed(2).padStart(7)} ${fmt(size / t.wall).padStart(13)} ${t.rssMb.toFixed(0).padStart(13)}   ${name === "lint:manifests" ? "".padStart(21) : (ours.wall / t.wall).toFixed(2).padStart(21)}   ${t.summary}`);

        // One small file: start-up is what counts.
        const small = writeCorpus(scratch, PER_APP, "per-app");
        const npm: Tool = { name: "npm run lint:manifests", command: (t) => ["npm", "run", "--silent", "lint:manifests", "--", ...list[0].command(t).slice(2)], summary: list[0].summary };
        const smallTimes = await compare([...list, npm], path.join(small, fs.readdirSync(small)[0]), Math.max(runs, 5), scratch);
        const ours = smallTimes.get("lint:manifests") as Timing;
        for (const [name, t] of smallTimes) {
            row(PER_APP, "1 file", name, t, ours);
        }
        verdicts.push(`one ${PER_APP}-resource file: ${ours.wall.toFixed(2)} s with node, ${(smallTimes.get(npm.name) as Timing).wall.toFixed(2)} s through npm run (aim: under 0.5 s)`);

        for (const size of sizes) {
            for (const layout of ["multi", "per-app"] as const) {
                const dir = writeCorpus(scratch, size, layout);
                const times = await compare(list, dir, runs, scratch);
                fs.rmSync(dir, { recursive: true, force: true });
                const mine = times.get("lint:manifests") as Timing;
                for (const [name, t] of times) {
                    row(size, layout, name, t, mine);
                }
                const ratios = list.slice(1).map((t) => `÷ ${t.name} ${(mine.wall / (times.get(t.name) as Timing).wall).toFixed(2)}, `).join("");
                verdicts.push(`${fmt(size)} ${layout}: lint:manifests ${ratios}peak RSS ${mine.rssMb.toFixed(0)} MB`);
            }
        }
        console.log(`load ${os.loadavg()[0].toFixed(2)} at end\naims: ratio to kubeconform <= 1.00 at 100,000, below 1.00 to conftest at every size, peak RSS < 500 MB at 100,000`);
        verdicts.forEach((v) => console.log(`  ${v}`));
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
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
            execArgv: ["--expose-gc", ...(path.extname(__filename) === ".ts" ? ["-r", require.resolve("ts-node/register/transpile-only")] : [])],
            stdio: ["ignore", "inherit", "inherit", "ipc"],
        });
        let result: Result | undefined;
        proc.on("message", (m) => {
            result = m as Result;
        });
        proc.on("exit", (code) => (result !== undefined ? resolve(result) : reject(new Error(`benchmark child for ${pathName} ${size} exited with ${code}`))));
    });
}

/** CPU time of each YAML parser candidate on the same manifests (median of 3 runs after one warm-up). */
function parsers(size: number): void {
    const text = generateManifests(size).map((o) => dump(o, { noRefs: true, lineWidth: -1 })).join("---\n");
    const candidates: Array<[string, () => unknown]> = [
        ["yaml 2.9.1 parseAllDocuments + toJS (the CLI before)", () => parseAllDocuments(text, { prettyErrors: true }).map((d) => d.toJS({ maxAliasCount: 1000 }))],
        ["yaml 2.9.1, merge: true, uniqueKeys: false", () => parseAllDocuments(text, { merge: true, uniqueKeys: false }).map((d) => d.toJS())],
        ["js-yaml 4.3.2 loadAll, default schema (its own merge keys)", () => loadAll(text, null, { schema: DEFAULT_SCHEMA })],
        ["js-yaml 4.3.2 loadAll, core schema (no merge keys)", () => loadAll(text, null, { schema: CORE_SCHEMA })],
        ["the CLI's reader (js-yaml core + Go-order merge keys)", () => parsePiece(text, "yaml")],
    ];
    console.log(`\nYAML parsers on ${fmt(size)} generated resources (${(text.length / 1024 / 1024).toFixed(1)} MiB), CPU ms of one thread, median of 3 (load ${os.loadavg()[0].toFixed(2)})`);
    for (const [name, parse] of candidates) {
        parse();
        const times: number[] = [];
        for (let i = 0; i < 3; i++) {
            const start = process.cpuUsage();
            parse();
            const used = process.cpuUsage(start);
            times.push((used.user + used.system) / 1000);
        }
        const ms = median(times);
        console.log(`${name.padEnd(58)} ${ms.toFixed(0).padStart(7)} ms ${(text.length / 1024 / 1024 / (ms / 1000)).toFixed(1).padStart(7)} MiB/s`);
    }
}

async function engineOnly(sizes: readonly number[]): Promise<void> {
    console.log(`\nengine only (the rules on parsed, JIT-warmed objects; not what a user waits for): median of 3+ runs, node ${process.version}, load ${os.loadavg()[0].toFixed(2)}`);
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
        console.log(`${pathName}: wall time per resource at ${fmt(last.size)} is ${(perResource(last) / perResource(first)).toFixed(2)}x that at ${fmt(first.size)} (1.00x = linear)`);
    }
}

if (require.main === module) {
    const argv = process.argv.slice(2);
    if (argv[0] === "--child") {
        child(argv[1], Number(argv[2]));
    } else if (!rebuildIfStale(__filename, argv)) {
        const option = (name: string) => {
            const i = argv.indexOf(name);
            return i >= 0 ? argv[i + 1] : undefined;
        };
        const sizes = (option("--sizes") ?? "1000,10000,100000").split(",").map(Number);
        const runs = Number(option("--runs") ?? 3);
        console.log(`policy pack benchmark: node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
        endToEnd(sizes, runs, option("--config"), (option("--tools") ?? "lint:manifests,kubeconform,conftest").split(","))
            .then(async () => {
                if (!argv.includes("--no-engine")) {
                    parsers(Math.min(10_000, Math.max(...sizes)));
                    await engineOnly(sizes);
                }
            })
            .catch((e) => {
                console.error(e);
                process.exitCode = 1;
            });
    }
}
