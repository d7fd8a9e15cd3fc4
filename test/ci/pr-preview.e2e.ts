// The pull-request step end to end: a real Gitea 1.26.0 on 127.0.0.1 (test/e2e/harness/gitea.ts), a pull
// request opened through its API, and scripts/ci/pr-preview.sh (what the workflow runs) previewing the
// throwaway program of test/ci/fixtures/preview-program with the real CLI and the policy pack. The comment
// is created once, edited on the next push (still one), and a violating change fails the step with a
// comment that says why. The token is a machine user's with the scopes docs/pr-previews.md asks for.
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GiteaServer, startGitea } from "../e2e/harness/gitea";
import { upsertPreviewComment } from "../../scripts/ci/gitea-comment";
import { COMMENT_MARKER, DEFAULT_MAX_CHARS } from "../../scripts/ci/preview-comment";
import { FIXTURE_STACK, FixtureStack, REPO, createFixtureStack } from "./support/fixture-stack";

const OWNER = "gitea-admin";
const REPO_NAME = "platform";
const CI_USER = "platform-ci";

describe("pull-request preview comment on a real Gitea (scripts/ci/pr-preview.sh)", function () {
    let gitea: GiteaServer;
    let stack: FixtureStack;
    let dir: string;
    let token: string;
    let prIndex: number;

    async function mustApi(method: string, apiPath: string, body?: unknown, auth?: { token: string }) {
        const r = await gitea.api(method, apiPath, { body, auth });
        assert.ok(r.status >= 200 && r.status < 300, `${method} ${apiPath}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
        return r.body;
    }

    /** A commit on the pull request's branch through the contents API (a "push"); returns the new head SHA. */
    async function push(file: string): Promise<string> {
        await mustApi("POST", `/repos/${OWNER}/${REPO_NAME}/contents/${file}`, { branch: "change", message: `add ${file}`, content: Buffer.from(`${file}\n`).toString("base64") });
        return (await mustApi("GET", `/repos/${OWNER}/${REPO_NAME}/branches/change`)).commit.id;
    }

    async function previewComments(): Promise<{ id: number; body: string }[]> {
        const all = await mustApi("GET", `/repos/${OWNER}/${REPO_NAME}/issues/${prIndex}/comments`);
        return (all as { id: number; body: string }[]).filter((c) => c.body.includes(COMMENT_MARKER));
    }

    /** Runs the workflow's step; resolves with its exit code and output. */
    async function runStep(sha: string): Promise<{ code: number; stdout: string; stderr: string; seconds: number }> {
        const started = Date.now();
        const env = {
            ...stack.env, GITEA_URL: gitea.url, GITHUB_REPOSITORY: `${OWNER}/${REPO_NAME}`, PR_NUMBER: String(prIndex), GITHUB_SHA: sha, CI_TOKEN: token,
        };
        const args = [path.join(REPO, "scripts", "ci", "pr-preview.sh"), "--stacks", FIXTURE_STACK, "--program", stack.program,
            "--lint", path.join(REPO, "apps", "lumen", "rendered", "03-airgap-zone", "manifests"), "--out", path.join(dir, "out")];
        return new Promise((resolve) => {
            execFile("bash", args, { env, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
                const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
                resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
            });
        });
    }

    /** A push, then the step; the step ends with `code` and the pull request still has one preview comment, the same. */
    async function pushAndRun(file: string, label: string, code: number) {
        const before = await previewComments();
        const sha = await push(file);
        const r = await runStep(sha);
        console.log(`      ${label}: ${r.seconds.toFixed(1)} s`);
        assert.strictEqual(r.code, code, r.stderr.slice(-3000));
        const after = await previewComments();
        assert.strictEqual(after.length, 1);
        assert.strictEqual(after[0].id, before[0].id);
        return { comment: after[0], r, sha };
    }

    before(async function () {
        this.timeout(900_000);
        gitea = await startGitea();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ci-pr-preview-"));
        await mustApi("POST", "/user/repos", { name: REPO_NAME, private: true, auto_init: true, default_branch: "main" });
        await mustApi("POST", "/admin/users", { username: CI_USER, email: `${CI_USER}@airgap.local`, password: `Pw-${Date.now()}-x9!Q`, must_change_password: false, restricted: true });
        await mustApi("PUT", `/repos/${OWNER}/${REPO_NAME}/collaborators/${CI_USER}`, { permission: "write" });
        token = (await mustApi("POST", `/users/${CI_USER}/tokens`, { name: "ci", scopes: ["write:issue", "read:repository"] })).sha1;
        await mustApi("POST", `/repos/${OWNER}/${REPO_NAME}/branches`, { new_branch_name: "change", old_branch_name: "main" });
        await push("first.txt");
        prIndex = (await mustApi("POST", `/repos/${OWNER}/${REPO_NAME}/pulls`, { head: "change", base: "main", title: "change the platform" })).number;
        stack = await createFixtureStack(dir, `file://${path.join(dir, "state")}`);
    });

    after(async () => {
        await gitea?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("comments once on the pull request: a secret change shown as [secret], the step passes", async function () {
        this.timeout(600_000);
        await stack.setToken("rotated-token-one");
        const sha = (await mustApi("GET", `/repos/${OWNER}/${REPO_NAME}/pulls/${prIndex}`)).head.sha;
        const r = await runStep(sha);
        console.log(`      first run: ${r.seconds.toFixed(1)} s`);
        assert.strictEqual(r.code, 0, r.stderr.slice(-3000));
        const comments = await previewComments();
        assert.strictEqual(comments.length, 1);
        assert.ok(comments[0].body.startsWith(COMMENT_MARKER));
        assert.match(comments[0].body, /### Pulumi preview and policy check: passes/);
        assert.match(comments[0].body, new RegExp(`commit \`${sha.slice(0, 12)}\``));
        assert.match(comments[0].body, /`data\.token`: \[secret\] → \[secret\]/);
        assert.doesNotMatch(comments[0].body + r.stdout + r.stderr, /rotated-token-one|first-token-value/);
        assert.match(r.stderr, /comment \d+ created on gitea-admin\/platform#/);
    });

    it("edits the same comment on the next push: still one comment", async function () {
        this.timeout(600_000);
        const { comment, r, sha } = await pushAndRun("second.txt", "second run", 0);
        assert.match(comment.body, new RegExp(`commit \`${sha.slice(0, 12)}\``));
        assert.match(r.stderr, new RegExp(`comment ${comment.id} edited`));
    });

    it("fails the step on a violating change and says why in the same comment", async function () {
        this.timeout(600_000);
        await stack.setPhase("change");
        const { comment } = await pushAndRun("third.txt", "violating run", 1);
        const after = [comment];
        assert.match(after[0].body, /### Pulumi preview and policy check: blocked/);
        assert.match(after[0].body, /stack `fixture`: 2 mandatory policy violations \(`workload-enforce-internal-image`, `stack-enforce-crd-dependency`\)/);
        assert.match(after[0].body, /\| `outside-image` \| `workload-enforce-internal-image` \| .*docker\.io\/library\/nginx/);
        assert.match(after[0].body, /\*\*Policy: advisory \(1\)\*\*/);
        // The event log (it holds secrets in its debug lines) is gone; only the policy events were kept.
        assert.deepStrictEqual(fs.readdirSync(path.join(dir, "out")).sort(), ["fixture.policy-events.jsonl", "fixture.preview.json", "lint.json", "preview-comment.md", "violations.json"]);
        assert.doesNotMatch(fs.readdirSync(path.join(dir, "out")).map((f) => fs.readFileSync(path.join(dir, "out", f), "utf8")).join("\n"), /rotated-token-one/);
    });

    it("Gitea keeps a comment of the renderer's full size intact", async function () {
        this.timeout(120_000);
        const body = `${COMMENT_MARKER}\n${"x".repeat(DEFAULT_MAX_CHARS - COMMENT_MARKER.length - 1)}`;
        const r = await upsertPreviewComment({ url: gitea.url, owner: OWNER, repo: REPO_NAME, index: prIndex, token }, body);
        assert.strictEqual(r.action, "edited");
        const stored = (await previewComments())[0];
        assert.strictEqual(stored.body.length, DEFAULT_MAX_CHARS);
    });

    it("names the missing scope when the token may not comment", async function () {
        this.timeout(120_000);
        const repoOnly = (await mustApi("POST", `/users/${CI_USER}/tokens`, { name: "repo-only", scopes: ["write:repository"] })).sha1;
        await assert.rejects(upsertPreviewComment({ url: gitea.url, owner: OWNER, repo: REPO_NAME, index: prIndex, token: repoOnly }, `${COMMENT_MARKER}\nx`),
            /HTTP 403 .*CI_TOKEN may not comment here: its token needs the write:issue scope/);
    });
});
