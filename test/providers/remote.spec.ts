// Copyright 2026, airgap-platform authors.
//
// The SSH providers without a node: a stand-in `ssh` on PATH records its arguments and runs the remote command
// here with bash (test/e2e/ssh.e2e.ts runs the same behaviour against a real sshd).

import * as assert from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../lib/repo-root";
import { providerExport, providerHandler } from "../../providers/dynamic";
import { hostProgram, runInHost } from "../helpers/dynamic-host";
import {
    commandProvider, fileProvider, fingerprints, hostKeyChangedMessage, hostKeyProvider, MAX_CONNECTION_ATTEMPTS, mustSucceed, PlainConnection,
    runOverSsh, sshArguments, SshResult, startMarked, STEP_STARTED, uploadCommand,
} from "../../providers/remote";

const conn: PlainConnection = { node: "node-1", host: "10.0.0.9", port: 22, user: "ubuntu", privateKey: "k", knownHosts: "10.0.0.9 ssh-ed25519 AAAA", stepTimeoutSeconds: 300 };
const result = (r: Partial<SshResult>): SshResult => ({ code: 0, stdout: "", stderr: "", started: true, timedOut: false, attempts: 1, ...r });

/**
 * The stand-in client. It fails the connection (exit 255, nothing started) while `$FAKE_SSH/refuse` holds a
 * count above zero, records argv, its pid and the key file's modes, then runs the remote command with bash.
 */
const FAKE_SSH = `#!/usr/bin/env bash
set -u
state="$FAKE_SSH"
n=0; [ -f "$state/refuse" ] && n="$(cat "$state/refuse")"
echo attempt >> "$state/attempts"
if [ "$n" -gt 0 ]; then echo $((n - 1)) > "$state/refuse"; echo "ssh: connect to host: Connection refused" >&2; exit 255; fi
printf '%s\\0' "$@" > "$state/argv"
echo $$ > "$state/pid"
key=""; prev=""; for a in "$@"; do [ "$prev" = -i ] && key="$a"; prev="$a"; done
stat -c '%a' "$key" "$(dirname "$key")" > "$state/key-modes"
exec bash -c "\${!#}"
`;

/** Waits up to 5 s for a process to end (an unreaped zombie counts as ended). */
async function gone(pid: number): Promise<boolean> {
    for (let i = 0; i < 100; i++) {
        let state: string;
        try {
            state = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        } catch {
            return true;
        }
        if (state.slice(state.lastIndexOf(")") + 2).startsWith("Z")) {
            return true;
        }
        await new Promise((r) => setTimeout(r, 50));
    }
    return false;
}

