// Smoke test of the e2e harness: real control plane + KWOK nodes + sshd stand-in for node-1.
// Run: node_modules/.bin/ts-node --transpile-only test/e2e/harness/smoke.ts
// Exit code 0 only if every check passes. Uses 127.0.0.1 only.
import { Cluster, run, sleep, startCluster } from "./cluster";
import { Sshd, startSshd } from "./sshd";

const timings: [string, number][] = [];
async function step<T>(name: string, f: () => Promise<T>): Promise<T> {
    const t = Date.now();
    process.stderr.write(`[smoke] ${name} ...\n`);
    try {
        const r = await f();
        timings.push([name, Date.now() - t]);
        process.stderr.write(`[smoke] ${name} ... ok (${Date.now() - t} ms)\n`);
        return r;
    } catch (e) {
        process.stderr.write(`[smoke] ${name} ... FAILED (${Date.now() - t} ms)\n`);
        throw e;
    }
}

async function until<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined>): Promise<T> {
    const end = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < end) {
        try {
            const v = await f();
            if (v !== undefined) return v;
        } catch (e) {
            last = e;
        }
        await sleep(250);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

const NS = "smoke";

const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "pause", namespace: NS },
    spec: {
        replicas: 2,
        selector: { matchLabels: { app: "pause" } },
        template: {
            metadata: { labels: { app: "pause" } },
            spec: {
                containers: [{ name: "pause", image: "127.0.0.1:5000/pause:3.10", volumeMounts: [{ name: "data", mountPath: "/data" }] }],
                volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }],
            },
        },
    },
};

const pvc = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "data", namespace: NS },
    // no storageClassName: the DefaultStorageClass admission plugin must fill in "standard"
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
};

const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "once", namespace: NS },
    spec: {
        backoffLimit: 0,
        template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "127.0.0.1:5000/pause:3.10" }] } },
    },
};

const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.smoke.airgap.test" },
    spec: {
        group: "smoke.airgap.test",
        scope: "Namespaced",
        names: { plural: "widgets", singular: "widget", kind: "Widget" },
        versions: [
            {
                name: "v1",
                served: true,
                storage: true,
                schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } } },
            },
        ],
    },
};

