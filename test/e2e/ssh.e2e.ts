// Copyright 2026, airgap-platform authors.
//
// The SSH transport of RemoteCommand and RemoteFile against a real sshd on 127.0.0.1.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startSshd, Sshd } from "./harness/sshd";
import { fileProvider, runOverSsh } from "../../providers/remote";

describe("SSH transport (real sshd)", function () {
    this.timeout(120_000);
    let sshd: Sshd;
    before(async () => { sshd = await startSshd(); });
    after(async () => { await sshd?.stop(); });
    const conn = (knownHosts?: string) => ({ host: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.privateKey, knownHosts });

    it("runs a script with the node's known host key and returns its output", () => {
        const r = runOverSsh(conn(sshd.knownHostsLine), "echo hello from $(whoami)");
        assert.deepStrictEqual([r.code, r.stdout], [0, "hello from root\n"]);
    });

    it("refuses a node whose host key is not the known one", () => {
        const other = sshd.knownHostsLine.replace(/ssh-ed25519 \S+/, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMnqR0Tv0cj4Kw2uLmW8G1c3m7qOqMtWmKbV1mJQ4mX9");
        const started = Date.now();
        const r = runOverSsh(conn(other), "echo should not run");
        assert.strictEqual(r.code, 255);
        assert.ok(Date.now() - started < 10_000, "a refused host key must not be retried like an unreachable node");
        assert.match(r.stderr, /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/);
        assert.strictEqual(r.stdout, "");
    });

    it("copies a file byte for byte, atomically", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssh-copy-"));
        const source = path.join(dir, "blob");
        fs.writeFileSync(source, Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251)));
        const target = path.join(dir, "nested", "copy");
        await fileProvider.create({ connection: conn(sshd.knownHostsLine), source, sourceSha256: "x", remotePath: target });
        assert.ok(fs.readFileSync(target).equals(fs.readFileSync(source)));
        assert.ok(!fs.existsSync(`${target}.part`));
        fs.rmSync(dir, { recursive: true, force: true });
    });
});
