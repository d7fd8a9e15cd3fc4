// Copyright 2026, airgap-platform authors.
//
// Scripts and files on a node over SSH, with the node's OpenSSH client. They stand where @pulumi/command's
// remote.Command and remote.CopyToRemote would: that provider cannot be built here (the Go module proxy
// refuses its source). The private key is a Pulumi secret; it only ever touches disk as a 0600 file in a
// private (0700) temporary folder, removed when the call ends, fails or is interrupted (SIGINT, SIGTERM).

import { ChildProcess, execFile, spawn } from "child_process";
import { createHash, randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./dynamic";
import { shellQuote } from "./shell";

/** How to reach a node. */
export interface SshConnection {
    /** The node's name, for messages. */
    node: pulumi.Input<string>;
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    user: pulumi.Input<string>;
    privateKey: pulumi.Input<string>;
    /** known_hosts lines of the node (configured, or recorded by an {@link SshHostKey}); any other key is refused. */
    knownHosts: pulumi.Input<string>;
    /** The {@link SshHostKey} that recorded `knownHosts`, named in the message when the node's key changed. */
    hostKeyUrn?: pulumi.Input<string>;
    /** Deadline of one step (a script or a copy, retries included), in seconds. */
    stepTimeoutSeconds: pulumi.Input<number>;
}

/** A connection as the provider receives it. `knownHosts` is absent only while an SshHostKey learns it. */
export interface PlainConnection {
    node: string;
    host: string;
    port: number;
    user: string;
    privateKey: string;
    knownHosts?: string;
    hostKeyUrn?: string;
    stepTimeoutSeconds: number;
}

/** What one SSH step sends: a bash script, or a local file streamed to a remote command. */
export interface SshStep {
    /** Bash script, run by `bash -s` on the node. */
    script?: string;
    /** Local file streamed to `command` on the node (a POSIX shell command line). */
    upload?: { file: string; command: string };
    /** Accept and report the node's host key (first contact, SshHostKey only) instead of checking it. */
    learnHostKey?: boolean;
    /** Delay before the first retry of a failed connection; doubles each time. */
    retryDelayMs?: number;
}

/** Result of one SSH step. */
export interface SshResult {
    code: number;
    stdout: string;
    stderr: string;
    /** Did the node start the step (the start marker arrived)? */
    started: boolean;
    /** Was the step stopped at its deadline? */
    timedOut: boolean;
    /** Connections tried. */
    attempts: number;
    /** known_hosts lines of the host key accepted in `learnHostKey` mode. */
    learnedKnownHosts?: string;
}

/** Printed by the node before the step itself runs: a failure after it is the step's own, never retried. */
export const STEP_STARTED = "airgap-platform: step started";

/** Connections tried at most per step; only failures before the step started are retried. */
export const MAX_CONNECTION_ATTEMPTS = 4;

/** The remote command line that announces the start, then runs `command`. */
export function startMarked(command: string): string {
    return `printf '%s\\n' ${shellQuote(STEP_STARTED)} >&2 && ${command}`;
}

/** POSIX shell that writes its stdin to `target` through a temporary file in the same folder and a rename. */
export function uploadCommand(target: string): string {
    const t = shellQuote(target);
    return `dir="$(dirname -- ${t})" && mkdir -p -- "$dir" && tmp="$(mktemp "$dir/.airgap-upload.XXXXXX")"`
        + ` && { cat > "$tmp" && chmod 0644 "$tmp" && mv -f -- "$tmp" ${t} || { rm -f -- "$tmp"; exit 1; }; }`;
}

/**
 * The OpenSSH client's arguments. `-F /dev/null` keeps the operator's ssh_config (ProxyCommand, ForwardAgent,
 * ControlMaster, ...) out; user and host are separate arguments, the host after `--`.
 */
export function sshArguments(conn: PlainConnection, keyFile: string, knownHostsFile: string, learnHostKey: boolean, remoteCommand: string): string[] {
    return [
        "-F", "/dev/null", "-T", "-e", "none",
        "-i", keyFile, "-l", conn.user, "-p", String(conn.port),
        "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
        "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4",
        // Only the recorded (or configured) key is accepted; an SshHostKey's first contact records the key.
        "-o", `StrictHostKeyChecking=${learnHostKey ? "accept-new" : "yes"}`,
        "-o", `UserKnownHostsFile="${knownHostsFile}"`, "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "UpdateHostKeys=no", "-o", "HashKnownHosts=no", "-o", "CheckHostIP=no",
        "-o", "LogLevel=ERROR",
        "--", conn.host, remoteCommand,
    ];
}

/**
 * Runs one step on the node with the OpenSSH client, asynchronously. A connection that fails before the node
 * started the step (ssh exit 255, no start marker, not a refused key) is retried with backoff, at most
 * MAX_CONNECTION_ATTEMPTS times; the deadline covers every attempt, and ssh is stopped when it passes.
 */
export async function runOverSsh(conn: PlainConnection, step: SshStep): Promise<SshResult> {
    const deadline = Date.now() + conn.stepTimeoutSeconds * 1000;
    // mkdtemp creates the folder 0700.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-ssh-"));
    let running: ChildProcess | undefined;
    const cleanup = () => {
        running?.kill("SIGKILL");
        fs.rmSync(dir, { recursive: true, force: true });
    };
    // Interrupted (Ctrl-C, the engine stopping its plugins): remove the key, then let the signal take its course.
    const onSignal = (signal: NodeJS.Signals) => {
        cleanup();
        release();
        if (process.listenerCount(signal) === 0) {
            process.kill(process.pid, signal);
        }
    };
    const release = () => {
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
        process.removeListener("exit", cleanup);
    };
    // One listener per step in flight: make room for many nodes at once without the leak warning.
    process.setMaxListeners(Math.max(process.getMaxListeners(), process.listenerCount("SIGTERM") + 11));
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    process.once("exit", cleanup);
    try {
        const keyFile = path.join(dir, "key");
        fs.writeFileSync(keyFile, conn.privateKey.endsWith("\n") ? conn.privateKey : `${conn.privateKey}\n`, { mode: 0o600 });
        const knownHostsFile = path.join(dir, "known_hosts");
        fs.writeFileSync(knownHostsFile, step.learnHostKey || !conn.knownHosts ? "" : `${conn.knownHosts.trim()}\n`, { mode: 0o600 });
        const remoteCommand = startMarked(step.upload ? step.upload.command : "exec bash -s");
        const args = sshArguments(conn, keyFile, knownHostsFile, Boolean(step.learnHostKey), remoteCommand);

        const attemptOnce = () => new Promise<SshResult>((resolve) => {
            const child = spawn("ssh", args, { stdio: ["pipe", "pipe", "pipe"] });
            running = child;
            const out: Buffer[] = [];
            const err: Buffer[] = [];
            let timedOut = false;
            const timer = setTimeout(() => {
                timedOut = true;
                child.kill("SIGTERM");
                setTimeout(() => child.kill("SIGKILL"), 2000).unref();
            }, Math.max(0, deadline - Date.now()));
            const finish = (code: number, extra: string) => {
                clearTimeout(timer);
                running = undefined;
                const stderr = Buffer.concat(err).toString("utf8") + extra;
                resolve({
                    code,
                    stdout: Buffer.concat(out).toString("utf8"),
                    stderr: stderr.replace(`${STEP_STARTED}\n`, ""),
                    started: stderr.includes(`${STEP_STARTED}\n`),
                    timedOut,
                    attempts: 0,
                });
            };
            child.stdout.on("data", (d: Buffer) => out.push(d));
            child.stderr.on("data", (d: Buffer) => err.push(d));
            // A node that closes the connection early leaves stdin unwritable; the exit status tells what happened.
            child.stdin.on("error", () => undefined);
            child.on("error", (e: Error) => finish(-1, String(e)));
            child.on("close", (code: number | null) => finish(code ?? -1, ""));
            // Stopped at the deadline: do not wait for whatever still holds its output open.
            child.on("exit", () => {
                if (timedOut) {
                    child.stdout.destroy();
                    child.stderr.destroy();
                }
            });
            if (step.upload) {
                fs.createReadStream(step.upload.file).on("error", (e: Error) => child.stdin.destroy(e)).pipe(child.stdin);
            } else {
                child.stdin.end(step.script ?? "");
            }
        });

        let delay = step.retryDelayMs ?? 2000;
        for (let attempt = 1; ; attempt++) {
            const result = { ...(await attemptOnce()), attempts: attempt };
            const retry = result.code === 255 && !result.started && !result.timedOut && !refusedByNode(result.stderr)
                && attempt < MAX_CONNECTION_ATTEMPTS && Date.now() + delay < deadline;
            if (!retry) {
                if (step.learnHostKey && result.code === 0) {
                    result.learnedKnownHosts = fs.readFileSync(knownHostsFile, "utf8").trim();
                }
                return result;
            }
            await new Promise((r) => setTimeout(r, delay));
            delay *= 2;
        }
    } finally {
        release();
        cleanup();
    }
}

/** A refused host key or login: retrying cannot help. */
function refusedByNode(stderr: string): boolean {
    return /Host key verification failed|IDENTIFICATION HAS CHANGED|Permission denied/.test(stderr);
}

/** Did the host key stop the call? */
function hostKeyRefused(r: SshResult): boolean {
    return r.code === 255 && !r.started && /Host key verification failed|IDENTIFICATION HAS CHANGED/.test(r.stderr);
}

/** `SHA256:...` fingerprints of the keys in known_hosts lines, as ssh-keygen -l prints them. */
export function fingerprints(knownHosts: string): string[] {
    return knownHosts.split("\n").map((line) => line.trim().split(/\s+/)).filter((f) => f.length >= 3 && !f[0].startsWith("#"))
        .map((f) => `SHA256:${createHash("sha256").update(Buffer.from(f[2], "base64")).digest("base64").replace(/=+$/, "")}`);
}

/** Fingerprints of the keys the node presents now (its reply to ssh-keyscan). */
function presentedFingerprints(conn: PlainConnection): Promise<string[]> {
    return new Promise((resolve) => {
        execFile("ssh-keyscan", ["-T", "10", "-p", String(conn.port), conn.host], { timeout: 20_000 },
            (_e: Error | null, stdout: string) => resolve(fingerprints(String(stdout ?? ""))));
    });
}

/** The message for a node whose host key is not the recorded one: both fingerprints, and how to accept a new key. */
export function hostKeyChangedMessage(what: string, conn: PlainConnection, presented: string[]): string {
    const where = `${conn.node} (${conn.host}:${conn.port})`;
    const recorded = fingerprints(conn.knownHosts ?? "");
    const accept = conn.hostKeyUrn
        ? `If ${conn.node} was re-keyed on purpose, accept its new key with: pulumi up --replace '${conn.hostKeyUrn}' (or npm run bootstrap -- STACK --replace '${conn.hostKeyUrn}')`
        : `If ${conn.node} was re-keyed on purpose, put its new key (ssh-keyscan -p ${conn.port} ${conn.host}) in registry.sshKnownHosts`;
    return `${what} on ${where} stopped: the node's host key changed. Recorded: ${recorded.join(", ") || "(none)"}; `
        + `presented now: ${presented.join(", ") || "(could not be read)"}. Nothing was run on the node. ${accept}.`;
}

/** Throws, naming the node and the step, when the step failed: the deadline, a changed host key, or the exit status. */
export async function mustSucceed(what: string, conn: PlainConnection, r: SshResult): Promise<SshResult> {
    if (r.timedOut) {
        throw new Error(`${what} on ${conn.node} (${conn.user}@${conn.host}:${conn.port}) did not finish within the step deadline `
            + `of ${conn.stepTimeoutSeconds} s (registry.sshStepTimeoutSeconds) and was stopped`);
    }
    if (hostKeyRefused(r)) {
        throw new Error(hostKeyChangedMessage(what, conn, await presentedFingerprints(conn)));
    }
    if (r.code !== 0) {
        const tailOf = (s: string) => s.split("\n").slice(-20).join("\n");
        const tries = r.attempts > 1 ? ` after ${r.attempts} connection attempts` : "";
        throw new Error(`${what} on ${conn.node} (${conn.user}@${conn.host}:${conn.port}) failed (exit ${r.code})${tries}:\n${tailOf(r.stderr)}\n${tailOf(r.stdout)}`);
    }
    return r;
}

/** Did the connection move to another node (host, port or user)? Then the resource is replaced. */
function nodeMoved(olds: PlainConnection, news: PlainConnection): boolean {
    return olds.host !== news.host || olds.port !== news.port || olds.user !== news.user;
}

/** Did the credentials or trusted host keys change? Then the script runs again. */
function credentialsChanged(olds: PlainConnection, news: PlainConnection): boolean {
    return olds.privateKey !== news.privateKey || olds.knownHosts !== news.knownHosts;
}

interface HostKeyInputs {
    connection: PlainConnection;
}

interface HostKeyOutputs extends HostKeyInputs {
    knownHosts: string;
}

export const hostKeyProvider: pulumi.dynamic.ResourceProvider<HostKeyInputs, HostKeyOutputs> = {
    async create(inputs) {
        const r = await mustSucceed("first contact", inputs.connection, await runOverSsh(inputs.connection, { script: "exit 0", learnHostKey: true }));
        if (!r.learnedKnownHosts) {
            throw new Error(`first contact with ${inputs.connection.node} (${inputs.connection.host}:${inputs.connection.port}) recorded no host key`);
        }
        return { id: randomUUID(), outs: { ...inputs, knownHosts: r.learnedKnownHosts } };
    },
    async diff(_id, olds, news) {
        // Another address is another node, whose key is learned anew; a new user or login key keeps the host key.
        const moved = olds.connection.host !== news.connection.host || olds.connection.port !== news.connection.port;
        const loginChanged = olds.connection.user !== news.connection.user || olds.connection.privateKey !== news.connection.privateKey;
        return { changes: moved || loginChanged, replaces: moved ? ["connection"] : [] };
    },
    async update(_id, olds, news) {
        // The recorded key stays: only the credentials used for a later first contact change.
        return { outs: { ...news, knownHosts: olds.knownHosts } };
    },
};

/** Arguments of {@link SshHostKey}. */
export interface SshHostKeyArgs {
    connection: Omit<SshConnection, "knownHosts" | "hostKeyUrn">;
}

/**
 * A node's SSH host key, recorded in the stack's state on first contact (trust on first use). Every later
 * call to the node checks its key strictly against this one; `pulumi up --replace` of this resource accepts
 * a node that was re-keyed on purpose.
 */
export class SshHostKey extends DynamicResource {
    /** known_hosts lines of the node's key. */
    declare public readonly knownHosts: pulumi.Output<string>;

    constructor(name: string, args: SshHostKeyArgs, opts?: pulumi.CustomResourceOptions) {
        super(hostKeyProvider, name, { ...args, knownHosts: undefined }, { ...opts, additionalSecretOutputs: ["connection"] }, "airgap", "SshHostKey");
    }
}

interface CommandInputs {
    connection: PlainConnection;
    create: string;
    update?: string;
    delete?: string;
}

interface CommandOutputs extends CommandInputs {
    stdout: string;
}

export const commandProvider: pulumi.dynamic.ResourceProvider<CommandInputs, CommandOutputs> = {
    async create(inputs) {
        const r = await mustSucceed("create script", inputs.connection, await runOverSsh(inputs.connection, { script: inputs.create }));
        return { id: randomUUID(), outs: { ...inputs, stdout: r.stdout } };
    },
    async diff(_id, olds, news) {
        const moved = nodeMoved(olds.connection, news.connection);
        const changed = moved || olds.create !== news.create || olds.update !== news.update
            || olds.delete !== news.delete || credentialsChanged(olds.connection, news.connection);
        return { changes: changed, replaces: moved ? ["connection"] : [] };
    },
    async update(_id, _olds, news) {
        const r = await mustSucceed("update script", news.connection, await runOverSsh(news.connection, { script: news.update ?? news.create }));
        return { outs: { ...news, stdout: r.stdout } };
    },
    async delete(_id, props) {
        if (props.delete) {
            await mustSucceed("delete script", props.connection, await runOverSsh(props.connection, { script: props.delete }));
        }
    },
};

/** Arguments of {@link RemoteCommand}. */
export interface RemoteCommandArgs {
    connection: SshConnection;
    /** Bash script run on create (and on update when `update` is unset); it must be idempotent. */
    create: pulumi.Input<string>;
    update?: pulumi.Input<string>;
    /** Bash script run when the resource is deleted. */
    delete?: pulumi.Input<string>;
}

/** A bash script run on a node over SSH; `stdout` is what it printed. */
export class RemoteCommand extends DynamicResource {
    // `declare`: an ES2022 class field would overwrite, after super(), the output the engine fills in.
    declare public readonly stdout: pulumi.Output<string>;

    constructor(name: string, args: RemoteCommandArgs, opts?: pulumi.CustomResourceOptions) {
        super(commandProvider, name, { ...args, stdout: undefined }, { ...opts, additionalSecretOutputs: ["connection"] }, "airgap", "RemoteCommand");
    }
}

interface FileInputs {
    connection: PlainConnection;
    source: string;
    sourceSha256: string;
    remotePath: string;
}

export const fileProvider: pulumi.dynamic.ResourceProvider<FileInputs, FileInputs> = {
    async create(inputs) {
        await mustSucceed(`copy of ${inputs.source}`, inputs.connection,
            await runOverSsh(inputs.connection, { upload: { file: inputs.source, command: uploadCommand(inputs.remotePath) } }));
        return { id: randomUUID(), outs: inputs };
    },
    async diff(_id, olds, news) {
        const moved = nodeMoved(olds.connection, news.connection) || olds.remotePath !== news.remotePath;
        const changed = moved || olds.sourceSha256 !== news.sourceSha256 || credentialsChanged(olds.connection, news.connection);
        return { changes: changed, replaces: moved ? ["remotePath"] : [] };
    },
    async update(_id, _olds, news) {
        return { outs: (await fileProvider.create(news)).outs };
    },
};

/** Arguments of {@link RemoteFile}. */
export interface RemoteFileArgs {
    connection: SshConnection;
    /** Local file to copy; read when the resource is created or its content changed. */
    source: string;
    remotePath: string;
}

/** A local file copied to a node over SSH; a changed file (by SHA-256) is copied again. */
export class RemoteFile extends DynamicResource {
    constructor(name: string, args: RemoteFileArgs, opts?: pulumi.CustomResourceOptions) {
        const source = path.resolve(args.source);
        if (!fs.existsSync(source)) {
            throw new pulumi.ResourceError(`RemoteFile ${name}: local file ${source} does not exist`, opts?.parent);
        }
        const sourceSha256 = createHash("sha256").update(fs.readFileSync(source)).digest("hex");
        super(fileProvider, name, { connection: args.connection, source, sourceSha256, remotePath: args.remotePath },
            { ...opts, additionalSecretOutputs: ["connection"] }, "airgap", "RemoteFile");
    }
}
