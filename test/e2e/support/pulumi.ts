// Copyright 2026, airgap-platform authors.
//
// Runs the real Pulumi CLI (built by scripts/setup-toolchain.sh) in a throwaway workspace: its own file
// backend, passphrase and config file copied from a stack file, so tests never touch the repo's stacks.

import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..", "..");

/** The environment scripts/pulumi-env.sh sets up (PATH with Node 22 and pulumi, PULUMI_HOME, offline flags). */
export function pulumiEnv(): NodeJS.ProcessEnv {
    const r = spawnSync("bash", ["-c", `. '${ROOT}/scripts/pulumi-env.sh' && env -0`], { encoding: "utf8" });
    if (r.status !== 0) {
        throw new Error(`sourcing scripts/pulumi-env.sh failed: ${r.stderr}`);
    }
    return Object.fromEntries(r.stdout.split("\0").filter(Boolean).map((line) => {
        const i = line.indexOf("=");
        return [line.slice(0, i), line.slice(i + 1)];
    }));
}

export interface CommandResult {
    code: number;
    stdout: string;
    stderr: string;
    seconds: number;
}

/** A stack in a private backend, configured from a copy of one of the repo's stack files. */
export class Workspace {
    readonly dir: string;
    readonly configFile: string;
    readonly env: NodeJS.ProcessEnv;

    /** `pulumi stack init` writes the passphrase salt into Pulumi.<stack>.yaml beside Pulumi.yaml: put it back after. */
    private readonly projectStackFile: string;
    private readonly projectStackFileBefore: string | undefined;

    constructor(readonly stack: string, stackFile: string, extraEnv: NodeJS.ProcessEnv = {}, readonly projectDir = ROOT) {
        this.projectStackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
        this.projectStackFileBefore = fs.existsSync(this.projectStackFile) ? fs.readFileSync(this.projectStackFile, "utf8") : undefined;
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `airgap-e2e-${stack}-`));
        fs.mkdirSync(path.join(this.dir, "state"));
        this.configFile = path.join(this.dir, `Pulumi.${stack}.yaml`);
        fs.copyFileSync(path.join(projectDir, stackFile), this.configFile);
        this.env = {
            ...pulumiEnv(),
            PULUMI_BACKEND_URL: `file://${path.join(this.dir, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "airgap-e2e",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            // Unlocks --event-log, which the ordering checks and the benchmark read.
            PULUMI_DEBUG_COMMANDS: "true",
            ...extraEnv,
        };
    }

    /** Runs `pulumi ARGS` for this stack; output is kept and also streamed when AIRGAP_E2E_VERBOSE is set. */
    pulumi(args: string[], opts: { input?: string; stackArgs?: boolean; onStdout?: (chunk: string) => void } = {}): Promise<CommandResult> {
        const full = opts.stackArgs === false ? args : [...args, "--stack", this.stack, "--non-interactive"];
        return runCommand("pulumi", full, { cwd: this.projectDir, env: this.env, input: opts.input, onStdout: opts.onStdout });
    }

    /** Like pulumi(), but fails with the command's output when it exits non-zero. */
    async mustPulumi(args: string[], opts: { input?: string; stackArgs?: boolean; onStdout?: (chunk: string) => void } = {}): Promise<CommandResult> {
        const r = await this.pulumi(args, opts);
        if (r.code !== 0) {
            throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n--- stdout\n${tail(r.stdout)}\n--- stderr\n${tail(r.stderr)}`);
        }
        return r;
    }

    /** Creates the stack and stores `secrets` as Pulumi secrets in the copied config file. */
    async init(secrets: Record<string, string>): Promise<void> {
        await this.mustPulumi(["stack", "init", this.stack, "--non-interactive"], { stackArgs: false });
        for (const [key, value] of Object.entries(secrets)) {
            await this.mustPulumi(["config", "set", "--secret", key, "--config-file", this.configFile], { input: value });
        }
    }

    remove(): void {
        if (this.projectStackFileBefore === undefined) {
            fs.rmSync(this.projectStackFile, { force: true });
        } else {
            fs.writeFileSync(this.projectStackFile, this.projectStackFileBefore);
        }
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** Runs a command with stdin, collecting its output; `onStdout` sees each chunk as it arrives (to time it). */
export function runCommand(file: string, args: string[],
    opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string; onStdout?: (chunk: string) => void }): Promise<CommandResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        const verbose = Boolean(process.env.AIRGAP_E2E_VERBOSE);
        child.stdout.setEncoding("utf8");
        child.stdout.on("data", (d: string) => { stdout += d; opts.onStdout?.(d); if (verbose) { process.stderr.write(d); } });
        child.stderr.on("data", (d) => { stderr += d; if (verbose) { process.stderr.write(d); } });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, seconds: (Date.now() - started) / 1000 }));
        child.stdin.end(opts.input ?? "");
    });
}

export function tail(text: string, lines = 60): string {
    return text.split("\n").slice(-lines).join("\n");
}

/** One engine event of `--event-log` (JSON lines). */
export interface EngineEvent {
    sequence: number;
    timestamp: number;
    resourcePreEvent?: { metadata: StepMetadata };
    resOutputsEvent?: { metadata: StepMetadata };
    resOpFailedEvent?: { metadata: StepMetadata };
    [other: string]: unknown;
}

export interface StepMetadata {
    op: string;
    urn: string;
    type: string;
}

export function readEventLog(file: string): EngineEvent[] {
    return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as EngineEvent);
}
