// A throwaway OpenSSH server on 127.0.0.1 that stands in for node-1, so that
// @pulumi/command's remote.Command runs real commands over SSH (as root, on this machine).
// Uses Debian's /usr/sbin/sshd (package openssh-server, installed by scripts/setup-cluster.sh)
// with its own host key, its own sshd_config and a fresh ed25519 client key; root by key only.
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { isAlive, registerExitCleanup, run, sleep, spareTcpPort } from "./cluster";

export interface SshdOptions {
    /** Port on 127.0.0.1 (default: a spare port). */
    port?: number;
    /** Path of sshd (default /usr/sbin/sshd). */
    sshdPath?: string;
    /** Keep the temp dir after stop() (also with AIRGAP_E2E_KEEP=1). */
    keepWorkDir?: boolean;
}

export interface Sshd {
    host: "127.0.0.1";
    port: number;
    user: "root";
    /** OpenSSH-format ed25519 private key ("-----BEGIN OPENSSH PRIVATE KEY-----"). */
    privateKey: string;
    privateKeyPath: string;
    publicKey: string;
    /** known_hosts line for [127.0.0.1]:port, for strict host key checking. */
    knownHostsLine: string;
    /** A known_hosts file holding knownHostsLine. */
    knownHostsPath: string;
    /** sshd's log (-E). */
    logPath: string;
    workDir: string;
    /** Args for /usr/bin/ssh that reach this server non-interactively: ssh [...sshArgs, "cmd"]. */
    sshArgs: string[];
    /**
     * Gives the server a new host key, as a reinstalled node would have: restarts it on the same port and
     * updates knownHostsLine and knownHostsPath.
     */
    rekey(): Promise<void>;
    stop(): Promise<void>;
}

const SSHD = "/usr/sbin/sshd";

/** Pids of all descendants of pid (from /proc), deepest last. */
function descendants(pid: number): number[] {
    const children = new Map<number, number[]>();
    for (const d of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(d)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
            const ppid = parseInt(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1], 10);
            if (!children.has(ppid)) children.set(ppid, []);
            children.get(ppid)!.push(parseInt(d, 10));
        } catch {
            /* raced */
        }
    }
    const out: number[] = [];
    const walk = (p: number) => {
        for (const c of children.get(p) ?? []) {
            out.push(c);
            walk(c);
        }
    };
    walk(pid);
    return out;
}

function waitForBanner(port: number, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    const once = () =>
        new Promise<boolean>((resolve) => {
            const s = net.connect({ host: "127.0.0.1", port });
            let data = "";
            const done = (ok: boolean) => {
                s.destroy();
                resolve(ok);
            };
            s.setTimeout(2000, () => done(false));
            s.on("data", (d) => {
                data += d.toString();
                if (data.includes("\n")) done(data.startsWith("SSH-2.0-"));
            });
            s.on("error", () => done(false));
            s.on("close", () => done(false));
        });
    return (async () => {
        while (Date.now() < end) {
            if (await once()) return;
            await sleep(100);
        }
        throw new Error(`sshd on 127.0.0.1:${port} did not answer with an SSH banner within ${timeoutMs}ms`);
    })();
}

