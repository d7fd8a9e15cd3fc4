// Copyright 2026, airgap-platform authors.
//
// scripts/pulumi-env.sh and scripts/bootstrap.sh in real bash: only the throwaway stack gets the public
// passphrase; any other stack without one of its own stops before the toolchain build and before Pulumi.

import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const PUBLIC_PASSPHRASE = "airgap-platform-dev-only";

/** A clean environment: no Pulumi variables from the caller. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
    return { PATH: `${path.join(ROOT, "node_modules", ".bin")}:/usr/local/bin:/usr/bin:/bin`, HOME: os.tmpdir(), ...extra };
}

/** Sources pulumi-env.sh from `repo`, runs `airgap_stack_secrets STACK`, and prints the passphrase it left set. */
function stackSecrets(stack: string, env: Record<string, string> = {}, repo = ROOT) {
    const script = `. '${repo}/scripts/pulumi-env.sh' 2>/dev/null; airgap_stack_secrets '${stack}'; rc=$?; printf '%s|%s' "$rc" "\${PULUMI_CONFIG_PASSPHRASE-unset}"`;
    const r = spawnSync("bash", ["-c", script], { encoding: "utf8", env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    const [rc, passphrase] = r.stdout.split("|");
    return { rc: Number(rc), passphrase, stderr: r.stderr };
}

describe("stack secrets (scripts/pulumi-env.sh, real bash)", function () {
    this.timeout(30_000);
    let tmp: string;
    beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-env-")); });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("sets no passphrase just by being sourced", () => {
        const r = spawnSync("bash", ["-c", `. '${ROOT}/scripts/pulumi-env.sh' 2>/dev/null; printf '%s' "\${PULUMI_CONFIG_PASSPHRASE-unset}"`],
            { encoding: "utf8", env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
        assert.strictEqual(r.stdout, "unset");
    });

    it("gives the throwaway local stack its fixed passphrase, unless one is set", () => {
        assert.deepStrictEqual(stackSecrets("local"), { rc: 0, passphrase: PUBLIC_PASSPHRASE, stderr: "" });
        assert.strictEqual(stackSecrets("local", { PULUMI_CONFIG_PASSPHRASE: "mine" }).passphrase, "mine");
    });

    it("stops any other stack without a passphrase, saying how to set one", () => {
        const r = stackSecrets("dev");
        assert.strictEqual(r.rc, 1);
        assert.strictEqual(r.passphrase, "unset");
        assert.match(r.stderr, /stack 'dev' has no secrets passphrase of its own; nothing was run/);
        assert.match(r.stderr, /export PULUMI_CONFIG_PASSPHRASE_FILE=\$HOME\/\.config\/airgap-platform\/dev\.passphrase/);
    });

    it("refuses the public passphrase, an empty one and a missing passphrase file for another stack", () => {
        assert.strictEqual(stackSecrets("prod", { PULUMI_CONFIG_PASSPHRASE: PUBLIC_PASSPHRASE }).rc, 1);
        assert.strictEqual(stackSecrets("prod", { PULUMI_CONFIG_PASSPHRASE: "" }).rc, 1);
        const missing = stackSecrets("prod", { PULUMI_CONFIG_PASSPHRASE_FILE: path.join(tmp, "nope") });
        assert.strictEqual(missing.rc, 1);
        assert.match(missing.stderr, /PULUMI_CONFIG_PASSPHRASE_FILE=.*nope is missing, unreadable or empty/);
    });

    it("accepts another stack with its own passphrase, passphrase file or secrets provider", () => {
        assert.deepStrictEqual(stackSecrets("dev", { PULUMI_CONFIG_PASSPHRASE: "s3cret-of-dev" }), { rc: 0, passphrase: "s3cret-of-dev", stderr: "" });
        const file = path.join(tmp, "dev.passphrase");
        fs.writeFileSync(file, "s3cret\n", { mode: 0o600 });
        assert.deepStrictEqual(stackSecrets("dev", { PULUMI_CONFIG_PASSPHRASE_FILE: file }), { rc: 0, passphrase: "unset", stderr: "" });
        // A copy of the script in a scratch repository, whose stack file names a KMS key.
        fs.mkdirSync(path.join(tmp, "scripts"));
        fs.copyFileSync(path.join(ROOT, "scripts", "pulumi-env.sh"), path.join(tmp, "scripts", "pulumi-env.sh"));
        fs.writeFileSync(path.join(tmp, "Pulumi.prod.yaml"), "secretsprovider: awskms://alias/airgap?region=eu-west-1\nconfig: {}\n");
        fs.writeFileSync(path.join(tmp, "Pulumi.plain.yaml"), "secretsprovider: passphrase\nconfig: {}\n");
        assert.strictEqual(stackSecrets("prod", {}, tmp).rc, 0);
        assert.strictEqual(stackSecrets("plain", {}, tmp).rc, 1);
    });

    it("npm run bootstrap -- dev stops before the toolchain build and before Pulumi", () => {
        // A `pulumi` that would leave a trace if anything called it.
        fs.mkdirSync(path.join(tmp, "bin"));
        fs.writeFileSync(path.join(tmp, "bin", "pulumi"), `#!/bin/sh\ntouch '${tmp}/pulumi-ran'\n`, { mode: 0o755 });
        const env = cleanEnv();
        env.PATH = `${path.join(tmp, "bin")}:${env.PATH}`;
        const r = spawnSync("bash", [path.join(ROOT, "scripts", "bootstrap.sh"), "dev"], { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"] });
        assert.notStrictEqual(r.status, 0);
        assert.match(r.stderr, /stack 'dev' has no secrets passphrase of its own/);
        assert.doesNotMatch(`${r.stdout}${r.stderr}`, /\[toolchain\]/, "the toolchain build started");
        assert.ok(!fs.existsSync(path.join(tmp, "pulumi-ran")), "pulumi ran");
    });
});
