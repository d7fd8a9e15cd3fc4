// Copyright 2026, airgap-platform authors.
//
// Real registries for the supply tests: Debian's docker-registry (the distribution registry, as the e2e
// stack and node-1's package mode run it) on a spare port of 127.0.0.1, storage in a scratch folder, its
// access log kept so tests can count what clients asked for.

import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { killOwned, registerExitCleanup, sleep, spareTcpPort } from "../../e2e/harness/cluster";

export interface TestRegistry {
    /** 127.0.0.1:port */
    address: string;
    dir: string;
    /** Requests in the access log so far, e.g. count("PUT"); `under` filters on the path. */
    requests(method?: string, under?: string): { method: string; path: string; status: number }[];
    stop(): Promise<void>;
}

const REGISTRY_BIN = "/usr/bin/docker-registry";

export function registryAvailable(): boolean {
    return fs.existsSync(REGISTRY_BIN);
}

/** Starts a registry (on `port`, or a spare one) with empty storage; resolves once /v2/ answers. */
export async function startRegistry(label: string, port?: number): Promise<TestRegistry> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `airgap-supply-${label}-`));
    port ??= await spareTcpPort();
    const address = `127.0.0.1:${port}`;
    const config = path.join(dir, "config.yml");
    fs.writeFileSync(config, [
        "version: 0.1",
        "log:",
        "  level: warn",
        "  accesslog:",
        "    disabled: false",
        "storage:",
        "  filesystem:",
        `    rootdirectory: ${path.join(dir, "data")}`,
        "http:",
        `  addr: ${address}`,
        "",
    ].join("\n"));
    const logFile = path.join(dir, "access.log");
    const log = fs.openSync(logFile, "a");
    const child = spawn(REGISTRY_BIN, ["serve", config], { stdio: ["ignore", log, log], detached: true });
    fs.closeSync(log);
    const pid = child.pid!;
    const unregister = registerExitCleanup(`registry-${dir}`, () => { killOwned(pid, dir); });
    for (let i = 0; ; i++) {
        if (await answers(address)) {
            break;
        }
        if (i > 100 || child.exitCode !== null) {
            killOwned(pid, dir);
            throw new Error(`docker-registry on ${address} did not start:\n${fs.readFileSync(logFile, "utf8").slice(-2000)}`);
        }
        await sleep(100);
    }
    return {
        address,
        dir,
        requests(method?: string, under?: string) {
            // Combined log format: ... "PUT /v2/repo/manifests/tag HTTP/1.1" 201 ...
            return [...fs.readFileSync(logFile, "utf8").matchAll(/"([A-Z]+) (\/v2\/[^ ]*) HTTP\/[0-9.]+" (\d{3})/g)]
                .map((m) => ({ method: m[1], path: m[2], status: Number(m[3]) }))
                .filter((r) => (method === undefined || r.method === method) && (under === undefined || r.path.startsWith(under)));
        },
        async stop() {
            killOwned(pid, dir, "SIGTERM");
            for (let i = 0; i < 50 && child.exitCode === null && child.signalCode === null; i++) {
                await sleep(100);
            }
            killOwned(pid, dir);
            unregister();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

function answers(address: string): Promise<boolean> {
    return new Promise((resolve) => {
        const req = http.get(`http://${address}/v2/`, { timeout: 1000 }, (res) => { res.resume(); resolve(res.statusCode === 200); });
        req.on("error", () => resolve(false));
        req.on("timeout", () => { req.destroy(); resolve(false); });
    });
}
