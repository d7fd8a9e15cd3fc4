// Stands in for cluster DNS and a Service for a process that runs on this machine instead of in the
// cluster: an HTTP forward proxy on 127.0.0.1 that sends requests for in-cluster Service URLs
// (http://prometheus.canary-e2e.svc.cluster.local:9090) to the local server standing in for that Service.
// A process uses it through HTTP_PROXY; Go's http.ProxyFromEnvironment (the Argo Rollouts Prometheus
// provider's transport) never proxies 127.0.0.1, so its API server traffic goes direct. A host that is not
// in the table is refused, so nothing leaves 127.0.0.1; a Service whose server is down resets the
// connection, as a Service without ready endpoints does.
import * as http from "node:http";
import { AddressInfo } from "node:net";

export interface ServiceProxy {
    /** http://127.0.0.1:<port>, the value for HTTP_PROXY. */
    readonly url: string;
    /** Requests forwarded, by Service host:port. */
    readonly forwarded: Record<string, number>;
    stop(): Promise<void>;
}

/** routes: in-cluster `host:port` → local port on 127.0.0.1. */
export async function startServiceProxy(routes: Record<string, number>): Promise<ServiceProxy> {
    const forwarded: Record<string, number> = {};
    const server = http.createServer((req, res) => {
        let target: URL;
        try {
            target = new URL(req.url ?? "");
        } catch {
            res.writeHead(400);
            res.end("absolute URL expected: this is a forward proxy\n");
            return;
        }
        const service = `${target.hostname}:${target.port || "80"}`;
        const local = routes[service];
        if (local === undefined) {
            res.writeHead(502);
            res.end(`no route for ${service}: this proxy only reaches ${Object.keys(routes).join(", ")}\n`);
            return;
        }
        const headers: http.OutgoingHttpHeaders = { ...req.headers, host: service };
        delete headers["proxy-connection"];
        const upstream = http.request({ host: "127.0.0.1", port: local, method: req.method, path: `${target.pathname}${target.search}`, headers }, (up) => {
            forwarded[service] = (forwarded[service] ?? 0) + 1;
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
        });
        upstream.on("error", () => req.socket.destroy());
        req.pipe(upstream);
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        forwarded,
        stop: () => new Promise((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        }),
    };
}