describe("SSH steps (stand-in ssh client)", function () {
    this.timeout(60_000);
    let fake: string;
    let savedPath: string | undefined;
    const local = (patch: Partial<PlainConnection> = {}): PlainConnection => ({ ...conn, host: "node-1.test", ...patch });
    const attempts = () => fs.readFileSync(path.join(fake, "attempts"), "utf8").trim().split("\n").length;

    // The engine's dynamic-provider host loads each provider through the handler the resource stores
    // (providers/dynamic.ts), in its own process started in the project folder.
    const storedCommandProvider = () => providerHandler(providerExport(commandProvider));

    beforeEach(() => {
        fake = fs.mkdtempSync(path.join(os.tmpdir(), "fake-ssh-"));
        fs.mkdirSync(path.join(fake, "bin"));
        fs.writeFileSync(path.join(fake, "bin", "ssh"), FAKE_SSH, { mode: 0o755 });
        savedPath = process.env.PATH;
        process.env.PATH = `${path.join(fake, "bin")}:${process.env.PATH}`;
        process.env.FAKE_SSH = fake;
    });
    afterEach(() => {
        process.env.PATH = savedPath;
        delete process.env.FAKE_SSH;
        fs.rmSync(fake, { recursive: true, force: true });
    });

    it("calls ssh with -F /dev/null, -l USER, -p PORT, bounded timeouts and the host after --", async () => {
        const r = await runOverSsh(local({ user: "deploy", port: 2222 }), { script: "echo hello" });
        assert.deepStrictEqual([r.code, r.stdout, r.started], [0, "hello\n", true]);
        const argv = fs.readFileSync(path.join(fake, "argv"), "utf8").split("\0").slice(0, -1);
        assert.deepStrictEqual(argv.slice(0, 2), ["-F", "/dev/null"], "the operator's ssh_config must not apply");
        assert.strictEqual(argv[argv.indexOf("-l") + 1], "deploy");
        assert.strictEqual(argv[argv.indexOf("-p") + 1], "2222");
        for (const option of ["ConnectTimeout=10", "ServerAliveInterval=15", "ServerAliveCountMax=4", "StrictHostKeyChecking=yes", "BatchMode=yes"]) {
            assert.ok(argv.includes(option), `missing -o ${option}`);
        }
        assert.deepStrictEqual(argv.slice(-3, -1), ["--", "node-1.test"]);
        assert.ok(!argv.some((a) => a.includes("@")), "user@host would let a user name carry options or a host");
        assert.strictEqual(fs.readFileSync(path.join(fake, "key-modes"), "utf8"), "600\n700\n", "key file 0600 in a 0700 folder");
        assert.strictEqual(r.stderr, "", "the start marker is not part of the output");
    });

    it("retries a connection that failed before the step started, with backoff, then runs it once", async () => {
        fs.writeFileSync(path.join(fake, "refuse"), "2");
        const r = await runOverSsh(local(), { script: "echo ran >> \"$FAKE_SSH/runs\"", retryDelayMs: 50 });
        assert.deepStrictEqual([r.code, r.attempts, attempts()], [0, 3, 3]);
        assert.strictEqual(fs.readFileSync(path.join(fake, "runs"), "utf8"), "ran\n");
    });

    it(`gives up after ${MAX_CONNECTION_ATTEMPTS} connection attempts and says so`, async () => {
        fs.writeFileSync(path.join(fake, "refuse"), "100");
        const r = await runOverSsh(local(), { script: "true", retryDelayMs: 10 });
        assert.deepStrictEqual([r.code, r.started, attempts()], [255, false, MAX_CONNECTION_ATTEMPTS]);
        await assert.rejects(mustSucceed("create script", local(), r), new RegExp(`after ${MAX_CONNECTION_ATTEMPTS} connection attempts`));
    });

    it("never re-runs a script that started and then exited 255 itself", async () => {
        const r = await runOverSsh(local(), { script: "echo ran >> \"$FAKE_SSH/runs\"; exit 255", retryDelayMs: 10 });
        assert.deepStrictEqual([r.code, r.started, r.attempts], [255, true, 1]);
        assert.strictEqual(fs.readFileSync(path.join(fake, "runs"), "utf8"), "ran\n", "the script ran more than once");
    });

    it("stops a step at its deadline and names the node and the step", async () => {
        const started = Date.now();
        // The background sleep keeps ssh's output open after ssh is stopped: the step must not wait for it.
        await assert.rejects(commandProvider.create({ connection: local({ stepTimeoutSeconds: 1 }), create: "sleep 30 & exec sleep 30" }),
            /create script on node-1 \(ubuntu@node-1\.test:22\) did not finish within the step deadline of 1 s \(registry\.sshStepTimeoutSeconds\)/);
        assert.ok(Date.now() - started < 10_000, "the deadline did not stop ssh");
    });

    it("runs the steps of two nodes at the same time", async () => {
        const log = path.join(fake, "times");
        const step = (node: string) => `echo "${node} start $(date +%s%N)" >> '${log}'; sleep 1; echo "${node} end $(date +%s%N)" >> '${log}'`;
        await Promise.all([runOverSsh(local({ node: "a" }), { script: step("a") }), runOverSsh(local({ node: "b" }), { script: step("b") })]);
        const t = Object.fromEntries(fs.readFileSync(log, "utf8").trim().split("\n").map((l) => { const [n, e, ns] = l.split(" "); return [`${n}-${e}`, BigInt(ns)]; }));
        assert.ok(t["a-start"] < t["b-end"] && t["b-start"] < t["a-end"], `the two steps ran one after the other: ${JSON.stringify(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, String(v)])))}`);
    });

    it("copies a file through a temporary name and a rename", async () => {
        const source = path.join(fake, "blob");
        fs.writeFileSync(source, Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251)));
        const target = path.join(fake, "it's $(id)", "copy");
        const r = await runOverSsh(local(), { upload: { file: source, command: uploadCommand(target) } });
        assert.strictEqual(r.code, 0, r.stderr);
        assert.ok(fs.readFileSync(target).equals(fs.readFileSync(source)));
        assert.deepStrictEqual(fs.readdirSync(path.dirname(target)), ["copy"], "a temporary file was left behind");
    });

    it("is loaded by the handler the resource stores, and runs from it in the host's own process", () => {
        for (const provider of [hostKeyProvider, fileProvider]) {
            assert.strictEqual(providerExport(provider).module, "providers/remote.ts");
        }
        const use = `provider.create(${JSON.stringify({ connection: local(), create: "echo from the stored handler" })}).then((c) => process.stdout.write(c.outs.stdout));`;
        const r = runInHost(REPO_ROOT, storedCommandProvider(), use);
        assert.strictEqual(r.status, 0, r.stderr);
        assert.strictEqual(r.stdout, "from the stored handler\n");
    });

    it("removes the key file when the process is stopped by SIGTERM or SIGINT mid-step, and stops ssh", async () => {
        // Each signal in its own process running the provider as the engine's dynamic-provider host would.
        await Promise.all((["SIGTERM", "SIGINT"] as const).map(async (signal) => {
            const state = fs.mkdtempSync(path.join(fake, `${signal}-`));
            const tmp = fs.mkdtempSync(path.join(fake, "tmp-"));
            const marker = path.join(state, "started");
            const step = { connection: local(), create: `touch '${marker}'; exec sleep 30` };
            const program = hostProgram(storedCommandProvider(), `provider.create(${JSON.stringify(step)});`);
            const child: ChildProcess = spawn(process.execPath, ["-e", program], { cwd: REPO_ROOT, env: { ...process.env, TMPDIR: tmp, FAKE_SSH: state }, stdio: "ignore" });
            const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, sig) => resolve(sig)));
            while (!fs.existsSync(marker)) {
                await new Promise((r) => setTimeout(r, 50));
            }
            const keyFolders = () => fs.readdirSync(tmp).filter((f) => f.startsWith("airgap-ssh-"));
            assert.strictEqual(keyFolders().length, 1, "the key folder exists during the step");
            const sshPid = Number(fs.readFileSync(path.join(state, "pid"), "utf8"));
            child.kill(signal);
            assert.strictEqual(await exited, signal, "the signal still ends the process");
            assert.deepStrictEqual(keyFolders(), [], `the key folder outlived ${signal}`);
            assert.ok(await gone(sshPid), `ssh outlived the step interrupted by ${signal}`);
        }));
    });
});

