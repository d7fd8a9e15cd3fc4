// A real local Kubernetes control plane for the e2e tests:
// etcd + kube-apiserver + kube-controller-manager + kube-scheduler + kwok controller,
// all on 127.0.0.1, started by `kwokctl create cluster --runtime binary` with the
// binaries that scripts/setup-cluster.sh built (see its manifest.json).
//
// Nodes are fake (KWOK): pods of Deployments go Running/Ready, Job pods Succeed.
// PVCs bind through kube-controller-manager's in-tree hostPath provisioner
// (--enable-hostpath-provisioner, StorageClass "standard", default), which creates
// /tmp/hostpath_pv/<uuid> directories on this machine and deletes them with the PV.
//
// No test framework dependency. Node >= 22.
import { execFile, ExecFileOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface ClusterOptions {
    /** kwok cluster name (default: airgap-<random>). */
    name?: string;
    /** Workers in addition to node-1 (default 1, named worker-1..N). */
    workers?: number;
    /** Port for kube-apiserver on 127.0.0.1 (default: a spare port). */
    apiServerPort?: number;
    /** Timeout for the whole start, ms (default 240000). */
    startTimeoutMs?: number;
    /** If set, component logs are copied here on stop(). */
    logsDir?: string;
    /** Keep the temp dir after stop() (also with AIRGAP_E2E_KEEP=1). */
    keepWorkDir?: boolean;
    /** Print progress to stderr (also with AIRGAP_E2E_VERBOSE=1). */
    verbose?: boolean;
    /** Path of setup-cluster.sh's manifest (default: $AIRGAP_CACHE/cluster/manifest.json). */
    manifestPath?: string;
}

export interface Cluster {
    name: string;
    /** Self-contained kubeconfig file (certs embedded), context = name. */
    kubeconfigPath: string;
    /** Same kubeconfig as a string, e.g. for new k8s.Provider({ kubeconfig }). */
    kubeconfig: string;
    /** https://127.0.0.1:<port> */
    apiServerUrl: string;
    /** Temp dir holding everything of this cluster (removed by stop()). */
    workDir: string;
    /** Live component logs (etcd.log, kube-apiserver.log, ...). */
    logsDir: string;
    /** Names of the fake nodes: node-1 first. */
    nodes: string[];
    binaries: Binaries;
    /** Phase timings of startCluster, ms. */
    timings: Record<string, number>;
    /** Runs the built kubectl against this cluster; resolves with stdout, rejects with stderr. */
    kubectl(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<string>;
    /** Polls /readyz until it answers ok. */
    waitForApiServer(timeoutMs?: number): Promise<void>;
    /** kill -9 the kube-apiserver process (etcd and the rest keep running). Resolves with its pid. */
    killApiServer(): Promise<number>;
    /**
     * Starts kube-apiserver again against the same etcd and waits for /readyz.
     * The controllers keep running and reconnect on their own, but client-go backs off:
     * after an outage of 10s/20s/40s they resumed work ~20s/25s/90s after the restart.
     * bounceControllers: also kill -9 and restart kube-controller-manager and kube-scheduler,
     * so they re-list at once (the kwok controller keeps running).
     */
    restartApiServer(opts?: { timeoutMs?: number; bounceControllers?: boolean }): Promise<void>;
    /** Last lines of each component log, for failure messages. */
    tailLogs(lines?: number): string;
    /** Stops every process and removes the temp dir. Idempotent. */
    stop(): Promise<void>;
}

export interface Binaries {
    etcd: string;
    "kube-apiserver": string;
    "kube-controller-manager": string;
    "kube-scheduler": string;
    kubectl: string;
    kwok: string;
    kwokctl: string;
}

interface Manifest {
    kubeVersion: string;
    etcdVersion: string;
    kwokVersion: string;
    binaries: Binaries;
}

const COMPONENTS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok-controller"];
const HOSTPATH_PV_ROOT = "/tmp/hostpath_pv/";

export function cacheDir(): string {
    return process.env.AIRGAP_CACHE || path.join(os.homedir(), ".cache", "airgap-platform");
}

export function loadManifest(manifestPath?: string): Manifest {
    const p = manifestPath || path.join(cacheDir(), "cluster", "manifest.json");
    if (!fs.existsSync(p)) {
        throw new Error(`cluster binaries not built: ${p} is missing; run scripts/setup-cluster.sh`);
    }
    const m = JSON.parse(fs.readFileSync(p, "utf8")) as Manifest;
    for (const [k, v] of Object.entries(m.binaries)) {
        if (!v || !fs.existsSync(v)) {
            throw new Error(`binary ${k} (${v}) from ${p} is missing; run scripts/setup-cluster.sh`);
        }
    }
    return m;
}

// ---------------------------------------------------------------------------
// small helpers

export function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

export function spareTcpPort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.on("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const port = (srv.address() as net.AddressInfo).port;
            srv.close(() => resolve(port));
        });
    });
}

