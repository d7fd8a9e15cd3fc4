// Copyright 2026, airgap-platform authors.
//
// Scripts and files on a node over SSH, with the node's OpenSSH client. They stand where @pulumi/command's
// remote.Command and remote.CopyToRemote would: that provider cannot be built here (the Go module proxy
// refuses its source). The private key is a Pulumi secret; it only ever touches disk as a 0600 file in a
// private temporary folder that is removed after each call.

import * as pulumi from "@pulumi/pulumi";

/** How to reach a node. */
export interface SshConnection {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    user: pulumi.Input<string>;
    privateKey: pulumi.Input<string>;
    /** known_hosts lines for the node; when set, any other host key is refused. */
    knownHosts?: pulumi.Input<string>;
}

interface PlainConnection {
    host: string;
    port: number;
    user: string;
    privateKey: string;
    knownHosts?: string;
}

/** Result of one SSH call. */
export interface SshResult {
    code: number;
    stdout: string;
    stderr: string;
}

/**
 * Runs `bash -s` on the node with `script` (or `remoteCommand` with `stdinFile` streamed in). Connection
 * failures (ssh exit 255) are retried for about a minute, since nodes may still be booting; a refused host
 * or user key is not.
 */
export function runOverSsh(conn: PlainConnection, script: string, stdinFile?: string, remoteCommand = "bash -s"): SshResult {
    const { spawnSync } = require("child_process");
    const fs = require("fs");
    const os = require("os");
    const path = require("path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-ssh-"));
    try {
        const keyFile = path.join(dir, "key");
        fs.writeFileSync(keyFile, conn.privateKey.endsWith("\n") ? conn.privateKey : `${conn.privateKey}\n`, { mode: 0o600 });
        const knownHostsFile = path.join(dir, "known_hosts");
        if (conn.knownHosts) {
            fs.writeFileSync(knownHostsFile, `${conn.knownHosts.trim()}\n`);
        }
        const args = [
            "-i", keyFile, "-p", String(conn.port),
            "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=10",
            // With known host keys configured only those are accepted; without, the key is taken on first contact.
            "-o", `StrictHostKeyChecking=${conn.knownHosts ? "yes" : "accept-new"}`, "-o", `UserKnownHostsFile=${knownHostsFile}`,
            "-o", "LogLevel=ERROR",
            `${conn.user}@${conn.host}`, remoteCommand,
        ];
        let result: SshResult = { code: -1, stdout: "", stderr: "" };
        for (let attempt = 1; attempt <= 12; attempt++) {
            const input = stdinFile === undefined ? script : fs.readFileSync(stdinFile);
            const r = spawnSync("ssh", args, { input, maxBuffer: 64 * 1024 * 1024 });
            result = { code: r.status ?? -1, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? r.error ?? "") };
            // 255 is ssh's own failure: retry a node that is not reachable yet, never a refused key.
            if (result.code !== 255 || /Host key verification failed|IDENTIFICATION HAS CHANGED|Permission denied/.test(result.stderr)) {
                break;
            }
            spawnSync("sleep", ["5"]);
        }
        return result;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Did the connection move to another node (host, port or user)? Then the resource is replaced. */
function nodeMoved(olds: PlainConnection, news: PlainConnection): boolean {
    return olds.host !== news.host || olds.port !== news.port || olds.user !== news.user;
}

/** Did the credentials or trusted host keys change? Then the script runs again. */
function credentialsChanged(olds: PlainConnection, news: PlainConnection): boolean {
    return olds.privateKey !== news.privateKey || olds.knownHosts !== news.knownHosts;
}

/** Throws with the tail of the output when the call failed. */
export function mustSucceed(what: string, conn: PlainConnection, r: SshResult): SshResult {
    if (r.code !== 0) {
        const tailOf = (s: string) => s.split("\n").slice(-20).join("\n");
        throw new Error(`${what} on ${conn.user}@${conn.host}:${conn.port} failed (exit ${r.code}):\n${tailOf(r.stderr)}\n${tailOf(r.stdout)}`);
    }
    return r;
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
        const r = mustSucceed("create script", inputs.connection, runOverSsh(inputs.connection, inputs.create));
        return { id: require("crypto").randomUUID(), outs: { ...inputs, stdout: r.stdout } };
    },
    async diff(_id, olds, news) {
        const moved = nodeMoved(olds.connection, news.connection);
        const changed = moved || olds.create !== news.create || olds.update !== news.update
            || olds.delete !== news.delete || credentialsChanged(olds.connection, news.connection);
        return { changes: changed, replaces: moved ? ["connection"] : [] };
    },
    async update(_id, _olds, news) {
        const r = mustSucceed("update script", news.connection, runOverSsh(news.connection, news.update ?? news.create));
        return { outs: { ...news, stdout: r.stdout } };
    },
    async delete(_id, props) {
        if (props.delete) {
            mustSucceed("delete script", props.connection, runOverSsh(props.connection, props.delete));
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
export class RemoteCommand extends pulumi.dynamic.Resource {
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
        const target = inputs.remotePath.replace(/'/g, "'\\''");
        mustSucceed(`copy of ${inputs.source}`, inputs.connection,
            runOverSsh(inputs.connection, "", inputs.source, `mkdir -p "$(dirname '${target}')" && cat > '${target}.part' && mv '${target}.part' '${target}'`));
        return { id: require("crypto").randomUUID(), outs: inputs };
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
export class RemoteFile extends pulumi.dynamic.Resource {
    constructor(name: string, args: RemoteFileArgs, opts?: pulumi.CustomResourceOptions) {
        const fs = require("fs");
        const path = require("path");
        const source = path.resolve(args.source);
        if (!fs.existsSync(source)) {
            throw new pulumi.ResourceError(`RemoteFile ${name}: local file ${source} does not exist`, opts?.parent);
        }
        const sourceSha256 = require("crypto").createHash("sha256").update(fs.readFileSync(source)).digest("hex");
        super(fileProvider, name, { connection: args.connection, source, sourceSha256, remotePath: args.remotePath },
            { ...opts, additionalSecretOutputs: ["connection"] }, "airgap", "RemoteFile");
    }
}
