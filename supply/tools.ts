// Copyright 2026, airgap-platform authors.
//
// The pinned tools the supply runs: ocisupply (tools/ocisupply, every registry transfer), helm (rendering
// and pulling charts) and crane (the benchmark's reference), all built from tools/servers/pins.txt by
// scripts/build-go-tool.sh, which only looks them up once they are cached.

import { spawn, spawnSync } from "child_process";
import * as path from "path";

export const PROJECT_DIR = path.resolve(__dirname, "..");

/** The Kubernetes version helm renders for: helm built from its module assumes v1.20 otherwise. */
export const RENDER_KUBE_VERSION = "1.34.0";

const found = new Map<string, string>();

/**
 * Path of a tool of tools/servers/pins.txt, built on first use (needs the Go module proxy then); without Go,
 * the bundled copy that scripts/airgap-install.sh put beside pulumi.
 */
export function toolPath(name: "ocisupply" | "helm" | "crane"): string {
    const cached = found.get(name);
    if (cached) {
        return cached;
    }
    const r = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "build-go-tool.sh"), name], { encoding: "utf8" });
    if (r.status !== 0) {
        throw new Error(`cannot build or find ${name} (scripts/build-go-tool.sh ${name}):\n${r.stderr}`);
    }
    const bin = r.stdout.trim().split("\n").pop() ?? "";
    found.set(name, bin);
    return bin;
}

/** Result of one tool run. */
export interface ToolRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs a tool with arguments (never through a shell) and optional stdin. */
export function runTool(bin: string, args: string[], opts: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv; onStderr?: (line: string) => void } = {}): Promise<ToolRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(bin, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        let partial = "";
        child.stdout.on("data", (d) => { stdout += d; });
        child.stderr.on("data", (d) => {
            stderr += d;
            if (opts.onStderr) {
                partial += d;
                const lines = partial.split("\n");
                partial = lines.pop() ?? "";
                lines.forEach(opts.onStderr);
            }
        });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
        child.stdin.end(opts.input ?? "");
    });
}

/** Exit code of ocisupply when it refused its input (a bad bundle, another lock): nothing was written. */
export const OCISUPPLY_REFUSED = 3;

/** Runs an ocisupply command with a JSON request; returns its JSON result or throws with its message. */
export async function ocisupply<T>(command: string, args: string[], request?: unknown, onStderr?: (line: string) => void): Promise<T> {
    const r = await runTool(toolPath("ocisupply"), [command, ...args], { input: request === undefined ? "" : JSON.stringify(request), onStderr });
    if (r.code !== 0) {
        const message = r.stderr.split("\n").filter((l) => l.startsWith("ocisupply: ")).map((l) => l.slice("ocisupply: ".length)).join("\n") || r.stderr.trim();
        throw Object.assign(new Error(message), { exitCode: r.code });
    }
    return JSON.parse(r.stdout) as T;
}
