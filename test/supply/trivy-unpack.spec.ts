// Copyright 2026, airgap-platform authors.
//
// The command the seed runs on node-1 (over SSH) to put Trivy's database in place, run here by bash with a
// real db.tar.gz on stdin.

import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { trivyUnpackCommand } from "../../components/registry-seed";

describe("supply: Trivy's database unpacked on the node", () => {
    let dir: string;
    const tarOf = (files: Record<string, string>) => {
        const src = fs.mkdtempSync(path.join(dir, "src-"));
        for (const [name, content] of Object.entries(files)) {
            fs.writeFileSync(path.join(src, name), content);
        }
        return execFileSync("tar", ["-C", src, "-czf", "-", ...Object.keys(files)]);
    };
    const unpack = (cache: string, input: Buffer) => spawnSync("bash", ["-c", trivyUnpackCommand(cache)], { input });

    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "trivy-unpack-")); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("puts trivy.db and metadata.json into <cache>/db, replacing an older database whole", () => {
        const cache = path.join(dir, "var cache 'trivy'");
        assert.strictEqual(unpack(cache, tarOf({ "trivy.db": "old", "metadata.json": "{}", "stale.txt": "x" })).status, 0);
        assert.strictEqual(unpack(cache, tarOf({ "trivy.db": "new", "metadata.json": "{\"Version\":2}" })).status, 0);
        assert.deepStrictEqual(fs.readdirSync(path.join(cache, "db")).sort(), ["metadata.json", "trivy.db"]);
        assert.strictEqual(fs.readFileSync(path.join(cache, "db", "trivy.db"), "utf8"), "new");
        assert.deepStrictEqual(fs.readdirSync(cache), ["db"], "no temporary folder is left behind");
    });

    it("keeps the database in place when the archive is not one (no trivy.db, or not a tar)", () => {
        const cache = path.join(dir, "cache");
        unpack(cache, tarOf({ "trivy.db": "good", "metadata.json": "{}" }));
        assert.notStrictEqual(unpack(cache, tarOf({ "metadata.json": "{}" })).status, 0);
        assert.notStrictEqual(unpack(cache, Buffer.from("not a tarball")).status, 0);
        assert.strictEqual(fs.readFileSync(path.join(cache, "db", "trivy.db"), "utf8"), "good");
        assert.deepStrictEqual(fs.readdirSync(cache), ["db"]);
    });
});
