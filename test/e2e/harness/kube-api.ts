// A minimal client of the test cluster's kube-apiserver for code that polls or watches often (the
// exporter's pod watch, the canary suite's status checks): plain HTTPS with the client certificate of the
// cluster's kubeconfig, instead of one kubectl process per look.
import * as https from "node:https";
import { parse as parseYaml } from "yaml";

export interface KubeApi {
    /** GET a path (/apis/argoproj.io/v1alpha1/namespaces/x/rollouts/y); resolves with the JSON body, rejects on a non-2xx status. */
    get<T = any>(apiPath: string): Promise<T>;
    /** GET that resolves undefined on 404. */
    find<T = any>(apiPath: string): Promise<T | undefined>;
    /**
     * Watches a collection (`?watch=1` is added) and calls onEvent for every event, reconnecting from the
     * last resourceVersion when the server ends the stream. Returns a function that stops the watch.
     */
    watch(apiPath: string, onEvent: (type: string, object: any) => void): () => void;
}

interface Tls {
    ca: Buffer;
    cert: Buffer;
    key: Buffer;
}

/** The server and client certificate of a kubeconfig whose credentials are embedded (cluster.ts writes such). */
function fromKubeconfig(kubeconfig: string): { server: URL; tls: Tls } {
    const doc = parseYaml(kubeconfig) as any;
    const context = doc.contexts.find((c: any) => c.name === doc["current-context"])?.context ?? doc.contexts[0].context;
    const cluster = doc.clusters.find((c: any) => c.name === context.cluster).cluster;
    const user = doc.users.find((u: any) => u.name === context.user).user;
    const b64 = (s: string) => Buffer.from(s, "base64");
    return {
        server: new URL(cluster.server),
        tls: { ca: b64(cluster["certificate-authority-data"]), cert: b64(user["client-certificate-data"]), key: b64(user["client-key-data"]) },
    };
}

export function kubeApi(kubeconfig: string): KubeApi {
    const { server, tls } = fromKubeconfig(kubeconfig);
    const agent = new https.Agent({ ...tls, keepAlive: true, maxSockets: 8 });

    const request = (apiPath: string): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
        const req = https.get(new URL(apiPath, server), { agent, timeout: 15_000 }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error(`GET ${apiPath}: timeout`)));
        req.on("error", reject);
    });

    const find = async (apiPath: string) => {
        const r = await request(apiPath);
        if (r.status === 404) return undefined;
        if (r.status < 200 || r.status > 299) throw new Error(`GET ${apiPath}: HTTP ${r.status} ${r.body.slice(0, 500)}`);
        return JSON.parse(r.body);
    };

    const watch = (apiPath: string, onEvent: (type: string, object: any) => void) => {
        let stopped = false;
        let current: ReturnType<typeof https.get> | undefined;
        let resourceVersion = "";
        const connect = () => {
            if (stopped) return;
            const url = new URL(apiPath, server);
            url.searchParams.set("watch", "1");
            url.searchParams.set("allowWatchBookmarks", "true");
            if (resourceVersion) url.searchParams.set("resourceVersion", resourceVersion);
            // One reconnect per connection, whether it ends or fails.
            let again = false;
            const reconnect = (ms: number) => {
                if (!again) {
                    again = true;
                    setTimeout(connect, ms);
                }
            };
            // A watch holds its connection open: it gets a socket of its own, not one of the shared agent's.
            current = https.get(url, { ...tls, agent: false }, (res) => {
                let buffer = "";
                res.setEncoding("utf8");
                res.on("data", (d: string) => {
                    buffer += d;
                    let nl: number;
                    while ((nl = buffer.indexOf("\n")) >= 0) {
                        const line = buffer.slice(0, nl).trim();
                        buffer = buffer.slice(nl + 1);
                        if (!line) continue;
                        const event = JSON.parse(line);
                        if (event.type === "ERROR") {
                            // Usually "too old resource version": start over from a fresh list.
                            resourceVersion = "";
                            continue;
                        }
                        resourceVersion = event.object?.metadata?.resourceVersion ?? resourceVersion;
                        if (event.type !== "BOOKMARK") onEvent(event.type, event.object);
                    }
                });
                res.on("end", () => reconnect(200));
                res.on("error", () => reconnect(500));
            });
            current.on("error", () => reconnect(500));
        };
        connect();
        return () => {
            stopped = true;
            current?.destroy();
        };
    };

    return {
        get: async (apiPath) => {
            const body = await find(apiPath);
            if (body === undefined) throw new Error(`GET ${apiPath}: not found`);
            return body;
        },
        find,
        watch,
    };
}
