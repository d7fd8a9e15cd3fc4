// A real Gitea on 127.0.0.1 for the e2e tests: the pinned build of tools/servers/pins.txt (line `gitea`,
// built by scripts/build-go-tool.sh), SQLite in a temporary folder, Actions on, static files (templates and
// locales) from the downloaded module folder, and a site administrator made with `gitea admin user create`.
// Passwords and tokens never appear in a process's arguments: the admin's first password is drawn by Gitea
// itself, later ones are set through the API, and git gets its credentials from GIT_ASKPASS.
import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isAlive, registerExitCleanup, run, sleep, spareTcpPort } from "./cluster";
import { goToolBinary, goToolModuleDir } from "./go-tool";

export interface GiteaOptions {
    adminUsername?: string;
    adminEmail?: string;
    /** Keep the temp dir after stop() (also with AIRGAP_E2E_KEEP=1). */
    keepWorkDir?: boolean;
}

/** Credentials of one API call: a user's password (basic auth) or an access token. */
export type GiteaAuth = { username: string; password: string } | { token: string };

export interface GiteaServer {
    /** http://127.0.0.1:<port> */
    url: string;
    port: number;
    /** The version the server reports (GET /api/v1/version). */
    version: string;
    admin: { username: string; email: string; password: string };
    workDir: string;
    /** Gitea's own log file. */
    logPath: string;
    /** Seconds from spawn to the API answering. */
    startSeconds: number;
    /** One API call (as the admin unless `auth` says otherwise); never throws on an HTTP status. */
    api(method: string, apiPath: string, opts?: { body?: unknown; auth?: GiteaAuth }): Promise<{ status: number; body: any }>;
    /** Sets the admin's password through the API. */
    setAdminPassword(password: string): Promise<void>;
    /** Runs git with `username`/`token` as HTTP credentials (through GIT_ASKPASS); resolves with its exit code and output. */
    git(args: string[], opts: { cwd: string; username: string; token: string }): Promise<{ code: number; stdout: string; stderr: string }>;
    /** Last lines of Gitea's log, for failure messages. */
    tailLog(lines?: number): string;
    stop(): Promise<void>;
}

function appIni(workDir: string, port: number, staticRoot: string): string {
    return [
        "APP_NAME = airgap-e2e",
        "RUN_MODE = prod",
        `WORK_PATH = ${workDir}`,
        // The tests run as root (containers); Gitea refuses that unless told.
        "I_AM_BEING_UNSAFE_RUNNING_AS_ROOT = true",
        "[server]",
        "PROTOCOL = http",
        "HTTP_ADDR = 127.0.0.1",
        `HTTP_PORT = ${port}`,
        `ROOT_URL = http://127.0.0.1:${port}/`,
        "DOMAIN = 127.0.0.1",
        "DISABLE_SSH = true",
        "START_SSH_SERVER = false",
        "OFFLINE_MODE = true",
        `APP_DATA_PATH = ${workDir}/data`,
        // Templates and locales from the module folder (the build has no bindata); without them Gitea stops at start-up.
        `STATIC_ROOT_PATH = ${staticRoot}`,
        "LFS_START_SERVER = false",
        "[database]",
        "DB_TYPE = sqlite3",
        `PATH = ${workDir}/data/gitea.db`,
        "[repository]",
        `ROOT = ${workDir}/repos`,
        "[security]",
        "INSTALL_LOCK = true",
        `SECRET_KEY = ${randomBytes(32).toString("hex")}`,
        "[service]",
        "DISABLE_REGISTRATION = true",
        "[oauth2]",
        "ENABLED = false",
        "[actions]",
        "ENABLED = true",
        "DEFAULT_ACTIONS_URL = self",
        "[mailer]",
        "ENABLED = false",
        "[cron.update_checker]",
        "ENABLED = false",
        "[log]",
        "MODE = file",
        "LEVEL = Info",
        `ROOT_PATH = ${workDir}/log`,
        "",
    ].join("\n");
}

