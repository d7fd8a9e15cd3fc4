// Copyright 2026, airgap-platform authors.
//
// The Gitea Actions release workflow of lumen-api: test, build and push, with the manifest update done
// by the app stack's release command, and never a :latest tag.

import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { RELEASE_TAG } from "../../apps/lumen/release-tag";
import { APP_DIR } from "./helpers/lumen";

const FILE = path.join(APP_DIR, ".gitea", "workflows", "release.yaml");
const text = fs.readFileSync(FILE, "utf8");
/** The workflow without its comments (which explain why latest and sed are gone). */
const code = text.split("\n").filter((l) => !/^\s*#/.test(l)).join("\n");
const workflow = parseYaml(text) as { on: any; env: Record<string, string>; jobs: Record<string, any> };
const runs = (job: string) => (workflow.jobs[job].steps as Array<{ run?: string }>).map((s) => s.run ?? "").join("\n");

describe("lumen-api release workflow", () => {
    it("tests on pull requests, builds on main, releases on v* tags", () => {
        assert.deepStrictEqual(workflow.on.push, { branches: ["main"], tags: ["v*"] });
        assert.deepStrictEqual(workflow.on.pull_request, { branches: ["main"] });
        assert.strictEqual(workflow.jobs.build.needs, "test");
        assert.strictEqual(workflow.jobs.build.if, "github.event_name != 'pull_request'");
        assert.strictEqual(workflow.jobs.release.needs, "build");
        assert.strictEqual(workflow.jobs.release.if, "github.ref_type == 'tag'");
        assert.match(runs("test"), /go test \.\/\.\.\. -v -count=1/);
    });

    it("tags images with the version and the commit SHA on the node registry, never latest", () => {
        assert.strictEqual(workflow.env.REGISTRY, "192.168.2.2:5000");
        assert.doesNotMatch(code, /latest/);
        const build = runs("build");
        assert.match(build, /sha="\$\{GITHUB_SHA:0:7\}"/);
        assert.match(build, /tags="\$REGISTRY\/\$IMAGE:\$version \$tags"/);
        assert.match(build, /docker push "\$t"/);
        assert.match(build, /trivy image --cache-dir \/var\/cache\/trivy/);
    });

    it("accepts as a release tag exactly what the stack config accepts", () => {
        const build = runs("build");
        const pattern = /grep -Eq '([^']+)'/.exec(build)![1];
        for (const tag of ["v1.5.4", "1.5.4", "v2.0.0-rc.1", "latest", "v1.5", "main", "abc1234"]) {
            const shell = spawnSync("bash", ["-c", `echo "$1" | grep -Eq '${pattern}'`, "_", tag]).status === 0;
            // SHA tags are for pushes to main; a git tag must be a version.
            assert.strictEqual(shell, RELEASE_TAG.test(tag) && !/^[0-9a-f]{7,40}$/.test(tag), tag);
        }
    });

    it("updates the manifests with the release command, not sed, and pushes them to Gitea", () => {
        const release = runs("release");
        assert.doesNotMatch(code, /\bsed\b/);
        assert.match(release, /npm run release -- "\$VERSION" --output "\$GITHUB_WORKSPACE\/\$MANIFEST_DIR"/);
        assert.match(release, /npm run lint:manifests -- "\$GITHUB_WORKSPACE\/\$MANIFEST_DIR"/);
        assert.match(release, /git push origin HEAD:main/);
        assert.match(release, /\[skip ci\]/);
        assert.strictEqual(workflow.env.MANIFEST_DIR, "03-airgap-zone/manifests/app");
        assert.ok(fs.readFileSync(path.join(APP_DIR, "..", "..", "package.json"), "utf8").includes('"release": "bash apps/lumen/release.sh"'));
    });

    it("checks out through Gitea's NodePort URL, as the runner registered", () => {
        for (const job of Object.values(workflow.jobs)) {
            for (const step of job.steps as Array<{ uses?: string; with?: Record<string, string> }>) {
                if (step.uses?.startsWith("actions/checkout")) {
                    assert.strictEqual(step.with?.["github-server-url"], "${{ env.GITEA_URL }}");
                }
            }
        }
        assert.strictEqual(workflow.env.GITEA_URL, "http://192.168.2.2:30300");
    });
});
