// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { generatedFiles, readmeTable, settings } from "../../scripts/generate-config-docs";
import { ROOT } from "../helpers/program-harness";

describe("files generated from the configuration schemas", function () {
    // The generator type-checks config.ts to read the JSDoc of every field.
    this.timeout(180000);
    let files: { file: string; content: string }[];
    before(() => {
        files = generatedFiles();
    });

    for (const name of ["Pulumi.yaml", "README.md", "policy/policy-config.example.json"]) {
        it(`${name} is up to date (npm run generate)`, () => {
            const expected = files.find((f) => f.file === name);
            assert.ok(expected, `${name} is generated`);
            assert.ok(fs.readFileSync(path.join(ROOT, name), "utf8") === expected.content, `${name} is stale: run npm run generate`);
        });
    }

    it("documents every setting from its schema JSDoc, with the runtime default", () => {
        const all = settings();
        const undocumented = all.filter((s) => s.doc === "" && !/(^|\.)(enabled|namespace|sshPort|redisImage|dashboardImage|targetRevision|syncWave|prune|selfHeal|createNamespace|name)$/.test(s.key) && !s.key.startsWith("monitoring.images."));
        assert.deepStrictEqual(undocumented.map((s) => s.key), []);
        const address = all.find((s) => s.key === "registry.address");
        assert.strictEqual(address?.defaultValue, "192.168.2.2:5000");
        assert.match(address?.doc ?? "", /host:port of node-1's registry/);
        assert.deepStrictEqual(all.find((s) => s.key === "registry.mode")?.allowed, ["docker", "package"]);
        assert.match(readmeTable(), /^\| `sshPrivateKey` \| \(secret\) \|/m);
        assert.match(readmeTable(), /^\| `monitoring\.images\.thanos` \| `thanos\/thanos:v0\.42\.4` \|/m);
    });

    it("a stale file is detected: the comparison sees a one-character change", () => {
        const readme = files.find((f) => f.file === "README.md")!.content;
        assert.notStrictEqual(readme.replace("192.168.2.2:5000", "192.168.2.3:5000"), readme);
    });
});
