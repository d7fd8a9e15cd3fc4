// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { rebuildStaleDist, staleSource } from "../../lib/fresh-build";
import { REPO_ROOT } from "../../lib/repo-root";

/** A tiny project beside the repository's node_modules (so that its tsc resolves), removed after. */
function project(): string {
    fs.mkdirSync(path.join(REPO_ROOT, ".tmp"), { recursive: true });
    const root = fs.mkdtempSync(path.join(REPO_ROOT, ".tmp", "fresh-build-"));
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"));
    fs.writeFileSync(path.join(root, "package.json"), "{}\n");
    fs.writeFileSync(path.join(root, "tsconfig.build.json"), JSON.stringify({
        compilerOptions: { outDir: "dist", rootDir: ".", module: "commonjs", target: "es2022", types: [] },
        include: ["main.ts"],
    }));
    fs.mkdirSync(path.join(root, "lib"));
    fs.writeFileSync(path.join(root, "lib", "answer.ts"), "export const answer = 1;\n");
    fs.writeFileSync(path.join(root, "main.ts"), "import { answer } from \"./lib/answer\";\nexport const value = answer;\n");
    return root;
}

const at = (root: string, file: string, seconds: number) => fs.utimesSync(path.join(root, file), seconds, seconds);

describe("compiled dist/ kept fresh (lib/fresh-build.ts)", function () {
    this.timeout(60_000);
    let root: string;
    beforeEach(() => {
        root = project();
    });
    afterEach(() => {
        fs.rmSync(root, { recursive: true, force: true });
    });

    it("names a source newer than its compiled file, and nothing once the build is newer", () => {
        assert.strictEqual(staleSource(root), undefined, "no dist/ yet: nothing compiled to compare");
        assert.strictEqual(rebuildStaleDist(root), false);
        fs.mkdirSync(path.join(root, "dist", "lib"), { recursive: true });
        fs.writeFileSync(path.join(root, "dist", "main.js"), "");
        fs.writeFileSync(path.join(root, "dist", "lib", "answer.js"), "");
        at(root, "main.ts", 1000);
        at(root, "lib/answer.ts", 1000);
        at(root, "dist/main.js", 2000);
        at(root, "dist/lib/answer.js", 2000);
        assert.strictEqual(staleSource(root), undefined);
        at(root, "lib/answer.ts", 3000);
        assert.strictEqual(staleSource(root), path.join("lib", "answer.ts"));
    });

    it("a compiled file whose source was deleted does not make the build stale", () => {
        fs.mkdirSync(path.join(root, "dist"), { recursive: true });
        fs.writeFileSync(path.join(root, "dist", "gone.js"), "");
        at(root, "dist/gone.js", 1000);
        assert.strictEqual(staleSource(root), undefined);
    });

    it("rebuilds a stale dist/ with tsc, after which the new code runs and the build is fresh", () => {
        spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], { cwd: root });
        const run = () => spawnSync(process.execPath, ["-p", "require('./dist/main').value"], { cwd: root, encoding: "utf8" }).stdout.trim();
        assert.strictEqual(run(), "1");
        const now = Date.now() / 1000;
        at(root, "dist/main.js", now - 100);
        at(root, "dist/lib/answer.js", now - 100);
        fs.writeFileSync(path.join(root, "lib", "answer.ts"), "export const answer = 2;\n");
        at(root, "lib/answer.ts", now - 50);
        assert.strictEqual(rebuildStaleDist(root), true);
        assert.strictEqual(run(), "2");
        assert.strictEqual(staleSource(root), undefined);
        assert.strictEqual(rebuildStaleDist(root), false);
        assert.ok(!fs.existsSync(path.join(root, ".dist-build.lock")), "the build lock is released");
    });

    it("the program and the policy CLI run compiled: package.json's main is dist/program.js, TypeScript off", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
        assert.strictEqual(pkg.main, "dist/program.js");
        assert.strictEqual(pkg.scripts.prepare, "npm run build:dist");
        const project = parseYaml(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"));
        assert.deepStrictEqual(project.runtime, { name: "nodejs", options: { typescript: false } });
        assert.strictEqual(project.main, undefined, "a main in Pulumi.yaml would make the program's folder its working directory");
        const build = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "tsconfig.build.json"), "utf8"));
        for (const entry of ["program.ts", "index.ts", "policy/index.ts"]) {
            assert.ok(build.include.includes(entry), `tsconfig.build.json compiles ${entry}`);
        }
    });
});
