// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LUMEN_GITOPS_CONTENT, repositoryFiles } from "../../components/gitea-content";
import { ROOT } from "../helpers/program-harness";

describe("GiteaContent", () => {
    describe("first commit files", () => {
        let dir: string;
        beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitea-files-")); });
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("maps folders recursively and single files by name, sorted, '/'-separated, bytes as base64", () => {
            fs.mkdirSync(path.join(dir, "tree", "sub"), { recursive: true });
            fs.writeFileSync(path.join(dir, "tree", "b.yaml"), "b: 1\n");
            fs.writeFileSync(path.join(dir, "tree", "sub", ".hidden"), Buffer.from([0, 255, 10]));
            fs.writeFileSync(path.join(dir, "release.yaml"), "on: push\n");
            const files = repositoryFiles([
                { from: path.join(dir, "tree"), to: "03-airgap-zone/app" },
                { from: path.join(dir, "release.yaml"), to: ".gitea/workflows/lumen-release.yaml" },
            ]);
            assert.deepStrictEqual(files, [
                { path: ".gitea/workflows/lumen-release.yaml", content: Buffer.from("on: push\n").toString("base64") },
                { path: "03-airgap-zone/app/b.yaml", content: Buffer.from("b: 1\n").toString("base64") },
                { path: "03-airgap-zone/app/sub/.hidden", content: Buffer.from([0, 255, 10]).toString("base64") },
            ]);
        });

        it("stops on a missing source, naming it and how to render it", () => {
            assert.throws(() => repositoryFiles([{ from: path.join(dir, "missing"), to: "x" }]),
                /Gitea first commit: .*missing does not exist \(it should hold x; run 'npm run release -- --render'/);
        });

        it("stops when two sources write one repository path", () => {
            fs.writeFileSync(path.join(dir, "a"), "1");
            fs.writeFileSync(path.join(dir, "b"), "2");
            assert.throws(() => repositoryFiles([{ from: path.join(dir, "a"), to: "same" }, { from: path.join(dir, "b"), to: "same" }]),
                /two sources write same/);
        });
    });

    it("starts the GitOps repository with the app's rendered tree where lumen-app looks, and its release workflow", () => {
        const cwd = process.cwd();
        process.chdir(ROOT);
        try {
            const files = repositoryFiles(LUMEN_GITOPS_CONTENT).map((f) => f.path);
            const rendered = fs.readdirSync(path.join(ROOT, "apps/lumen/rendered/03-airgap-zone/manifests/app")).map((f) => `03-airgap-zone/manifests/app/${f}`);
            assert.deepStrictEqual(files, [".gitea/workflows/lumen-release.yaml", ...rendered].sort((a, b) => a.localeCompare(b)));
            assert.ok(files.includes("03-airgap-zone/manifests/app/argoproj.io_v1alpha1-rollout-lumen-lumen-api.yaml"));
        } finally {
            process.chdir(cwd);
        }
    });
});
