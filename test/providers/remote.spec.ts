// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import { commandProvider, mustSucceed } from "../../providers/remote";

const conn = { host: "10.0.0.9", port: 22, user: "ubuntu", privateKey: "k" };

describe("RemoteCommand provider", () => {
    it("updates in place when a script changes and replaces when the node changes", async () => {
        const olds = { connection: conn, create: "echo a", stdout: "a\n" };
        assert.deepStrictEqual(await commandProvider.diff!("id", olds, { connection: conn, create: "echo a" }), { changes: false, replaces: [] });
        assert.deepStrictEqual(await commandProvider.diff!("id", olds, { connection: conn, create: "echo b" }), { changes: true, replaces: [] });
        assert.deepStrictEqual(await commandProvider.diff!("id", olds, { connection: { ...conn, host: "10.0.0.10" }, create: "echo a" }),
            { changes: true, replaces: ["connection"] });
    });

    it("updates when the known host keys change", async () => {
        const olds = { connection: conn, create: "echo a", stdout: "a\n" };
        assert.deepStrictEqual(await commandProvider.diff!("id", olds, { connection: { ...conn, knownHosts: "10.0.0.9 ssh-ed25519 AAAA" }, create: "echo a" }),
            { changes: true, replaces: [] });
    });

    it("names the node, the step and the script's last output when it fails", () => {
        assert.throws(() => mustSucceed("create script", conn, { code: 3, stdout: "step 1 ok", stderr: "disk full" }),
            /create script on ubuntu@10\.0\.0\.9:22 failed \(exit 3\):\ndisk full\nstep 1 ok/);
        assert.deepStrictEqual(mustSucceed("x", conn, { code: 0, stdout: "ok", stderr: "" }).stdout, "ok");
    });
});
