// The lumen app's request metrics, as Prometheus would scrape them from the app's pods in a real cluster.
// The pods on KWOK nodes run nothing, so this exporter stands in for them: it watches the namespace's pods
// on the API server and serves, for every pod, `http_requests_total{status="200"|"500"}` with the labels
// the app's ServiceMonitor would put on the series (namespace, pod, and each pod label of its
// podTargetLabels, the name sanitised as prometheus-operator does). A pod receives traffic only while it is
// Ready, as behind a Service; how much, and which share of it fails, the test sets per pod-template hash
// (the `rollouts-pod-template-hash` label the Argo Rollouts controller gives each ReplicaSet's pods).
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { POD_TEMPLATE_HASH_LABEL as HASH_LABEL } from "../../../components/progressive-app";
import { KubeApi } from "./kube-api";

export interface Traffic {
    /** Requests per second each Ready pod answers (0: no traffic, so the success ratio is NaN). */
    readonly requestsPerSecond: number;
    /** Share of those answered with a 5xx, 0 to 1. */
    readonly errorRatio: number;
}

export interface ExporterOptions {
    kube: KubeApi;
    namespace: string;
    /** Pod labels copied onto every series: the app's ServiceMonitor spec.podTargetLabels. */
    podTargetLabels: readonly string[];
    /** Traffic of a hash that setTraffic has not named (default 10 requests/s, no errors). */
    defaultTraffic?: Traffic;
}

export interface Exporter {
    /** host:port to scrape (path /metrics). */
    readonly target: string;
    /** Sets the traffic of the pods with this pod-template hash. */
    setTraffic(hash: string, traffic: Traffic): void;
    /** Sets the traffic of every hash not named by setTraffic. */
    setDefaultTraffic(traffic: Traffic): void;
    /**
     * A pod that exists only here (always Ready), for analyses that need a pod-template hash of their own:
     * its series carry the given pod labels, like a watched pod's.
     */
    addSyntheticPod(name: string, labels: Record<string, string>): void;
    /** Names of the pods whose series are served, by hash. */
    podsByHash(): Record<string, string[]>;
    stop(): Promise<void>;
}

interface PodState {
    labels: Record<string, string>;
    ready: boolean;
    ok: number;
    errors: number;
    /** When the counters were last advanced, ms. */
    last: number;
}

/** prometheus-operator's sanitizeLabelName: every character outside [a-zA-Z0-9_] becomes '_'. */
export function sanitizeLabelName(name: string): string {
    return name.replace(/[^a-zA-Z0-9_]/g, "_");
}

const escapeValue = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, "\\\"").replace(/\n/g, "\\n");

const isReady = (pod: any) => pod.status?.phase === "Running" && (pod.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");

export async function startExporter(opts: ExporterOptions): Promise<Exporter> {
    const pods = new Map<string, PodState>();
    const traffic = new Map<string, Traffic>();
    let defaultTraffic: Traffic = opts.defaultTraffic ?? { requestsPerSecond: 10, errorRatio: 0 };
    const trafficOf = (p: PodState) => traffic.get(p.labels[HASH_LABEL] ?? "") ?? defaultTraffic;

    /** Counts the requests each Ready pod answered since the last look, at its traffic until now. */
    const advance = () => {
        const now = Date.now();
        for (const p of pods.values()) {
            if (p.ready) {
                const t = trafficOf(p);
                const n = (t.requestsPerSecond * (now - p.last)) / 1000;
                p.errors += n * t.errorRatio;
                p.ok += n * (1 - t.errorRatio);
            }
            p.last = now;
        }
    };

    const stopWatch = opts.kube.watch(`/api/v1/namespaces/${opts.namespace}/pods`, (type, pod) => {
        advance();
        const name: string = pod.metadata.name;
        if (type === "DELETED") {
            pods.delete(name);
            return;
        }
        const known = pods.get(name);
        if (known) {
            known.labels = pod.metadata.labels ?? {};
            known.ready = isReady(pod) && pod.metadata.deletionTimestamp === undefined;
        } else {
            pods.set(name, { labels: pod.metadata.labels ?? {}, ready: isReady(pod), ok: 0, errors: 0, last: Date.now() });
        }
    });

    const series = () => {
        advance();
        const lines = ["# HELP http_requests_total Requests answered, by status.", "# TYPE http_requests_total counter"];
        for (const [name, p] of [...pods.entries()].sort(([a], [b]) => a.localeCompare(b))) {
            const labels: Array<[string, string]> = [["namespace", opts.namespace], ["pod", name]];
            for (const l of opts.podTargetLabels) {
                // As the operator's relabeling: a pod without the label gets no label (regex (.+) does not match "").
                if (p.labels[l]) labels.push([sanitizeLabelName(l), p.labels[l]]);
            }
            const base = labels.map(([k, v]) => `${k}="${escapeValue(v)}"`).join(",");
            lines.push(`http_requests_total{${base},status="200"} ${p.ok}`);
            lines.push(`http_requests_total{${base},status="500"} ${p.errors}`);
        }
        return `${lines.join("\n")}\n`;
    };

    const server = http.createServer((req, res) => {
        if (req.url === "/metrics") {
            res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" });
            res.end(series());
        } else {
            res.writeHead(404);
            res.end();
        }
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    const port = (server.address() as AddressInfo).port;

    return {
        target: `127.0.0.1:${port}`,
        setTraffic(hash, t) {
            advance();
            traffic.set(hash, t);
        },
        setDefaultTraffic(t) {
            advance();
            defaultTraffic = t;
        },
        addSyntheticPod(name, labels) {
            advance();
            pods.set(name, { labels, ready: true, ok: 0, errors: 0, last: Date.now() });
        },
        podsByHash() {
            const out: Record<string, string[]> = {};
            for (const [name, p] of pods) (out[p.labels[HASH_LABEL] ?? ""] ??= []).push(name);
            return out;
        },
        async stop() {
            stopWatch();
            await new Promise((resolve) => server.close(resolve));
        },
    };
}
