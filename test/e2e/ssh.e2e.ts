// Copyright 2026, airgap-platform authors.
//
// The SSH transport of RemoteCommand, RemoteFile and SshHostKey against a real sshd on 127.0.0.1, first through
// the providers directly, then through the real engine (host key recorded in the state, a re-keyed node).

import * as assert from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spareTcpPort } from "./harness/cluster";
import { startSshd, Sshd } from "./harness/sshd";
import { ROOT, Workspace } from "./support/pulumi";
import {
    commandProvider, fileProvider, hostKeyProvider, MAX_CONNECTION_ATTEMPTS, mustSucceed, PlainConnection, runOverSsh, uploadCommand,
} from "../../providers/remote";

/** The SHA256 fingerprint of a known_hosts line, as ssh-keygen prints it. */
function fingerprintOf(knownHostsLine: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fp-"));
    try {
        fs.writeFileSync(path.join(dir, "known_hosts"), `${knownHostsLine}\n`);
        return spawnSync("ssh-keygen", ["-l", "-f", path.join(dir, "known_hosts")], { encoding: "utf8" }).stdout.split(" ")[1];
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Start and end (ns) of each `NAME start|end NS` line. */
function timings(log: string): Record<string, bigint> {
    return Object.fromEntries(log.trim().split("\n").map((line) => {
        const [name, revision, edge, ns] = line.split(" ");
        return [`${name}-${revision}-${edge}`, BigInt(ns)];
    }));
}

describe("SSH transport (real sshd)", function () {
    this.timeout(120_000);
    let sshd: Sshd;
    let scratch: string;
    before(async () => {
        sshd = await startSshd();
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ssh-e2e-"));
    });
    after(async () => {
        await sshd?.stop();
        fs.rmSync(scratch, { recursive: true, force: true });
    });
    const conn = (patch: Partial<PlainConnection> = {}): PlainConnection => ({
        node: "node-1", host: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.privateKey, knownHosts: sshd.knownHostsLine,
        stepTimeoutSeconds: 60, ...patch,
    });

    it("runs a script with the node's known host key and returns its output", async () => {
        const r = await runOverSsh(conn(), { script: "echo hello from $(whoami)" });
        assert.deepStrictEqual([r.code, r.stdout, r.started, r.attempts], [0, "hello from root\n", true, 1]);
    });

    it("refuses a node whose host key is not the known one, at once, naming both fingerprints", async () => {
        const other = sshd.knownHostsLine.replace(/ssh-ed25519 \S+/, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMnqR0Tv0cj4Kw2uLmW8G1c3m7qOqMtWmKbV1mJQ4mX9");
        const started = Date.now();
        const r = await runOverSsh(conn({ knownHosts: other }), { script: "echo should not run" });
        assert.deepStrictEqual([r.code, r.started, r.attempts, r.stdout], [255, false, 1, ""]);
        assert.ok(Date.now() - started < 10_000, "a refused host key must not be retried like an unreachable node");
        await assert.rejects(mustSucceed("create script", conn({ knownHosts: other }), r), (e: Error) => {
            assert.ok(e.message.includes(fingerprintOf(other)), e.message);
            assert.ok(e.message.includes(fingerprintOf(sshd.knownHostsLine)), e.message);
            assert.match(e.message, /^create script on node-1 \(127\.0\.0\.1:\d+\) stopped: the node's host key changed/);
            return true;
        });
    });

    it("never re-runs a script that exited 255 itself, and retries a node that does not answer yet", async () => {
        const marker = path.join(scratch, "runs");
        const ran = await runOverSsh(conn(), { script: `echo ran >> '${marker}'; exit 255`, retryDelayMs: 100 });
        assert.deepStrictEqual([ran.code, ran.started, ran.attempts], [255, true, 1]);
        assert.strictEqual(fs.readFileSync(marker, "utf8"), "ran\n");
        const closed = await runOverSsh(conn({ port: await spareTcpPort() }), { script: "true", retryDelayMs: 100 });
        assert.deepStrictEqual([closed.code, closed.started, closed.attempts], [255, false, MAX_CONNECTION_ATTEMPTS]);
    });

    it("stops a step at its deadline, naming the node and the step", async () => {
        const started = Date.now();
        await assert.rejects(commandProvider.create({ connection: conn({ stepTimeoutSeconds: 2 }), create: "exec sleep 30" }),
            /create script on node-1 \(root@127\.0\.0\.1:\d+\) did not finish within the step deadline of 2 s/);
        assert.ok(Date.now() - started < 15_000);
    });

    it("runs two nodes' steps at the same time", async () => {
        const log = path.join(scratch, "parallel");
        const step = (node: string) => `echo "${node} 1 start $(date +%s%N)" >> '${log}'; sleep 2; echo "${node} 1 end $(date +%s%N)" >> '${log}'`;
        await Promise.all(["a", "b"].map((node) => runOverSsh(conn({ node }), { script: step(node) })));
        const t = timings(fs.readFileSync(log, "utf8"));
        assert.ok(t["a-1-start"] < t["b-1-end"] && t["b-1-start"] < t["a-1-end"], "the two steps ran one after the other");
    });

    it("copies a file byte for byte, through a temporary name", async () => {
        const source = path.join(scratch, "blob");
        fs.writeFileSync(source, Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251)));
        const target = path.join(scratch, "nested it's", "copy");
        await fileProvider.create({ connection: conn(), source, sourceSha256: "x", remotePath: target });
        assert.ok(fs.readFileSync(target).equals(fs.readFileSync(source)));
        assert.deepStrictEqual(fs.readdirSync(path.dirname(target)), ["copy"]);
        assert.strictEqual(uploadCommand(target).includes("it'\\''s"), true);
    });

    it("removes the key file and stops ssh when interrupted by SIGTERM", async () => {
        const tmp = fs.mkdtempSync(path.join(scratch, "tmp-"));
        const marker = path.join(scratch, "interrupted-started");
        const program = `require(${JSON.stringify(path.join(ROOT, "providers", "remote"))}).runOverSsh(${JSON.stringify(conn())}, { script: ${JSON.stringify(`touch '${marker}'; exec sleep 30`)} })`;
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", program], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: "ignore" });
        const exited = new Promise((resolve) => child.on("exit", (_c, sig) => resolve(sig)));
        while (!fs.existsSync(marker)) {
            await new Promise((r) => setTimeout(r, 50));
        }
        const ssh = spawnSync("pgrep", ["-P", String(child.pid), "-x", "ssh"], { encoding: "utf8" }).stdout.trim();
        assert.ok(ssh, "no ssh child while the step runs");
        assert.strictEqual(fs.readdirSync(tmp).filter((f) => f.startsWith("airgap-ssh-")).length, 1);
        child.kill("SIGTERM");
        assert.strictEqual(await exited, "SIGTERM");
        assert.deepStrictEqual(fs.readdirSync(tmp).filter((f) => f.startsWith("airgap-ssh-")), [], "the key folder outlived SIGTERM");
        // Gone, or a zombie that nobody reaped yet (its parent, the interrupted process, is gone).
        const ended = () => !fs.existsSync(`/proc/${ssh}`) || /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${ssh}/stat`, "utf8"));
        for (let i = 0; i < 100 && !ended(); i++) {
            await new Promise((r) => setTimeout(r, 50));
        }
        assert.ok(ended(), `ssh (pid ${ssh}) outlived the interrupted step: ${spawnSync("ps", ["-o", "pid,stat,args", "-p", ssh], { encoding: "utf8" }).stdout}`);
    });

    it("records the host key on first contact and refuses the node once it is re-keyed", async () => {
        const learned = await hostKeyProvider.create({ connection: conn({ knownHosts: undefined }) });
        assert.strictEqual(learned.outs!.knownHosts, sshd.knownHostsLine);
        const recorded = conn({ knownHosts: learned.outs!.knownHosts, hostKeyUrn: "urn:pulumi:s::p::x::host-key-node-1" });
        assert.strictEqual((await commandProvider.create({ connection: recorded, create: "echo ok" })).outs!.stdout, "ok\n");
        await sshd.rekey();
        await assert.rejects(commandProvider.create({ connection: recorded, create: "echo ok" }), (e: Error) => {
            assert.ok(e.message.includes(fingerprintOf(learned.outs!.knownHosts)) && e.message.includes(fingerprintOf(sshd.knownHostsLine)), e.message);
            assert.match(e.message, /pulumi up --replace 'urn:pulumi:s::p::x::host-key-node-1'/);
            return true;
        });
    });
});

describe("SSH host keys through the real engine", function () {
    this.timeout(10 * 60_000);
    let sshd: Sshd;
    let ws: Workspace;
    let log: string;
    before(async () => {
        sshd = await startSshd();
        ws = new Workspace("hostkey", "Pulumi.hostkey.yaml", {}, path.join(ROOT, "test", "e2e", "fixtures", "ssh-host-key"));
        log = path.join(ws.dir, "steps.log");
        await ws.init({ "ssh-host-key:privateKey": sshd.privateKey });
        for (const [key, value] of [["host", sshd.host], ["port", String(sshd.port)], ["logFile", log], ["revision", "1"]]) {
            await ws.mustPulumi(["config", "set", `ssh-host-key:${key}`, value, "--config-file", ws.configFile]);
        }
    });
    after(async () => {
        ws?.remove();
        await sshd?.stop();
    });
    const up = (extra: string[] = []) => ws.pulumi(["up", "--yes", "--skip-preview", "--config-file", ws.configFile, ...extra]);
    const revision = (n: number) => ws.mustPulumi(["config", "set", "ssh-host-key:revision", String(n), "--config-file", ws.configFile]);
    const stateKnownHosts = async () => JSON.parse((await ws.mustPulumi(["stack", "output", "knownHosts", "--json"])).stdout);

    it("records node-1's key in the state on first contact and configures both nodes at the same time", async () => {
        const r = await up();
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.strictEqual(await stateKnownHosts(), sshd.knownHostsLine);
        const t = timings(fs.readFileSync(log, "utf8"));
        assert.ok(t["node-a-1-start"] < t["node-b-1-end"] && t["node-b-1-start"] < t["node-a-1-end"], `the nodes ran one after the other: ${fs.readFileSync(log, "utf8")}`);
    });

    it("checks every later call strictly against the recorded key", async () => {
        await revision(2);
        const r = await up();
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.match(fs.readFileSync(log, "utf8"), /node-a 2 end/);
    });

    it("stops when node-1 was re-keyed, naming the node, both fingerprints and the command that accepts it", async () => {
        const before = sshd.knownHostsLine;
        await sshd.rekey();
        await revision(3);
        const r = await up();
        const out = r.stdout + r.stderr;
        assert.notStrictEqual(r.code, 0, out);
        assert.match(out, /update script on node-[ab] \(127\.0\.0\.1:\d+\) stopped: the node's host key changed/);
        assert.ok(out.includes(fingerprintOf(before)) && out.includes(fingerprintOf(sshd.knownHostsLine)), out);
        const urn = JSON.parse((await ws.mustPulumi(["stack", "output", "hostKeyUrn", "--json"])).stdout);
        assert.ok(out.includes(`pulumi up --replace '${urn}'`), out);
        assert.doesNotMatch(fs.readFileSync(log, "utf8"), / 3 start/, "a step ran on the re-keyed node");

        const accepted = await up(["--replace", urn]);
        assert.strictEqual(accepted.code, 0, accepted.stdout + accepted.stderr);
        assert.strictEqual(await stateKnownHosts(), sshd.knownHostsLine);
        assert.match(fs.readFileSync(log, "utf8"), /node-b 3 end/);
    });
});
