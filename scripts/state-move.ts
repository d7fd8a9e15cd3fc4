// Copyright 2026, airgap-platform authors.
//
//   npm run state:move -- <stack> <backend-url> [--cwd PROGRAM_DIR]
//
// Moves a stack from the backend it is on now (PULUMI_BACKEND_URL, by default the file backend that
// scripts/pulumi-env.sh sets) to another one, normally the shared postgres:// backend that CI reads
// (docs/pr-previews.md). Its secrets stay encrypted by the same passphrase: the exported deployment carries
// its secrets provider and salt, and the stack file (Pulumi.<stack>.yaml, with its encryptionsalt) is kept.
// Before it reports success it decrypts the whole state and the stack's config on the new backend and
// compares them with the old one, in memory; nothing secret is printed or written. The old stack is left
// as it was: remove it (`pulumi stack rm`) once the new backend is in use, so there is one truth.
//
// The URL must not hold a password (process arguments and shell history are readable by others): Pulumi's
// PostgreSQL driver (lib/pq) takes it from PGPASSWORD or a ~/.pgpass file.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const USAGE = "usage: npm run state:move -- <stack> <backend-url> [--cwd PROGRAM_DIR]";

export interface MoveOptions {
    stack: string;
    target: string;
    cwd: string;
}

/** The backend URL with any password replaced, for messages. */
export function redactUrl(url: string): string {
    return url.replace(/^([a-z0-9+]+:\/\/[^/@:]*):[^/@]*@/i, "$1:****@");
}

export function parseMoveArgs(argv: string[]): MoveOptions {
    const positional: string[] = [];
    let cwd = ROOT;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--cwd") {
            const v = argv[i + 1];
            if (v === undefined) throw new Error(`--cwd needs a value\n${USAGE}`);
            cwd = path.resolve(v);
            i++;
        } else if (argv[i].startsWith("-")) {
            throw new Error(`unknown option '${argv[i]}'\n${USAGE}`);
        } else {
            positional.push(argv[i]);
        }
    }
    if (positional.length !== 2) {
        throw new Error(USAGE);
    }
    const [stack, target] = positional;
    if (!STACK_NAME.test(stack)) {
        throw new Error(`stack '${stack}': a stack name is letters, digits, '-', '_' or '.', starting with a letter or digit`);
    }
    let url: URL;
    try {
        url = new URL(target);
    } catch {
        throw new Error(`backend-url '${redactUrl(target)}' is not a URL; the shared backend is postgres://USER@HOST:5432/DATABASE?sslmode=verify-full`);
    }
    if (!["postgres:", "file:", "s3:", "gs:", "azblob:"].includes(url.protocol)) {
        throw new Error(`backend-url: '${url.protocol}//' is not a Pulumi state backend this CLI can use (postgres://, file://, s3://, gs://, azblob://)`);
    }
    if (url.password) {
        throw new Error("backend-url holds a password: leave it out of the URL (command lines are readable by every user of the machine) and export PGPASSWORD, or put it in ~/.pgpass");
    }
    return { stack, target, cwd };
}

interface Result {
    code: number;
    stdout: string;
    stderr: string;
}

