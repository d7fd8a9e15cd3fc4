// Copyright 2026, airgap-platform authors.
//
// The handler every dynamic resource stores (providers/dynamic.ts): what it names, and what it does when the
// engine's dynamic-provider host runs it in the project folder, checked in separate Node.js processes.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { seedProvider } from "../../components/registry-seed";
import { REPO_ROOT } from "../../lib/repo-root";
import { DynamicResource, providerExport, providerHandler } from "../../providers/dynamic";
import { organizationProvider, repositoryProvider } from "../../providers/gitea";
import { passwordProvider } from "../../providers/generated-password";
import { runInHost } from "../helpers/dynamic-host";

describe("dynamic resources load their provider from its module", () => {
    let root: string;
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "dynamic-"));
        fs.mkdirSync(path.join(root, "dist", "lib"), { recursive: true });
        fs.mkdirSync(path.join(root, "dist", "providers"));
        // Stands in for dist/lib/fresh-build.js: it records that the check ran, and when.
        fs.writeFileSync(path.join(root, "dist", "lib", "fresh-build.js"),
            `exports.rebuildStaleDist = () => { require("fs").appendFileSync("order", "check\\n"); return false; };\n`);
        fs.writeFileSync(path.join(root, "dist", "providers", "p.js"),
            `require("fs").appendFileSync(require("path").join(__dirname, "..", "..", "order"), "provider module\\n");\nexports.thing = { kind: "the provider" };\n`);
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("finds each provider as a named export of the program's modules, relative to the repository", () => {
        assert.deepStrictEqual(providerExport(organizationProvider), { module: "providers/gitea.ts", name: "organizationProvider" });
        assert.deepStrictEqual(providerExport(repositoryProvider), { module: "providers/gitea.ts", name: "repositoryProvider" });
        assert.deepStrictEqual(providerExport(passwordProvider), { module: "providers/generated-password.ts", name: "passwordProvider" });
        assert.deepStrictEqual(providerExport(seedProvider), { module: "components/registry-seed/index.ts", name: "seedProvider" });
    });

    it("names the module that defines a provider, not a barrel that re-exports it", () => {
        // A barrel loaded first, re-exporting as TypeScript's `export *` does (getters), like components/index.ts.
        const barrel = path.join(root, "dist", "barrel.js");
        fs.writeFileSync(barrel, `Object.defineProperty(exports, "thing", { enumerable: true, get: () => require("./providers/p.js").thing });\n`);
        const defining = path.join(root, "dist", "providers", "p.js");
        try {
            const thing = require(barrel).thing;
            assert.strictEqual(Object.keys(require.cache).indexOf(barrel) < Object.keys(require.cache).indexOf(defining), true);
            assert.deepStrictEqual(providerExport(thing, root, root), { module: "dist/providers/p.js", name: "thing", buildCheck: "dist/lib/fresh-build.js" });
        } finally {
            delete require.cache[barrel];
            delete require.cache[defining];
        }
    });

    it("refuses a provider that no module exports, as it could only be copied", () => {
        assert.throws(() => providerExport({ async create() { return { id: "x" }; } }), /must be a named export of one of the program's modules/);
    });

    it("names a compiled provider and its build check relative to the project folder", () => {
        const compiled = path.join(root, "dist", "providers", "p.js");
        require(compiled);
        try {
            const thing = require(compiled).thing;
            assert.deepStrictEqual(providerExport(thing, root, root), { module: "dist/providers/p.js", name: "thing", buildCheck: "dist/lib/fresh-build.js" });
            const project = path.join(root, "apps", "other");
            assert.deepStrictEqual(providerExport(thing, root, project),
                { module: "../../dist/providers/p.js", name: "thing", buildCheck: "../../dist/lib/fresh-build.js" });
        } finally {
            delete require.cache[compiled];
        }
    });

    it("loads a compiled provider from the working directory after the stale-build check", () => {
        const handler = providerHandler({ module: "dist/providers/p.js", name: "thing", buildCheck: "dist/lib/fresh-build.js" });
        const r = runInHost(root, handler, "console.log(provider.kind);");
        assert.strictEqual(r.status, 0, r.stderr);
        assert.strictEqual(r.stdout, "the provider\n");
        assert.strictEqual(fs.readFileSync(path.join(root, "order"), "utf8"), "check\nprovider module\n", "dist/ is checked before its provider loads");
    });

    it("names the export and the folder when the module no longer has it", () => {
        const r = runInHost(root, providerHandler({ module: "dist/providers/p.js", name: "renamed", buildCheck: "dist/lib/fresh-build.js" }), "");
        assert.notStrictEqual(r.status, 0);
        assert.match(r.stderr, new RegExp(`the dynamic provider renamed is no longer exported by dist/providers/p.js in ${root}`));
    });

    it("gives a host without ts-node the very provider a TypeScript project uses, from that project's folder", () => {
        // A test project (test/e2e/fixtures) runs the repository's sources with ts-node from its own folder.
        const project = path.join(REPO_ROOT, "test", "e2e", "fixtures", "gitea-content");
        const ref = providerExport(passwordProvider, REPO_ROOT, project);
        assert.deepStrictEqual(ref, { module: "../../../../providers/generated-password.ts", name: "passwordProvider" });
        const r = runInHost(project, providerHandler(ref), "provider.create({ length: 20 }).then((c) => console.log(c.outs.result.length));");
        assert.strictEqual(r.status, 0, r.stderr);
        assert.strictEqual(r.stdout, "20\n");
    });

    it("registers what pulumi.dynamic.Resource would: its type token and the handler as __provider", async () => {
        const registered: pulumi.runtime.MockResourceArgs[] = [];
        await pulumi.runtime.setMocks({
            newResource: (args) => {
                registered.push(args);
                return { id: "id", state: args.inputs };
            },
            call: () => ({}),
        });
        const resource = new DynamicResource(passwordProvider, "pw", { length: 20 }, undefined, "airgap", "GeneratedPassword");
        await new Promise<void>((resolve) => resource.urn.apply(() => resolve()));
        assert.strictEqual(registered[0].type, "pulumi-nodejs:dynamic/airgap:GeneratedPassword");
        assert.strictEqual(registered[0].inputs.__provider, providerHandler(providerExport(passwordProvider)));
        assert.throws(() => new DynamicResource(passwordProvider, "pw2", { __provider: "x" }, undefined, "airgap", "GeneratedPassword"), /must not define the __provider input/);
    });
});