/** n distinct spare ports on 127.0.0.1 (all held open together, then released). */
export async function spareTcpPorts(n: number): Promise<number[]> {
    const servers: net.Server[] = [];
    try {
        for (let i = 0; i < n; i++) {
            const srv = net.createServer();
            servers.push(srv);
            await new Promise<void>((resolve, reject) => {
                srv.once("error", reject);
                srv.listen(0, "127.0.0.1", () => resolve());
            });
        }
        return servers.map((s) => (s.address() as net.AddressInfo).port);
    } finally {
        await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    }
}

export interface RunResult {
    stdout: string;
    stderr: string;
}

/** execFile as a promise; the error message carries the command and its output. */
export function run(
    file: string,
    args: string[],
    opts: ExecFileOptions & { input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = execFile(
            file,
            args,
            { maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 120_000, killSignal: "SIGKILL", ...opts, encoding: "utf8" },
            (err, stdout, stderr) => {
                if (err) {
                    const e = new Error(
                        `${path.basename(file)} ${args.join(" ")} failed: ${err.message}\n${String(stderr).slice(-4000)}`,
                    ) as Error & RunResult;
                    e.stdout = String(stdout);
                    e.stderr = String(stderr);
                    reject(e);
                } else {
                    resolve({ stdout: String(stdout), stderr: String(stderr) });
                }
            },
        );
        if (opts.input !== undefined) {
            child.stdin?.end(opts.input);
        }
    });
}

/** True if pid exists and is not a zombie (PID 1 here does not reap orphans). */
export function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch {
        return false;
    }
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
        return state !== "Z" && state !== "X";
    } catch {
        return false;
    }
}

/**
 * Sends sig to pid only if the process's command line mentions marker (our temp dir),
 * so that a recycled pid is never hit. Returns true if it was sent.
 */
export function killOwned(pid: number, marker: string, sig: NodeJS.Signals = "SIGKILL"): boolean {
    try {
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (!cmdline.includes(marker)) return false;
        process.kill(pid, sig);
        return true;
    } catch {
        return false;
    }
}

/** isAlive(pid) and its command line mentions marker. */
export function ownedAlive(pid: number, marker: string): boolean {
    try {
        return isAlive(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
    } catch {
        return false;
    }
}

function readPid(file: string): number | undefined {
    try {
        const n = parseInt(fs.readFileSync(file, "utf8").trim(), 10);
        return Number.isFinite(n) && n > 0 ? n : undefined;
    } catch {
        return undefined;
    }
}

interface Tls {
    ca: Buffer;
    cert: Buffer;
    key: Buffer;
}

function httpsGet(url: string, tls: Tls, timeoutMs: number): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const req = https.get(url, { ...tls, timeout: timeoutMs, agent: false }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", reject);
    });
}

// ---------------------------------------------------------------------------
// cleanup on process exit / signals, for clusters whose stop() was never reached

const live = new Map<string, () => void>();
let hooksInstalled = false;

function installExitHooks(): void {
    if (hooksInstalled) return;
    hooksInstalled = true;
    process.on("exit", () => {
        for (const f of [...live.values()]) f();
    });
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.once(sig, () => {
            for (const f of [...live.values()]) f();
            process.exit(128 + (os.constants.signals[sig] ?? 1));
        });
    }
}

/** Registers a synchronous cleanup that runs at process exit unless unregistered. */
export function registerExitCleanup(id: string, f: () => void): () => void {
    installExitHooks();
    live.set(id, f);
    return () => live.delete(id);
}

// ---------------------------------------------------------------------------

function nodeManifest(name: string, labels: Record<string, string>, internalIP?: string, kubeVersion?: string): object {
    const resources = { cpu: "32", memory: "256Gi", pods: "250", "ephemeral-storage": "1Ti" };
    return {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name,
            annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
            labels: {
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/os": "linux",
                "kubernetes.io/hostname": name,
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                type: "kwok",
                ...labels,
            },
        },
        spec: {},
        status: {
            allocatable: resources,
            capacity: resources,
            ...(internalIP ? { addresses: [{ type: "InternalIP", address: internalIP }, { type: "Hostname", address: name }] } : {}),
            nodeInfo: {
                architecture: "amd64",
                operatingSystem: "linux",
                osImage: "kwok fake node",
                kernelVersion: "kwok",
                containerRuntimeVersion: "kwok",
                kubeletVersion: kubeVersion ?? "kwok",
                kubeProxyVersion: kubeVersion ?? "kwok",
                machineID: "",
                systemUUID: "",
                bootID: "",
            },
        },
    };
}

