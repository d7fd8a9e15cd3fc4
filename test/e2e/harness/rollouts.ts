// The real Argo Rollouts controller for the e2e tests: the pinned build of tools/servers/pins.txt (line
// `argo-rollouts`, cmd/rollouts-controller, built by scripts/build-go-tool.sh) running on this machine
// against the test cluster's kube-apiserver, with the CRDs of the same module (manifests/crds/).
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { Cluster, run, spareTcpPorts } from "./cluster";
import { goToolBinary, goToolModuleDir } from "./go-tool";
import { answers, serverWorkDir, startServerProcess } from "./server-process";

export interface RolloutsController {
    /** What `rollouts-controller --version` prints, e.g. "rollouts-controller: v1.9.0+unknown". */
    readonly version: string;
    readonly pid: number;
    readonly logPath: string;
    /** Seconds from spawn to /healthz. */
    readonly startSeconds: number;
    tailLog(lines?: number): string;
    stop(): Promise<void>;
}

export interface RolloutsControllerOptions {
    cluster: Cluster;
    /** HTTP_PROXY of the controller: how it reaches in-cluster Service URLs (see service-proxy.ts). */
    httpProxy?: string;
    /** Keep the temp dir after stop() (also with AIRGAP_E2E_KEEP=1). */
    keepWorkDir?: boolean;
}

/**
 * Applies the module's CRDs (the files its manifests/crds/kustomization.yaml lists) server-side and waits
 * until they are Established. Returns the CRD names.
 */
export async function installRolloutsCrds(cluster: Cluster): Promise<string[]> {
    const dir = path.join(goToolModuleDir("argo-rollouts"), "manifests", "crds");
    const files: string[] = (parseYaml(fs.readFileSync(path.join(dir, "kustomization.yaml"), "utf8")) as { resources: string[] }).resources
        .map((f) => path.join(dir, f));
    await cluster.kubectl(["apply", "--server-side", "--field-manager=airgap-e2e", ...files.flatMap((f) => ["-f", f])], { timeoutMs: 120_000 });
    const names = files.map((f) => (parseYaml(fs.readFileSync(f, "utf8")) as { metadata: { name: string } }).metadata.name);
    await cluster.kubectl(["wait", "--for=condition=Established", "--timeout=60s", ...names.map((n) => `crd/${n}`)], { timeoutMs: 70_000 });
    return names;
}

export async function startRolloutsController(opts: RolloutsControllerOptions): Promise<RolloutsController> {
    const binary = goToolBinary("argo-rollouts");
    const work = serverWorkDir("airgap-rollouts-", opts.keepWorkDir);
    const workDir = work.dir;
    const kubeconfig = path.join(workDir, "kubeconfig.yaml");
    fs.writeFileSync(kubeconfig, opts.cluster.kubeconfig, { mode: 0o600 });
    const logPath = path.join(workDir, "rollouts-controller.log");
    // Only what the controller needs: no proxy settings, kubeconfig or namespace of the caller leak in.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: workDir, POD_NAMESPACE: "argo-rollouts" };
    if (opts.httpProxy) {
        env.HTTP_PROXY = opts.httpProxy;
        env.NO_PROXY = "127.0.0.1,localhost";
    }
    try {
        const printed = await run(binary, ["--version"], { env });
        const version = `${printed.stdout}${printed.stderr}`.trim().split("\n")[0];
        // The metrics and healthz servers listen on 0.0.0.0 (controller/controller.go, listenAddr); spare ports
        // keep parallel suites apart. One replica: no leader election.
        const [metricsPort, healthzPort] = await spareTcpPorts(2);
        const proc = await startServerProcess({
            name: "rollouts-controller",
            binary,
            args: ["--kubeconfig", kubeconfig, "--metricsPort", String(metricsPort), "--healthzPort", String(healthzPort), "--leader-elect=false", "--loglevel", "info"],
            env,
            logPath,
            ready: () => answers(`http://127.0.0.1:${healthzPort}/healthz`),
        });
        return {
            version, pid: proc.pid, logPath, startSeconds: proc.startSeconds, tailLog: proc.tailLog,
            async stop() {
                await proc.stop();
                work.remove();
            },
        };
    } catch (e) {
        work.remove();
        throw e;
    }
}
