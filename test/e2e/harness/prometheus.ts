// A real Prometheus on 127.0.0.1 for the e2e tests: the pinned build of tools/servers/pins.txt (line
// `prometheus`, built by scripts/build-go-tool.sh), its TSDB in a temporary folder, scraping the given
// static targets. It can be stopped and started again on the same port and data, as a Prometheus that
// goes away in the middle of an analysis and comes back.
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify as toYaml } from "yaml";
import { run, spareTcpPort } from "./cluster";
import { goToolBinary } from "./go-tool";
import { answers, ServerProcess, serverWorkDir, startServerProcess } from "./server-process";

export interface ScrapeTarget {
    job: string;
    /** host:port on 127.0.0.1. */
    target: string;
    /** Prometheus duration, e.g. 1s. */
    interval: string;
    /** Keep the labels the target exposes (namespace, pod, ...) instead of prefixing them with exported_. */
    honorLabels?: boolean;
}

export interface PrometheusOptions {
    targets: ScrapeTarget[];
    /** Keep the temp dir after stop() (also with AIRGAP_E2E_KEEP=1). */
    keepWorkDir?: boolean;
}

export interface PrometheusServer {
    /** http://127.0.0.1:<port> */
    readonly url: string;
    readonly port: number;
    /** What `prometheus --version` prints first, e.g. "prometheus, version 3.16.0 (...)". */
    readonly version: string;
    readonly logPath: string;
    /** Seconds from the first spawn to /-/ready. */
    readonly startSeconds: number;
    /** An instant query; resolves with the result vector (label set and value as a string per sample). */
    query(expr: string): Promise<Array<{ metric: Record<string, string>; value: string }>>;
    /** Stops the process; the port and data stay for start(). */
    stop(): Promise<void>;
    /** Starts it again on the same port and data folder. */
    start(): Promise<void>;
    /** Stops it and removes its folder. */
    close(): Promise<void>;
    tailLog(lines?: number): string;
}

/** Prometheus refuses a scrape timeout above the interval; its default (10 s) is above a 1 s interval. */
function scrapeTimeout(interval: string): string {
    const m = /^(\d+)s$/.exec(interval);
    return m !== null && Number(m[1]) < 10 ? interval : "10s";
}

export async function startPrometheus(opts: PrometheusOptions): Promise<PrometheusServer> {
    const binary = goToolBinary("prometheus");
    const work = serverWorkDir("airgap-prometheus-", opts.keepWorkDir);
    const workDir = work.dir;
    const configPath = path.join(workDir, "prometheus.yml");
    const logPath = path.join(workDir, "prometheus.log");
    fs.writeFileSync(configPath, toYaml({
        global: { scrape_interval: "15s" },
        scrape_configs: opts.targets.map((t) => ({
            job_name: t.job,
            honor_labels: t.honorLabels ?? false,
            scrape_interval: t.interval,
            scrape_timeout: scrapeTimeout(t.interval),
            static_configs: [{ targets: [t.target] }],
        })),
    }));
    const port = await spareTcpPort();
    const url = `http://127.0.0.1:${port}`;
    const printed = await run(binary, ["--version"]);
    const version = `${printed.stdout}${printed.stderr}`.split("\n")[0];
    const args = [
        `--config.file=${configPath}`,
        `--storage.tsdb.path=${path.join(workDir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--storage.tsdb.retention.time=1h",
    ];
    const spawnOnce = () => startServerProcess({
        name: "prometheus", binary, args, env: { PATH: process.env.PATH, HOME: workDir }, logPath,
        ready: () => answers(`${url}/-/ready`),
    });

    let current: ServerProcess | undefined = await spawnOnce().catch((e) => {
        work.remove();
        throw e;
    });
    const startSeconds = current.startSeconds;
    const tailLog = (lines = 40) => (fs.existsSync(logPath) ? fs.readFileSync(logPath, "utf8").split("\n").slice(-lines).join("\n") : "(no log)");

    return {
        url, port, version, logPath, startSeconds, tailLog,
        async query(expr: string) {
            const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(10_000) });
            const body = await res.json() as any;
            if (body.status !== "success") throw new Error(`query ${expr}: ${JSON.stringify(body)}`);
            return body.data.result.map((r: any) => ({ metric: r.metric, value: r.value[1] }));
        },
        async stop() {
            await current?.stop();
            current = undefined;
        },
        async start() {
            if (current === undefined) current = await spawnOnce();
        },
        async close() {
            await current?.stop();
            current = undefined;
            work.remove();
        },
    };
}
