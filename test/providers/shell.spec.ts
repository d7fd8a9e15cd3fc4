// Copyright 2026, airgap-platform authors.
//
// The quoting helper against the real bash: whatever goes in comes back byte for byte.

import * as assert from "assert";
import { spawnSync } from "child_process";
import { randomBytes, randomInt } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sh, ShellCode, shellQuote, shLines } from "../../providers/shell";

/** Characters that mean something to a shell, plus line breaks, control characters and non-ASCII text. */
const NASTY = ["'", "\"", "\\", "$", "`", "(", ")", ";", "&", "|", "<", ">", "*", "?", "[", "]", "{", "}", "~", "#", "!", "%",
    "\n", "\r", "\t", " ", "\x01", "\x1b", "\x7f", "-", "=", "é", "日本", "😀", "\u202e", "'\\''", "$(id)", "EOF", "\u00a0"];

/** A random string: shell metacharacters, random code points (any plane, no NUL) and plain letters. */
function randomText(): string {
    const parts: string[] = [];
    const length = randomInt(0, 40);
    for (let i = 0; i < length; i++) {
        const kind = randomInt(0, 3);
        if (kind === 0) {
            parts.push(NASTY[randomInt(0, NASTY.length)]);
        } else if (kind === 1) {
            let cp = randomInt(1, 0x110000);
            while (cp >= 0xd800 && cp <= 0xdfff) {
                cp = randomInt(1, 0x110000);
            }
            parts.push(String.fromCodePoint(cp));
        } else {
            parts.push(String.fromCharCode(randomInt(0x21, 0x7f)));
        }
    }
    return parts.join("");
}

/** Runs `bash -c SCRIPT` and returns stdout's bytes. */
function bashC(script: string): Buffer {
    const r = spawnSync("bash", ["-c", script], { env: { PATH: process.env.PATH, LC_ALL: "C" }, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
    assert.strictEqual(r.status, 0, String(r.stderr));
    return r.stdout;
}

/** The NUL-separated words printed by `printf '%s\0' WORDS...`. */
function words(out: Buffer): Buffer[] {
    const result: Buffer[] = [];
    let start = 0;
    for (let i = 0; i < out.length; i++) {
        if (out[i] === 0) {
            result.push(out.subarray(start, i));
            start = i + 1;
        }
    }
    return result;
}

describe("shellQuote (real bash)", function () {
    this.timeout(30_000);

    it("round-trips 3000 random strings through bash -c, each as exactly one word", () => {
        // Six bash processes of 500 words each: one process per value would cost seconds on a busy machine.
        for (let batch = 0; batch < 6; batch++) {
            const values = Array.from({ length: 500 }, randomText);
            const out = words(bashC(`printf '%s\\0' ${values.map(shellQuote).join(" ")}`));
            assert.strictEqual(out.length, values.length, "a quoted value split into several words or merged with another");
            values.forEach((v, i) => assert.ok(out[i].equals(Buffer.from(v, "utf8")), `round trip of ${JSON.stringify(v).slice(0, 200)} gave ${JSON.stringify(out[i].toString()).slice(0, 200)}`));
        }
    });

    it("round-trips random bytes (not UTF-8) in a script file, and 4 KiB strings", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shell-quote-"));
        try {
            const values = Array.from({ length: 200 }, () => {
                const bytes = randomBytes(randomInt(0, 64)).filter((b) => b !== 0);
                return Buffer.from(bytes).toString("latin1");
            });
            values.push("x".repeat(4096), "'".repeat(4096), "\\'$(id)`id`;&&\n".repeat(300).slice(0, 4096));
            const script = path.join(dir, "script.sh");
            // latin1 writes each char as the byte it stands for, so bash sees the raw bytes.
            fs.writeFileSync(script, Buffer.from(`printf '%s\\0' ${values.map(shellQuote).join(" ")}\n`, "latin1"));
            const r = spawnSync("bash", [script], { env: { PATH: process.env.PATH, LC_ALL: "C" } });
            assert.strictEqual(r.status, 0, String(r.stderr));
            const out = words(r.stdout);
            assert.strictEqual(out.length, values.length);
            values.forEach((v, i) => assert.ok(out[i].equals(Buffer.from(v, "latin1")), `bytes ${JSON.stringify(v).slice(0, 200)}`));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses NUL, which no shell word can hold", () => {
        assert.throws(() => shellQuote("a\0b"), /NUL/);
    });
});

describe("sh template", () => {
    it("quotes every interpolated value and keeps code fragments as code", () => {
        const hostile = "x'; touch /tmp/pwned; echo '";
        const inner = sh`printf '%s\\n' ${hostile}`;
        assert.ok(inner instanceof ShellCode);
        const script = shLines(sh`set -eu`, sh`if true; then ${inner}; fi`, sh`printf '%s\\n' ${["a b", "$(id)"]}`);
        assert.strictEqual(bashC(script.text).toString(), `${hostile}\na b\n$(id)\n`);
        assert.strictEqual(sh`echo ${7}`.text, "echo '7'");
    });
});