describe("SSH host keys", () => {
    it("computes the same SHA256 fingerprint as ssh-keygen -l", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fp-"));
        try {
            spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "k")]);
            const pub = fs.readFileSync(path.join(dir, "k.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
            const line = `[127.0.0.1]:2222 ${pub}`;
            fs.writeFileSync(path.join(dir, "known_hosts"), `${line}\n`);
            const expected = spawnSync("ssh-keygen", ["-l", "-f", path.join(dir, "known_hosts")], { encoding: "utf8" }).stdout.split(" ")[1];
            assert.deepStrictEqual(fingerprints(`# comment\n${line}\n`), [expected]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("names the node, both fingerprints and the command that accepts a re-keyed node", () => {
        const message = hostKeyChangedMessage("update script", { ...conn, hostKeyUrn: "urn:pulumi:dev::airgap-platform::x::registry-host-key-node-1" }, ["SHA256:new"]);
        assert.match(message, /^update script on node-1 \(10\.0\.0\.9:22\) stopped: the node's host key changed\. Recorded: SHA256:\S+; presented now: SHA256:new\./);
        assert.match(message, /pulumi up --replace 'urn:pulumi:dev::airgap-platform::x::registry-host-key-node-1'/);
        assert.match(hostKeyChangedMessage("x", conn, []), /registry\.sshKnownHosts/);
    });

    it("learns a key anew only when the node's address changes, and keeps it across a new login", async () => {
        const olds = { connection: conn, knownHosts: "10.0.0.9 ssh-ed25519 AAAA" };
        assert.deepStrictEqual(await hostKeyProvider.diff!("id", olds, { connection: { ...conn, port: 2222 } }), { changes: true, replaces: ["connection"] });
        assert.deepStrictEqual(await hostKeyProvider.diff!("id", olds, { connection: conn }), { changes: false, replaces: [] });
        assert.deepStrictEqual(await hostKeyProvider.diff!("id", olds, { connection: { ...conn, privateKey: "k2" } }), { changes: true, replaces: [] });
        const updated = await hostKeyProvider.update!("id", olds, { connection: { ...conn, privateKey: "k2" } });
        assert.strictEqual(updated.outs!.knownHosts, olds.knownHosts);
    });
});

describe("RemoteCommand provider", () => {
    it("updates in place when a script changes and replaces when the node changes", async () => {
        const olds = { connection: conn, create: "echo a", stdout: "a\n" };
        assert.deepStrictEqual(await commandProvider.diff!("id", olds, { connection: conn, create: "echo a" }), { changes: false, replaces: [] });
        assert.deepStrictEqual(await commandProvider.diff!("id", olds, { connection: conn, create: "echo b" }), { changes: true, replaces: [] });
        assert.deepStrictEqual(await commandProvider.diff!("id", olds, { connection: { ...conn, host: "10.0.0.10" }, create: "echo a" }),
            { changes: true, replaces: ["connection"] });
    });

    it("updates when the known host keys change, not when only the deadline does", async () => {
        const olds = { connection: conn, create: "echo a", stdout: "a\n" };
        assert.deepStrictEqual(await commandProvider.diff!("id", olds, { connection: { ...conn, knownHosts: "10.0.0.9 ssh-ed25519 BBBB" }, create: "echo a" }),
            { changes: true, replaces: [] });
        assert.deepStrictEqual(await commandProvider.diff!("id", olds, { connection: { ...conn, stepTimeoutSeconds: 60 }, create: "echo a" }),
            { changes: false, replaces: [] });
    });

    it("names the node, the step and the script's last output when it fails", async () => {
        await assert.rejects(mustSucceed("create script", conn, result({ code: 3, stdout: "step 1 ok", stderr: "disk full" })),
            /create script on node-1 \(ubuntu@10\.0\.0\.9:22\) failed \(exit 3\):\ndisk full\nstep 1 ok/);
        assert.deepStrictEqual((await mustSucceed("x", conn, result({ stdout: "ok" }))).stdout, "ok");
    });

    it("builds remote command lines that parse in bash and in POSIX sh", () => {
        for (const command of [startMarked("exec bash -s"), startMarked(uploadCommand("/var/lib/airgap-platform/images/it's $(id).tar"))]) {
            for (const shell of ["bash", "sh"]) {
                const r = spawnSync(shell, ["-n", "-c", command], { encoding: "utf8" });
                assert.strictEqual(r.status, 0, `${shell} -n: ${r.stderr}\n${command}`);
            }
        }
        assert.ok(startMarked("x").includes(STEP_STARTED));
        assert.deepStrictEqual(sshArguments(conn, "/k", "/kh", true, "cmd").filter((a) => a.startsWith("StrictHostKeyChecking")), ["StrictHostKeyChecking=accept-new"]);
    });
});