export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
    const sshd = opts.sshdPath ?? SSHD;
    if (!fs.existsSync(sshd)) {
        throw new Error(`${sshd} not found; run scripts/setup-cluster.sh (installs openssh-server)`);
    }
    // Compiled-in privilege separation dir; the Debian service creates it at boot, we may have no service.
    fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });

    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-sshd-"));
    const keep = opts.keepWorkDir || process.env.AIRGAP_E2E_KEEP === "1";
    let child: ChildProcess | undefined;
    const killAll = (sig: NodeJS.Signals) => {
        if (!child?.pid) return;
        for (const p of [child.pid, ...descendants(child.pid)]) {
            try {
                process.kill(p, sig);
            } catch {
                /* gone */
            }
        }
    };
    const unregister = registerExitCleanup(workDir, () => {
        killAll("SIGKILL");
        if (!keep) fs.rmSync(workDir, { recursive: true, force: true });
    });
    let stopped = false;
    const halt = async () => {
        if (child?.pid) {
            const pids = [child.pid, ...descendants(child.pid)];
            killAll("SIGTERM");
            const end = Date.now() + 5000;
            while (pids.some(isAlive) && Date.now() < end) await sleep(50);
            for (const p of pids) if (isAlive(p)) try { process.kill(p, "SIGKILL"); } catch { /* gone */ }
        }
    };
    const stop = async () => {
        if (stopped) return;
        stopped = true;
        await halt();
        if (!keep) fs.rmSync(workDir, { recursive: true, force: true });
        unregister();
    };

    try {
        const hostKey = path.join(workDir, "ssh_host_ed25519_key");
        const clientKey = path.join(workDir, "id_ed25519");
        await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "airgap-e2e-host", "-f", hostKey]);
        await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "airgap-e2e-client", "-f", clientKey]);
        const publicKey = fs.readFileSync(`${clientKey}.pub`, "utf8").trim();
        const authorizedKeys = path.join(workDir, "authorized_keys");
        fs.writeFileSync(authorizedKeys, publicKey + "\n", { mode: 0o600 });

        const port = opts.port ?? (await spareTcpPort());
        const logPath = path.join(workDir, "sshd.log");
        const config = path.join(workDir, "sshd_config");
        fs.writeFileSync(
            config,
            [
                `Port ${port}`,
                "ListenAddress 127.0.0.1",
                `HostKey ${hostKey}`,
                `PidFile ${path.join(workDir, "sshd.pid")}`,
                `AuthorizedKeysFile ${authorizedKeys}`,
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "HostbasedAuthentication no",
                "UsePAM no",
                // the key files live under /tmp (world-writable), which StrictModes rejects
                "StrictModes no",
                "AllowUsers root",
                "X11Forwarding no",
                "AllowTcpForwarding yes",
                "PrintMotd no",
                "MaxStartups 100:30:200",
                "MaxSessions 50",
                "LogLevel VERBOSE",
                "Subsystem sftp internal-sftp",
                "",
            ].join("\n"),
        );
        // test the config first: a bad config fails here with a clear message
        await run(sshd, ["-t", "-f", config]);

        const launch = async () => {
            child = spawn(sshd, ["-D", "-f", config, "-E", logPath], { stdio: "ignore" });
            const exited = new Promise<never>((_, reject) =>
                child!.once("exit", (code, sig) => {
                    const log = fs.existsSync(logPath) ? fs.readFileSync(logPath, "utf8").slice(-2000) : "";
                    reject(new Error(`sshd exited early (code ${code}, signal ${sig})\n${log}`));
                }),
            );
            exited.catch(() => undefined);
            await Promise.race([waitForBanner(port, 15_000), exited]);
        };
        await launch();

        const knownHostsPath = path.join(workDir, "known_hosts");
        const knownHostsLineNow = () => {
            const hostPub = fs.readFileSync(`${hostKey}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" ");
            const line = `[127.0.0.1]:${port} ${hostPub}`;
            fs.writeFileSync(knownHostsPath, line + "\n");
            return line;
        };
        const sshArgs = [
            "-i", clientKey,
            "-p", String(port),
            "-o", "BatchMode=yes",
            "-o", "IdentitiesOnly=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", `UserKnownHostsFile=${knownHostsPath}`,
            "-o", "ConnectTimeout=10",
            "-l", "root",
            "127.0.0.1",
        ];
        const server: Sshd = {
            host: "127.0.0.1",
            port,
            user: "root",
            privateKey: fs.readFileSync(clientKey, "utf8"),
            privateKeyPath: clientKey,
            publicKey,
            knownHostsLine: knownHostsLineNow(),
            knownHostsPath,
            logPath,
            workDir,
            sshArgs,
            rekey: async () => {
                await halt();
                fs.rmSync(hostKey, { force: true });
                fs.rmSync(`${hostKey}.pub`, { force: true });
                await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "airgap-e2e-host", "-f", hostKey]);
                await launch();
                server.knownHostsLine = knownHostsLineNow();
            },
            stop,
        };
        return server;
    } catch (e) {
        await stop();
        throw e;
    }
}