export async function startGitea(opts: GiteaOptions = {}): Promise<GiteaServer> {
    const binary = goToolBinary("gitea");
    const staticRoot = goToolModuleDir("gitea");
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-gitea-"));
    const keep = opts.keepWorkDir || process.env.AIRGAP_E2E_KEEP === "1";
    const config = path.join(workDir, "app.ini");
    const logPath = path.join(workDir, "log", "gitea.log");
    const port = await spareTcpPort();
    fs.writeFileSync(config, appIni(workDir, port, staticRoot), { mode: 0o600 });
    // Nothing from the caller's environment configures this Gitea (GITEA__section__KEY variables would).
    const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH, HOME: workDir, GITEA_WORK_DIR: workDir, GITEA_I_AM_BEING_UNSAFE_RUNNING_AS_ROOT: "true", USER: os.userInfo().username,
    };

    let child: ChildProcess | undefined;
    const kill = (sig: NodeJS.Signals) => {
        if (child?.pid && isAlive(child.pid)) {
            try {
                process.kill(child.pid, sig);
            } catch {
                /* gone */
            }
        }
    };
    const unregister = registerExitCleanup(workDir, () => {
        kill("SIGKILL");
        if (!keep) fs.rmSync(workDir, { recursive: true, force: true });
    });
    let stopped = false;
    const stop = async () => {
        if (stopped) return;
        stopped = true;
        if (child?.pid) {
            kill("SIGTERM");
            const end = Date.now() + 10_000;
            while (isAlive(child.pid) && Date.now() < end) await sleep(100);
            kill("SIGKILL");
        }
        if (!keep) fs.rmSync(workDir, { recursive: true, force: true });
        unregister();
    };
    const tailLog = (lines = 40) => (fs.existsSync(logPath) ? fs.readFileSync(logPath, "utf8").split("\n").slice(-lines).join("\n") : "(no log)");

    try {
        const gitea = (args: string[]) => run(binary, ["--config", config, "--work-path", workDir, ...args], { env, timeoutMs: 180_000 });
        await gitea(["migrate"]);
        const adminUsername = opts.adminUsername ?? "gitea-admin";
        const adminEmail = opts.adminEmail ?? "gitea-admin@airgap.local";
        const created = await gitea(["admin", "user", "create", "--admin", "--username", adminUsername, "--email", adminEmail,
            "--random-password", "--random-password-length", "32", "--must-change-password=false"]);
        const drawn = /generated random password is '([^']+)'/.exec(created.stdout);
        if (!drawn) {
            throw new Error(`gitea admin user create printed no password:\n${created.stdout}\n${created.stderr}`);
        }
        const admin = { username: adminUsername, email: adminEmail, password: drawn[1] };

        const started = Date.now();
        child = spawn(binary, ["--config", config, "--work-path", workDir, "web"], { env, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr!.on("data", (d) => { stderr = (stderr + d).slice(-4000); });
        const exited = new Promise<never>((_, reject) => child!.once("exit", (code, sig) =>
            reject(new Error(`gitea web exited early (code ${code}, signal ${sig})\n${stderr}\n${tailLog()}`))));
        exited.catch(() => undefined);

        const url = `http://127.0.0.1:${port}`;
        const api: GiteaServer["api"] = async (method, apiPath, o = {}) => {
            const auth = o.auth ?? admin;
            const authorization = "token" in auth ? `token ${auth.token}` : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
            const res = await fetch(`${url}/api/v1${apiPath}`, {
                method,
                headers: { Authorization: authorization, ...(o.body === undefined ? {} : { "Content-Type": "application/json" }) },
                body: o.body === undefined ? undefined : JSON.stringify(o.body),
                signal: AbortSignal.timeout(30_000),
            });
            const text = await res.text();
            let body: any = text;
            try {
                body = text ? JSON.parse(text) : undefined;
            } catch {
                // plain text answer
            }
            return { status: res.status, body };
        };
        const ready = (async () => {
            const end = Date.now() + 180_000;
            while (Date.now() < end) {
                try {
                    const r = await api("GET", "/version");
                    if (r.status === 200) return r.body.version as string;
                } catch {
                    // not listening yet
                }
                await sleep(250);
            }
            throw new Error(`Gitea on ${url} did not answer within 180 s\n${stderr}\n${tailLog()}`);
        })();
        const version = await Promise.race([ready, exited]);
        const startSeconds = (Date.now() - started) / 1000;

        const askpass = path.join(workDir, "askpass.sh");
        fs.writeFileSync(askpass, '#!/bin/sh\ncase "$1" in Username*) printf "%s\\n" "$E2E_GIT_USER" ;; *) printf "%s\\n" "$E2E_GIT_TOKEN" ;; esac\n', { mode: 0o700 });
        const git: GiteaServer["git"] = (args, o) => new Promise((resolve, reject) => {
            const p = spawn("git", args, {
                cwd: o.cwd,
                env: {
                    PATH: process.env.PATH, HOME: workDir, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: askpass,
                    E2E_GIT_USER: o.username, E2E_GIT_TOKEN: o.token,
                    GIT_AUTHOR_NAME: "e2e", GIT_AUTHOR_EMAIL: "e2e@airgap.local", GIT_COMMITTER_NAME: "e2e", GIT_COMMITTER_EMAIL: "e2e@airgap.local",
                },
                stdio: ["ignore", "pipe", "pipe"],
            });
            let out = "";
            let err = "";
            p.stdout.on("data", (d) => { out += d; });
            p.stderr.on("data", (d) => { err += d; });
            p.on("error", reject);
            p.on("close", (code) => resolve({ code: code ?? -1, stdout: out, stderr: err }));
        });

        const server: GiteaServer = {
            url, port, version, admin, workDir, logPath, startSeconds, api, git, tailLog, stop,
            async setAdminPassword(password: string) {
                const r = await api("PATCH", `/admin/users/${admin.username}`, {
                    body: { login_name: admin.username, source_id: 0, password, must_change_password: false },
                });
                if (r.status !== 200) {
                    throw new Error(`setting the admin password failed: HTTP ${r.status} ${JSON.stringify(r.body)}`);
                }
                admin.password = password;
            },
        };
        return server;
    } catch (e) {
        await stop();
        throw e;
    }
}