async function main(): Promise<void> {
    let cluster: Cluster | undefined;
    let sshd: Sshd | undefined;
    const t0 = Date.now();
    try {
        [cluster, sshd] = await step("start cluster + sshd (parallel)", () => Promise.all([startCluster({ verbose: true }), startSshd()]));
        const c = cluster;
        for (const [k, v] of Object.entries(c.timings)) timings.push([`  cluster.${k}`, v]);

        await step("nodes and labels", async () => {
            const out = await c.kubectl(["get", "nodes", "-l", "airgap-platform/registry-node=true,kubernetes.io/hostname=node-1", "-o", "name"]);
            if (out.trim() !== "node/node-1") throw new Error(`node-1 selector gave: ${out}`);
            const all = (await c.kubectl(["get", "nodes", "-o", "name"])).trim().split("\n");
            if (all.length < 2) throw new Error(`expected >= 2 nodes, got ${all}`);
        });

        await step("default StorageClass", async () => {
            const out = await c.kubectl(["get", "storageclass", "standard", "-o", "jsonpath={.metadata.annotations.storageclass\\.kubernetes\\.io/is-default-class}"]);
            if (out.trim() !== "true") throw new Error(`standard is not default: ${out}`);
        });

        await step("namespace + PVC binds", async () => {
            await c.kubectl(["create", "namespace", NS]);
            await until("default ServiceAccount in smoke", 30_000, async () =>
                (await c.kubectl(["get", "sa", "default", "-n", NS, "-o", "name"])).trim() || undefined,
            );
            await c.kubectl(["apply", "-f", "-"], { input: JSON.stringify(pvc) });
            await until("PVC Bound", 60_000, async () => {
                const phase = await c.kubectl(["get", "pvc", "data", "-n", NS, "-o", "jsonpath={.status.phase}"]);
                return phase === "Bound" ? phase : undefined;
            });
        });

        await step("Deployment (mounting the PVC) becomes Available", async () => {
            await c.kubectl(["apply", "-f", "-"], { input: JSON.stringify(deployment) });
            await c.kubectl(["rollout", "status", "deployment/pause", "-n", NS, "--timeout=90s"], { timeoutMs: 100_000 });
            const ready = await c.kubectl(["get", "deployment", "pause", "-n", NS, "-o", "jsonpath={.status.readyReplicas}"]);
            if (ready !== "2") throw new Error(`readyReplicas=${ready}`);
        });

        await step("Service gets ready endpoints", async () => {
            await c.kubectl(["expose", "deployment", "pause", "-n", NS, "--port=80"]);
            // Pulumi's Service await reads v1 Endpoints; kubectl/kube-proxy read EndpointSlices
            await until("2 ready addresses in Endpoints/pause", 60_000, async () => {
                const ips = await c.kubectl(["get", "endpoints", "pause", "-n", NS, "-o", "jsonpath={.subsets[*].addresses[*].ip}"]);
                return ips.trim().split(/\s+/).filter(Boolean).length === 2 ? ips : undefined;
            });
            await until("EndpointSlice for pause", 30_000, async () => {
                const out = await c.kubectl(["get", "endpointslices", "-n", NS, "-l", "kubernetes.io/service-name=pause", "-o", "jsonpath={.items[*].endpoints[*].conditions.ready}"]);
                return out.trim() === "true true" ? out : undefined;
            });
        });

        await step("Job completes", async () => {
            await c.kubectl(["apply", "-f", "-"], { input: JSON.stringify(job) });
            await c.kubectl(["wait", "--for=condition=Complete", "job/once", "-n", NS, "--timeout=90s"], { timeoutMs: 100_000 });
        });

        await step("CRD Established + custom resource", async () => {
            await c.kubectl(["apply", "-f", "-"], { input: JSON.stringify(crd) });
            await c.kubectl(["wait", "--for=condition=Established", "crd/widgets.smoke.airgap.test", "--timeout=60s"], { timeoutMs: 70_000 });
            await c.kubectl(["apply", "-f", "-"], {
                input: JSON.stringify({ apiVersion: "smoke.airgap.test/v1", kind: "Widget", metadata: { name: "w", namespace: NS }, spec: { a: 1 } }),
            });
        });

        await step("ssh root@127.0.0.1 echo ok", async () => {
            const r = await run("ssh", [...sshd!.sshArgs, "echo ok"], { timeoutMs: 30_000 });
            if (r.stdout.trim() !== "ok") throw new Error(`ssh said ${JSON.stringify(r)}`);
        });

        await step("kill -9 kube-apiserver", async () => {
            await c.killApiServer();
            try {
                await c.kubectl(["get", "--raw", "/readyz"], { timeoutMs: 5000 });
                throw new Error("apiserver still answers after kill");
            } catch (e) {
                if ((e as Error).message.includes("still answers")) throw e;
            }
        });

        await step("restart kube-apiserver (same etcd)", async () => {
            await c.restartApiServer();
            const out = await c.kubectl(["get", "deployment", "pause", "-n", NS, "-o", "jsonpath={.status.readyReplicas}"]);
            if (out !== "2") throw new Error(`state lost after restart: readyReplicas=${out}`);
            // the controllers reconnect: a new Deployment still rolls out
            await c.kubectl(["create", "deployment", "after-restart", "-n", NS, "--image=127.0.0.1:5000/pause:3.10"]);
            await c.kubectl(["rollout", "status", "deployment/after-restart", "-n", NS, "--timeout=120s"], { timeoutMs: 130_000 });
        });

        await step("namespace deletion finalizes", async () => {
            const t = Date.now();
            await c.kubectl(["delete", "namespace", NS, "--wait=true", "--timeout=120s"], { timeoutMs: 130_000 });
            timings.push(["  namespace gone", Date.now() - t]);
            await until("PV of the PVC deleted", 60_000, async () => {
                const pvs = await c.kubectl(["get", "pv", "-o", "name"]);
                return pvs.trim() === "" ? true : undefined;
            });
        });
    } catch (e) {
        if (cluster) process.stderr.write(cluster.tailLogs(20));
        throw e;
    } finally {
        await step("stop everything", async () => {
            await Promise.all([cluster?.stop(), sshd?.stop()]);
        });
        timings.push(["total", Date.now() - t0]);
        console.log("timings (ms):");
        for (const [k, v] of timings) console.log(`  ${k.padEnd(52)} ${String(v).padStart(7)}`);
    }
}

main().then(
    () => {
        console.log("SMOKE OK");
        process.exit(0);
    },
    (e) => {
        console.error(`SMOKE FAILED: ${e instanceof Error ? e.stack ?? e.message : e}`);
        process.exit(1);
    },
);