function pulumi(args: string[], o: MoveOptions, backend: string): Promise<Result> {
    return new Promise((resolve, reject) => {
        const child = spawn("pulumi", [...args, "--non-interactive"], {
            cwd: o.cwd, env: { ...process.env, PULUMI_BACKEND_URL: backend }, stdio: ["ignore", "pipe", "pipe"],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (d: Buffer) => out.push(d));
        child.stderr.on("data", (d: Buffer) => err.push(d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
    });
}

async function must(args: string[], o: MoveOptions, backend: string, what: string): Promise<string> {
    const r = await pulumi(args, o, backend);
    if (r.code !== 0) {
        throw new Error(`${what} failed on ${redactUrl(backend)}:\n${r.stderr.trim()}`);
    }
    return r.stdout;
}

/** The stack file's secrets provider (a KMS or Vault URL), else the passphrase. */
function secretsProvider(o: MoveOptions): string {
    const file = path.join(o.cwd, `Pulumi.${o.stack}.yaml`);
    const line = fs.existsSync(file) ? /^secretsprovider:\s*["']?([^"'\s]+)/m.exec(fs.readFileSync(file, "utf8")) : null;
    return line ? line[1] : "passphrase";
}

/** A digest of the decrypted state's resources and outputs: equal on both backends when nothing was lost. */
function stateDigest(exported: string): { digest: string; resources: number } {
    const deployment = (JSON.parse(exported) as { deployment: { resources?: unknown[] } }).deployment;
    const resources = (deployment.resources ?? []) as Record<string, unknown>[];
    const essential = resources.map((r) => ({ urn: r.urn, type: r.type, id: r.id, inputs: r.inputs, outputs: r.outputs, dependencies: r.dependencies, parent: r.parent, provider: r.provider }));
    return { digest: createHash("sha256").update(JSON.stringify(essential)).digest("hex"), resources: resources.length };
}

export async function moveStack(o: MoveOptions, log: (line: string) => void = console.log): Promise<{ resources: number }> {
    const source = process.env.PULUMI_BACKEND_URL;
    if (!source) {
        throw new Error("PULUMI_BACKEND_URL is not set: run through `npm run state:move` (it sources scripts/pulumi-env.sh) or export the backend the stack is on now");
    }
    if (source.replace(/\/+$/, "") === o.target.replace(/\/+$/, "")) {
        throw new Error(`the stack is already on ${redactUrl(o.target)}`);
    }
    const onTarget = await pulumi(["stack", "ls", "--json"], o, o.target);
    if (onTarget.code !== 0) {
        throw new Error(`cannot open the target backend ${redactUrl(o.target)}:\n${onTarget.stderr.trim()}`);
    }
    if ((JSON.parse(onTarget.stdout) as { name: string }[]).some((s) => s.name === o.stack || s.name.endsWith(`/${o.stack}`))) {
        throw new Error(`stack '${o.stack}' already exists on ${redactUrl(o.target)}: nothing was moved (remove it there first if it is a failed earlier move)`);
    }

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "state-move-"));
    try {
        const file = path.join(dir, "deployment.json");
        await must(["stack", "export", "--stack", o.stack, "--file", file], o, source, `exporting '${o.stack}'`);
        fs.chmodSync(file, 0o600);
        const before = stateDigest(await must(["stack", "export", "--stack", o.stack, "--show-secrets"], o, source, "decrypting the state"));
        const configBefore = await must(["config", "--stack", o.stack, "--show-secrets", "--json"], o, source, "decrypting the stack's config");
        log(`[state:move] exported '${o.stack}' (${before.resources} resources) from ${redactUrl(source)}`);

        await must(["stack", "init", o.stack, "--secrets-provider", secretsProvider(o)], o, o.target, `creating '${o.stack}'`);
        await must(["stack", "import", "--stack", o.stack, "--file", file], o, o.target, `importing '${o.stack}'`);
        const after = stateDigest(await must(["stack", "export", "--stack", o.stack, "--show-secrets"], o, o.target, "decrypting the moved state"));
        const configAfter = await must(["config", "--stack", o.stack, "--show-secrets", "--json"], o, o.target, "decrypting the stack's config after the move");
        if (after.digest !== before.digest || configAfter !== configBefore) {
            throw new Error(`'${o.stack}' on ${redactUrl(o.target)} does not decrypt to the same state and config as on ${redactUrl(source)}: do not use it; remove it there (pulumi stack rm) and look at the secrets provider`);
        }
        log(`[state:move] '${o.stack}' is on ${redactUrl(o.target)}: ${after.resources} resources, state and config secrets decrypt to the same values`);
        log(`[state:move] use it: export PULUMI_BACKEND_URL='${redactUrl(o.target)}' (CI: the Actions secret PULUMI_BACKEND_URL); then remove the old copy: PULUMI_BACKEND_URL='${redactUrl(source)}' pulumi stack rm ${o.stack} --preserve-config`);
        return { resources: after.resources };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

if (require.main === module) {
    (async () => {
        const o = parseMoveArgs(process.argv.slice(2));
        await moveStack(o);
    })().catch((e: Error) => {
        console.error(`[state:move] ${e.message}`);
        process.exitCode = 1;
    });
}
