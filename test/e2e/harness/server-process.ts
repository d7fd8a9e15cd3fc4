// One long-running server process of a test (a controller, Prometheus): started with its output in a log
// file, waited for until a readiness probe answers (failing early, with the log, if the process exits
// first), stopped with SIGTERM then SIGKILL, and killed at exit if the test never stopped it.
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isAlive, registerExitCleanup, sleep } from "./cluster";

/**
 * A temporary folder for one server's files (config, data, log), removed by remove() or when the test process
 * exits; kept with `keep` or AIRGAP_E2E_KEEP=1.
 */
export function serverWorkDir(prefix: string, keep = false): { dir: string; remove(): void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const kept = keep || process.env.AIRGAP_E2E_KEEP === "1";
    const unregister = registerExitCleanup(dir, () => {
        if (!kept) fs.rmSync(dir, { recursive: true, force: true });
    });
    return {
        dir,
        remove() {
            if (!kept) fs.rmSync(dir, { recursive: true, force: true });
            unregister();
        },
    };
}

export interface ServerProcessOptions {
    /** For messages: "rollouts-controller", "prometheus". */
    name: string;
    binary: string;
    args: string[];
    env: NodeJS.ProcessEnv;
    /** stdout and stderr are appended here (a restart appends to the same file). */
    logPath: string;
    /** Resolves true once the server answers. */
    ready: () => Promise<boolean>;
    readyTimeoutMs?: number;
}

export interface ServerProcess {
    readonly pid: number;
    /** Seconds from spawn to the readiness probe answering. */
    readonly startSeconds: number;
    /** Last lines of the log, for failure messages. */
    tailLog(lines?: number): string;
    /** SIGTERM, then SIGKILL after 10 s. Idempotent. */
    stop(): Promise<void>;
}

export async function startServerProcess(o: ServerProcessOptions): Promise<ServerProcess> {
    const log = fs.openSync(o.logPath, "a");
    const started = Date.now();
    const child: ChildProcess = spawn(o.binary, o.args, { env: o.env, stdio: ["ignore", log, log] });
    fs.closeSync(log);
    const pid = child.pid;
    if (pid === undefined) {
        throw new Error(`${o.name} did not start: ${o.binary}`);
    }
    const kill = (sig: NodeJS.Signals) => {
        if (isAlive(pid)) {
            try {
                process.kill(pid, sig);
            } catch {
                /* gone */
            }
        }
    };
    const unregister = registerExitCleanup(`${o.name}-${pid}`, () => kill("SIGKILL"));
    const tailLog = (lines = 40) => (fs.existsSync(o.logPath) ? fs.readFileSync(o.logPath, "utf8").split("\n").slice(-lines).join("\n") : "(no log)");
    let stopped = false;
    const stop = async () => {
        if (stopped) return;
        stopped = true;
        kill("SIGTERM");
        const end = Date.now() + 10_000;
        while (isAlive(pid) && Date.now() < end) await sleep(100);
        kill("SIGKILL");
        while (isAlive(pid)) await sleep(50);
        unregister();
    };

    let exited = false;
    child.once("exit", () => { exited = true; });
    const end = Date.now() + (o.readyTimeoutMs ?? 120_000);
    while (!(await o.ready().catch(() => false))) {
        if (exited) {
            await stop();
            throw new Error(`${o.name} exited before it was ready:\n${tailLog()}`);
        }
        if (Date.now() > end) {
            await stop();
            throw new Error(`${o.name} not ready after ${o.readyTimeoutMs ?? 120_000} ms:\n${tailLog()}`);
        }
        await sleep(200);
    }
    return { pid, startSeconds: (Date.now() - started) / 1000, tailLog, stop };
}

/** True when GET url answers 2xx within 2 s. */
export async function answers(url: string): Promise<boolean> {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
}
