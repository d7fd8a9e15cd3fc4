// Copyright 2026, airgap-platform authors.
//
// The real setup scripts (named *.e2e.ts: they build whatever is not cached yet, which takes the better part of
// an hour on a cold machine) leave every tracked file of the repository as it was: tools modules are built in
// copies, never synced in place.

import * as assert from "assert";
import { createHash } from "crypto";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/** Hash of every tracked file below tools/ and of package.json, plus `git status` of the same paths. */
function trackedState(): string {
    const files = spawnSync("git", ["ls-files", "-z", "tools", "package.json"], { cwd: ROOT, encoding: "utf8" }).stdout.split("\0").filter(Boolean);
    const status = spawnSync("git", ["status", "--porcelain", "--", "tools", "package.json"], { cwd: ROOT, encoding: "utf8" }).stdout;
    const hashes = files.map((f) => `${f} ${fs.existsSync(path.join(ROOT, f)) ? createHash("sha256").update(fs.readFileSync(path.join(ROOT, f))).digest("hex") : "missing"}`);
    return `${status}\n${hashes.join("\n")}`;
}

function script(args: string[]) {
    const r = spawnSync("bash", args.map((a, i) => (i === 0 ? path.join(ROOT, a) : a)), { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    assert.strictEqual(r.status, 0, `${args.join(" ")} failed:\n${r.stderr}`);
}

describe("setup scripts leave tracked files unchanged (real builds)", function () {
    this.timeout(0);

    it("setup-toolchain.sh, setup-cluster.sh and build-go-tool.sh of a tracked module", () => {
        const before = trackedState();
        script(["scripts/setup-toolchain.sh"]);
        script(["scripts/setup-cluster.sh", "--no-apt"]);
        script(["scripts/build-go-tool.sh", "ocisupply"]);
        assert.strictEqual(trackedState(), before);
    });
});
