// A real PostgreSQL on 127.0.0.1 for the tests of the shared Pulumi state: Debian's PostgreSQL 15 server
// binaries (/usr/lib/postgresql/15/bin, or AIRGAP_E2E_PG_BIN), a fresh cluster in a temporary folder, a spare
// port, password authentication (scram-sha-256) only, and one database with its own owner for the state.
// initdb and postgres refuse to run as root, so when the tests run as root (containers) both run as the
// unprivileged system user `postgres` (or `nobody`) through setpriv, with the temp folder handed to that user.
// The password is drawn here and reaches the server through a 0600 file (initdb --pwfile), never a
// process argument; clients get it through PGPASSWORD.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { run, spareTcpPort } from "./cluster";
import { ServerProcess, serverWorkDir, startServerProcess } from "./server-process";

export interface PostgresServer {
    port: number;
    /** The superuser (the cluster's owner) and the owner of `database`. */
    user: string;
    password: string;
    database: string;
    /** postgres://user@127.0.0.1:port/database?sslmode=disable: no password in it (PGPASSWORD carries it). */
    url: string;
    /** Environment for a client (pulumi, psql): PGPASSWORD. */
    clientEnv: NodeJS.ProcessEnv;
    /** One SQL statement through psql; resolves with its unaligned, tuples-only output. */
    sql(statement: string): Promise<string>;
    startSeconds: number;
    tailLog(lines?: number): string;
    stop(): Promise<void>;
}

const PG_BIN = process.env.AIRGAP_E2E_PG_BIN ?? "/usr/lib/postgresql/15/bin";

/** setpriv arguments that run a command as an unprivileged system user, when this process is root. */
function dropRoot(): { prefix: string[]; uid: number; gid: number } | undefined {
    if (process.getuid?.() !== 0) {
        return undefined;
    }
    for (const name of ["postgres", "nobody"]) {
        const line = fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${name}:`));
        if (line) {
            const [, , uid, gid] = line.split(":");
            return { prefix: ["setpriv", `--reuid=${uid}`, `--regid=${gid}`, "--clear-groups", "--"], uid: Number(uid), gid: Number(gid) };
        }
    }
    throw new Error("running as root and neither the postgres nor the nobody user exists: initdb refuses root");
}

export async function startPostgres(opts: { database?: string } = {}): Promise<PostgresServer> {
    for (const tool of ["initdb", "postgres"]) {
        if (!fs.existsSync(path.join(PG_BIN, tool))) {
            throw new Error(`${path.join(PG_BIN, tool)} is missing: install Debian's postgresql-15 (or set AIRGAP_E2E_PG_BIN)`);
        }
    }
    const work = serverWorkDir("airgap-pg-");
    const drop = dropRoot();
    const dataDir = path.join(work.dir, "data");
    const pwFile = path.join(work.dir, "pw");
    const user = "pulumi_state";
    const database = opts.database ?? "pulumi_state";
    const password = randomBytes(18).toString("base64url");
    fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (drop) {
        // The unprivileged user must own the folder (and reach it: mkdtemp makes it 0700).
        fs.chownSync(work.dir, drop.uid, drop.gid);
        fs.chownSync(pwFile, drop.uid, drop.gid);
    }
    const as = (file: string, args: string[]) => (drop ? { file: drop.prefix[0], args: [...drop.prefix.slice(1), file, ...args] } : { file, args });
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LANG: "C.UTF-8", LC_ALL: "C.UTF-8", TZ: "UTC" };

    const init = as(path.join(PG_BIN, "initdb"), ["-D", dataDir, "-U", user, "--pwfile", pwFile, "--auth=scram-sha-256", "-E", "UTF8", "--no-sync", "--no-instructions"]);
    await run(init.file, init.args, { env, cwd: work.dir, timeoutMs: 120_000 });
    fs.rmSync(pwFile);

    const port = await spareTcpPort();
    const logPath = path.join(work.dir, "postgres.log");
    fs.writeFileSync(logPath, "");
    if (drop) {
        fs.chownSync(logPath, drop.uid, drop.gid);
    }
    const clientEnv: NodeJS.ProcessEnv = { PGPASSWORD: password };
    const psql = async (db: string, statement: string) =>
        (await run("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", db, "-c", statement],
            { env: { ...env, ...clientEnv }, timeoutMs: 60_000 })).stdout.trim();
    const server = as(path.join(PG_BIN, "postgres"), [
        "-D", dataDir, "-h", "127.0.0.1", "-p", String(port), "-k", work.dir,
        "-c", "fsync=off", "-c", "shared_buffers=16MB", "-c", "max_connections=50", "-c", "log_destination=stderr",
    ]);
    let proc: ServerProcess;
    try {
        proc = await startServerProcess({
            name: "postgres", binary: server.file, args: server.args, env, logPath,
            ready: async () => (await psql("postgres", "SELECT 1").catch(() => "")) === "1",
            readyTimeoutMs: 60_000,
        });
        await psql("postgres", `CREATE DATABASE ${database}`);
    } catch (e) {
        work.remove();
        throw e;
    }
    return {
        port, user, password, database,
        url: `postgres://${user}@127.0.0.1:${port}/${database}?sslmode=disable`,
        clientEnv,
        sql: (statement) => psql(database, statement),
        startSeconds: proc.startSeconds,
        tailLog: proc.tailLog,
        async stop() {
            await proc.stop();
            work.remove();
        },
    };
}