const STORAGE_CLASS = {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: {
        name: "standard",
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
    },
    provisioner: "kubernetes.io/host-path",
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
};

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
    const t0 = Date.now();
    const timings: Record<string, number> = {};
    const verbose = opts.verbose ?? process.env.AIRGAP_E2E_VERBOSE === "1";
    const say = (m: string) => verbose && process.stderr.write(`[cluster ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);
    const deadline = t0 + (opts.startTimeoutMs ?? 240_000);
    const remaining = () => Math.max(1000, deadline - Date.now());

    const manifest = loadManifest(opts.manifestPath);
    const bins = manifest.binaries;
    const name = opts.name ?? `airgap-${randomBytes(4).toString("hex")}`;
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-cluster-"));
    const kwokWorkDir = path.join(workDir, "kwok");
    const clusterDir = path.join(kwokWorkDir, "clusters", name);
    const logsDir = path.join(clusterDir, "logs");
    const pidsDir = path.join(clusterDir, "pids");
    const kubeconfigPath = path.join(workDir, "kubeconfig.yaml");
    // kwokctl adds/removes a context in this file (never ~/.kube/config)
    const kwokctlKubeconfig = path.join(workDir, "kwokctl-kubeconfig.yaml");

    const env: NodeJS.ProcessEnv = {
        ...process.env,
        KWOK_WORKDIR: kwokWorkDir,
        KWOK_RUNTIME: "binary",
        KWOK_KUBE_VERSION: manifest.kubeVersion,
        KWOK_ETCD_BINARY: bins.etcd,
        KWOK_KUBE_APISERVER_BINARY: bins["kube-apiserver"],
        KWOK_KUBE_CONTROLLER_MANAGER_BINARY: bins["kube-controller-manager"],
        KWOK_KUBE_SCHEDULER_BINARY: bins["kube-scheduler"],
        KWOK_KUBECTL_BINARY: bins.kubectl,
        KWOK_CONTROLLER_BINARY: bins.kwok,
        // kubectl's discovery cache, instead of ~/.kube/cache
        KUBECACHEDIR: path.join(workDir, "kube-cache"),
    };
    delete env.KUBECONFIG;
    const kwokctl = (args: string[], timeoutMs = 180_000) =>
        run(bins.kwokctl, [...args, "--name", name], { env, timeoutMs });

    // pids we have ever seen, for the exit-time cleanup
    const seenPids = new Set<number>();
    const collectPids = () => {
        for (const c of COMPONENTS) {
            const p = readPid(path.join(pidsDir, `${c}.pid`));
            if (p) seenPids.add(p);
        }
    };
    const keep = opts.keepWorkDir || process.env.AIRGAP_E2E_KEEP === "1";
    const syncCleanup = () => {
        collectPids();
        for (const p of seenPids) killOwned(p, workDir);
        if (!keep) fs.rmSync(workDir, { recursive: true, force: true });
    };
    const unregister = registerExitCleanup(workDir, syncCleanup);

    let stopped = false;
    let tls: Tls | undefined;
    let apiServerUrl = "";

    const kubectl = async (args: string[], o: { input?: string; timeoutMs?: number } = {}) =>
        (await run(bins.kubectl, ["--kubeconfig", kubeconfigPath, ...args], { input: o.input, timeoutMs: o.timeoutMs ?? 60_000, env }))
            .stdout;

    const waitForApiServer = async (timeoutMs = 60_000) => {
        const end = Date.now() + timeoutMs;
        let last = "";
        while (Date.now() < end) {
            try {
                const r = await httpsGet(`${apiServerUrl}/readyz`, tls!, 3000);
                if (r.status === 200 && r.body.trim() === "ok") return;
                last = `HTTP ${r.status} ${r.body.slice(0, 500)}`;
            } catch (e) {
                last = (e as Error).message;
            }
            await sleep(250);
        }
        throw new Error(`kube-apiserver ${apiServerUrl} not ready after ${timeoutMs}ms: ${last}`);
    };

    const tailLogs = (lines = 30) => {
        let out = "";
        for (const c of COMPONENTS) {
            const f = path.join(logsDir, `${c}.log`);
            if (!fs.existsSync(f)) continue;
            const all = fs.readFileSync(f, "utf8").split("\n");
            out += `--- ${c}.log (last ${lines} lines)\n${all.slice(-lines - 1).join("\n")}\n`;
        }
        return out;
    };

    const apiServerPidFile = path.join(pidsDir, "kube-apiserver.pid");

    const killApiServer = async () => {
        const pid = readPid(apiServerPidFile);
        if (!pid || !ownedAlive(pid, workDir)) throw new Error("kube-apiserver is not running");
        killOwned(pid, workDir);
        const end = Date.now() + 10_000;
        while (isAlive(pid)) {
            if (Date.now() > end) throw new Error(`kube-apiserver pid ${pid} survived SIGKILL`);
            await sleep(50);
        }
        // kwokctl trusts a pid file whose pid answers kill(0); an unreaped zombie does,
        // so drop the file to make `kwokctl start cluster` start it again.
        fs.rmSync(apiServerPidFile, { force: true });
        return pid;
    };

    const restartApiServer = async (o: { timeoutMs?: number; bounceControllers?: boolean } = {}) => {
        const timeoutMs = o.timeoutMs ?? 120_000;
        const end = Date.now() + timeoutMs;
        if (o.bounceControllers) {
            // Not the kwok controller: a new instance waits for the node leases of the old
            // one to expire (40s x heartbeat factor 5 = 200s) before it serves the nodes.
            for (const c of ["kube-controller-manager", "kube-scheduler"]) {
                const pid = readPid(path.join(pidsDir, `${c}.pid`));
                if (pid && killOwned(pid, workDir)) {
                    while (isAlive(pid)) await sleep(20);
                }
            }
        }
        // kwokctl starts only components whose pid file is missing or whose pid answers
        // no kill(0); an unreaped zombie answers, so drop the pid file of every dead one.
        for (const c of COMPONENTS) {
            const f = path.join(pidsDir, `${c}.pid`);
            const pid = readPid(f);
            if (pid && !isAlive(pid)) fs.rmSync(f, { force: true });
        }
        await kwokctl(["start", "cluster"], timeoutMs);
        collectPids();
        const pid = readPid(apiServerPidFile);
        if (!pid || !isAlive(pid)) throw new Error(`kube-apiserver did not start again\n${tailLogs(20)}`);
        await waitForApiServer(Math.max(1000, end - Date.now()));
    };

    const stop = async () => {
        if (stopped) return;
        stopped = true;
        collectPids();
        // hostPath PV directories that kube-controller-manager created for this cluster
        let pvDirs: string[] = [];
        try {
            const out = await kubectl(["get", "pv", "-o", "jsonpath={range .items[*]}{.spec.hostPath.path}{\"\\n\"}{end}"], {
                timeoutMs: 5000,
            });
            pvDirs = out.split("\n").filter((p) => p.startsWith(HOSTPATH_PV_ROOT) && !p.includes(".."));
        } catch {
            /* apiserver down: nothing to find */
        }
        if (opts.logsDir) {
            try {
                fs.mkdirSync(opts.logsDir, { recursive: true });
                fs.cpSync(logsDir, opts.logsDir, { recursive: true });
            } catch {
                /* best effort */
            }
        }
        try {
            await run(bins.kwokctl, ["delete", "cluster", "--name", name, "--kubeconfig", kwokctlKubeconfig], { env, timeoutMs: 60_000 });
        } catch (e) {
            say(`kwokctl delete cluster failed (killing by pid): ${(e as Error).message}`);
        }
        for (const p of seenPids) if (isAlive(p)) killOwned(p, workDir);
        const end = Date.now() + 10_000;
        while ([...seenPids].some((p) => ownedAlive(p, workDir)) && Date.now() < end) await sleep(50);
        for (const d of pvDirs) fs.rmSync(d, { recursive: true, force: true });
        try {
            fs.rmdirSync(HOSTPATH_PV_ROOT); // only if empty (other clusters may use it)
        } catch {
            /* not empty or absent */
        }
        if (!keep) fs.rmSync(workDir, { recursive: true, force: true });
        unregister();
        say(`stopped ${name}`);
    };

    try {
        // Every port explicit: kwokctl's own picker counts down from 32765 and two
        // clusters created at the same time would get the same etcd port.
        const [p1, etcdPort, etcdPeerPort, kcmPort, schedulerPort, kwokPort] = await spareTcpPorts(6);
        const port = opts.apiServerPort ?? p1;
        const configPath = path.join(workDir, "kwokctl.yaml");
        fs.writeFileSync(
            configPath,
            [
                "apiVersion: config.kwok.x-k8s.io/v1alpha1",
                "kind: KwokctlConfiguration",
                "options:",
                "  runtime: binary",
                "  bindAddress: 127.0.0.1",
                `  kubeApiserverPort: ${port}`,
                `  etcdPort: ${etcdPort}`,
                `  etcdPeerPort: ${etcdPeerPort}`,
                `  kubeControllerManagerPort: ${kcmPort}`,
                `  kubeSchedulerPort: ${schedulerPort}`,
                `  kwokControllerPort: ${kwokPort}`,
                "",
            ].join("\n"),
        );
        say(`creating ${name} (kube ${manifest.kubeVersion}, etcd ${manifest.etcdVersion}, kwok ${manifest.kwokVersion}) in ${workDir}`);
        const tCreate = Date.now();
        await kwokctl(
            [
                "create",
                "cluster",
                "--config",
                configPath,
                "--runtime",
                "binary",
                "--kube-apiserver-port",
                String(port),
                "--kubeconfig",
                kwokctlKubeconfig,
                "--extra-args",
                "kube-controller-manager=enable-hostpath-provisioner=true",
                // single instances: without this they exit ("leaderelection lost") when the
                // apiserver is down for longer than the renew deadline (10s)
                "--extra-args",
                "kube-controller-manager=leader-elect=false",
                "--extra-args",
                "kube-scheduler=leader-elect=false",
                "--timeout",
                `${Math.ceil(remaining() / 1000)}s`,
            ],
            remaining(),
        );
        collectPids();
        timings.kwokctlCreate = Date.now() - tCreate;

        // Self-contained kubeconfig with embedded certs.
        const pki = path.join(clusterDir, "pki");
        tls = {
            ca: fs.readFileSync(path.join(pki, "ca.crt")),
            cert: fs.readFileSync(path.join(pki, "admin.crt")),
            key: fs.readFileSync(path.join(pki, "admin.key")),
        };
        apiServerUrl = `https://127.0.0.1:${port}`;
        const b64 = (b: Buffer) => b.toString("base64");
        const kubeconfig = [
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            `- name: ${name}`,
            "  cluster:",
            `    server: ${apiServerUrl}`,
            `    certificate-authority-data: ${b64(tls.ca)}`,
            "users:",
            `- name: ${name}-admin`,
            "  user:",
            `    client-certificate-data: ${b64(tls.cert)}`,
            `    client-key-data: ${b64(tls.key)}`,
            "contexts:",
            `- name: ${name}`,
            "  context:",
            `    cluster: ${name}`,
            `    user: ${name}-admin`,
            `current-context: ${name}`,
            "",
        ].join("\n");
        fs.writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });

        const tReady = Date.now();
        await waitForApiServer(remaining());
        timings.readyz = Date.now() - tReady;
        collectPids();
        const dead = COMPONENTS.filter((c) => {
            const pid = readPid(path.join(pidsDir, `${c}.pid`));
            return !pid || !isAlive(pid);
        });
        if (dead.length) throw new Error(`components not running after start: ${dead.join(", ")}`);

        const nodes = ["node-1", ...Array.from({ length: opts.workers ?? 1 }, (_, i) => `worker-${i + 1}`)];
        const objects = [
            nodeManifest("node-1", { "airgap-platform/registry-node": "true" }, "127.0.0.1", manifest.kubeVersion),
            ...nodes.slice(1).map((n) => nodeManifest(n, {}, undefined, manifest.kubeVersion)),
            STORAGE_CLASS,
        ];
        const tNodes = Date.now();
        await kubectl(["apply", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }) });
        await kubectl(["wait", "--for=condition=Ready", "node", "--all", `--timeout=${Math.ceil(remaining() / 1000)}s`], {
            timeoutMs: remaining() + 5000,
        });
        // The ServiceAccount admission plugin rejects pods until the namespace's "default" SA exists.
        while (true) {
            try {
                await kubectl(["get", "serviceaccount", "default", "-n", "default", "-o", "name"], { timeoutMs: 5000 });
                break;
            } catch (e) {
                if (Date.now() > deadline) throw e;
                await sleep(200);
            }
        }
        timings.nodes = Date.now() - tNodes;
        timings.total = Date.now() - t0;
        say(`ready: ${apiServerUrl} nodes=${nodes.join(",")} in ${timings.total}ms`);

        return {
            name,
            kubeconfigPath,
            kubeconfig,
            apiServerUrl,
            workDir,
            logsDir,
            nodes,
            binaries: bins,
            timings,
            kubectl,
            waitForApiServer,
            killApiServer,
            restartApiServer,
            tailLogs,
            stop,
        };
    } catch (e) {
        const logs = tailLogs(25);
        await stop().catch(() => undefined);
        (e as Error).message += `\n${logs}`;
        throw e;
    }
}
