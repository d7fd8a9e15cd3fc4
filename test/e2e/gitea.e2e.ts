// Copyright 2026, airgap-platform authors.
//
// Gitea's content as code against a real Gitea (the pinned v1.26.0 build, SQLite, on 127.0.0.1): the real
// Pulumi CLI runs the GiteaContent component (test/e2e/fixtures/gitea-content) through create, no-op, token
// rotation, refresh after out-of-band deletes, adoption, refusal and destroy, and every result is read back
// through Gitea's API and git over HTTP.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GiteaServer, startGitea } from "./harness/gitea";
import { CommandResult, ROOT, Workspace } from "./support/pulumi";

const FIXTURE = path.join(ROOT, "test", "e2e", "fixtures", "gitea-content");
const RENDERED = path.join(ROOT, "apps", "lumen", "rendered", "03-airgap-zone", "manifests", "app");
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Outputs of the resources in a stack's state whose URN ends with `::name`, secrets revealed. */
async function stateOf(ws: Workspace, name: string): Promise<any | undefined> {
    const reveal = (v: any): any => {
        if (Array.isArray(v)) return v.map(reveal);
        if (v && typeof v === "object") {
            return v[SIG_KEY] && "plaintext" in v ? JSON.parse(v.plaintext) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
        }
        return v;
    };
    const state = JSON.parse((await ws.mustPulumi(["stack", "export", "--show-secrets"])).stdout);
    const found = (state.deployment.resources ?? []).find((r: any) => r.urn.endsWith(`::${name}`));
    return found && reveal(found.outputs);
}

/** Config of the fixture project (`gitea-content:key`) in the workspace's config file. */
function configure(ws: Workspace, values: Record<string, string>, secret = false): Promise<unknown> {
    return Promise.all(Object.entries(values).map(([key, value]) =>
        ws.mustPulumi(["config", "set", ...(secret ? ["--secret"] : []), `gitea-content:${key}`, "--config-file", ws.configFile], { input: value })));
}

async function workspace(stack: string, gitea: GiteaServer, values: Record<string, string>): Promise<Workspace> {
    const ws = new Workspace(stack, "Pulumi.gitea.yaml", {}, FIXTURE);
    await ws.init({ "gitea-content:adminPassword": gitea.admin.password });
    for (const [key, value] of Object.entries({ apiUrl: gitea.url, adminUsername: gitea.admin.username, ...values })) {
        await ws.mustPulumi(["config", "set", `gitea-content:${key}`, value, "--config-file", ws.configFile]);
    }
    return ws;
}

const up = (ws: Workspace, extra: string[] = []) => ws.mustPulumi(["up", "--yes", "--skip-preview", ...extra, "--config-file", ws.configFile]);

describe("Gitea content as code (real Gitea 1.26, real engine)", function () {
    this.timeout(20 * 60_000);
    let gitea: GiteaServer;
    const timings: Record<string, number> = {};
    before(async function () {
        this.timeout(10 * 60_000);
        gitea = await startGitea();
        // As the platform does: the admin's password is a generated secret set in Gitea out of band.
        await gitea.setAdminPassword(require("crypto").randomBytes(24).toString("base64url"));
    });
    after(async () => {
        await gitea?.stop();
        if (Object.keys(timings).length > 0) {
            console.log(`      gitea ${gitea?.version} start ${gitea?.startSeconds}s; pulumi: ${Object.entries(timings).map(([k, v]) => `${k} ${v}s`).join(", ")}`);
        }
    });

    describe("the platform's content: lumen/lumen", () => {
        let ws: Workspace;
        const tokenOf = async (name: string) => (await stateOf(ws, name)).token as string;
        before(async () => { ws = await workspace("gitea", gitea, {}); });
        after(async () => {
            if (ws) {
                await ws.pulumi(["destroy", "--yes", "--config-file", ws.configFile]);
                ws.remove();
            }
        });

        it("creates the organisation, the private repository with its first commit, machine users, tokens, CI_TOKEN and main's protection", async () => {
            timings.up = (await up(ws)).seconds;
            const org = await gitea.api("GET", "/orgs/lumen");
            assert.deepStrictEqual([org.status, org.body.visibility], [200, "private"]);
            const repo = await gitea.api("GET", "/repos/lumen/lumen");
            assert.deepStrictEqual([repo.status, repo.body.private, repo.body.default_branch, repo.body.empty], [200, true, "main", false]);

            const listed = await gitea.api("GET", "/repos/lumen/lumen/contents/03-airgap-zone/manifests/app?ref=main");
            assert.deepStrictEqual(listed.body.map((f: any) => f.name).sort(), fs.readdirSync(RENDERED).sort());
            const rollout = "argoproj.io_v1alpha1-rollout-lumen-lumen-api.yaml";
            const raw = await gitea.api("GET", `/repos/lumen/lumen/raw/03-airgap-zone/manifests/app/${rollout}?ref=main`);
            assert.strictEqual(raw.body, fs.readFileSync(path.join(RENDERED, rollout), "utf8"), "the rendered Rollout arrived byte for byte");
            const workflow = await gitea.api("GET", "/repos/lumen/lumen/contents/.gitea/workflows/lumen-release.yaml?ref=main");
            assert.strictEqual(Buffer.from(workflow.body.content, "base64").toString(),
                fs.readFileSync(path.join(ROOT, "apps", "lumen", ".gitea", "workflows", "release.yaml"), "utf8"));
            const commits = await gitea.api("GET", "/repos/lumen/lumen/commits?sha=main");
            assert.strictEqual(commits.body.length, 1, "one first commit");

            for (const [user, permission] of [["argocd", "read"], ["lumen-ci", "write"]]) {
                const u = await gitea.api("GET", `/users/${user}`);
                assert.deepStrictEqual([u.body.restricted, u.body.is_admin, u.body.email], [true, false, `${user}@airgap.local`]);
                const p = await gitea.api("GET", `/repos/lumen/lumen/collaborators/${user}/permission`);
                assert.strictEqual(p.body.permission, permission);
            }
            const argocdTokens = await gitea.api("GET", "/users/argocd/tokens");
            assert.deepStrictEqual(argocdTokens.body.map((t: any) => [t.name, t.scopes]), [["argocd-r1", ["read:repository"]]]);
            const ciTokens = await gitea.api("GET", "/users/lumen-ci/tokens");
            assert.deepStrictEqual(ciTokens.body.map((t: any) => [t.name, t.scopes]), [["ci-token-r1", ["write:repository"]]]);
            const secrets = await gitea.api("GET", "/repos/lumen/lumen/actions/secrets");
            assert.deepStrictEqual(secrets.body.map((s: any) => s.name), ["CI_TOKEN"]);
            assert.strictEqual((await stateOf(ws, "content-ci-token-secret")).value, await tokenOf("content-ci-token"), "CI_TOKEN holds the CI token");

            const protection = await gitea.api("GET", "/repos/lumen/lumen/branch_protections/main");
            assert.deepStrictEqual(
                [protection.body.enable_push, protection.body.enable_push_whitelist, protection.body.push_whitelist_usernames, protection.body.enable_force_push,
                    protection.body.enable_status_check],
                [true, true, ["lumen-ci"], false, false]);

            const orgToken = await gitea.api("POST", "/orgs/lumen/actions/runners/registration-token");
            const output = JSON.parse((await ws.mustPulumi(["stack", "output", "runnerRegistrationToken", "--show-secrets", "--json"])).stdout);
            assert.strictEqual(output, orgToken.body.token, "the runner token is lumen's own");
            const instanceToken = await gitea.api("POST", "/admin/actions/runners/registration-token");
            assert.notStrictEqual(output, instanceToken.body.token, "not the instance-wide token");
        });

        it("keeps the tokens and the admin password out of the plain state and the plain outputs", async () => {
            const plain = (await ws.mustPulumi(["stack", "export"])).stdout + (await ws.mustPulumi(["stack", "output", "--json"])).stdout;
            const secrets = [await tokenOf("content-argocd-token"), await tokenOf("content-ci-token"), gitea.admin.password,
                (await stateOf(ws, "content-runner-token")).token];
            for (const secret of secrets) {
                assert.ok(secret.length >= 20);
                assert.ok(!plain.includes(secret), "a secret is readable in the plain state or outputs");
            }
        });

        it("lets Argo CD's token read but not push, and CI_TOKEN push to main; anyone else needs a pull request", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitea-git-"));
            const remote = `${gitea.url}/lumen/lumen.git`;
            const argocd = { username: "argocd", token: await tokenOf("content-argocd-token") };
            const ci = { username: "lumen-ci", token: await tokenOf("content-ci-token") };
            try {
                assert.strictEqual((await gitea.api("GET", "/repos/lumen/lumen", { auth: { token: argocd.token } })).status, 200);
                const write = await gitea.api("POST", "/repos/lumen/lumen/contents/argocd-was-here.txt", {
                    auth: { token: argocd.token }, body: { content: Buffer.from("no").toString("base64"), branch: "main" },
                });
                assert.strictEqual(write.status, 403, JSON.stringify(write.body));

                const clone = await gitea.git(["clone", remote, "work"], { cwd: dir, ...argocd });
                assert.strictEqual(clone.code, 0, clone.stderr);
                const work = path.join(dir, "work");
                fs.writeFileSync(path.join(work, "pushed-by.txt"), "argocd\n");
                await gitea.git(["add", "-A"], { cwd: work, ...argocd });
                await gitea.git(["commit", "-m", "argocd tries to push"], { cwd: work, ...argocd });
                const refused = await gitea.git(["push", "origin", "HEAD:main"], { cwd: work, ...argocd });
                assert.notStrictEqual(refused.code, 0, "Argo CD's token pushed");

                const pushed = await gitea.git(["push", "origin", "HEAD:main"], { cwd: work, ...ci });
                assert.strictEqual(pushed.code, 0, pushed.stderr);
                const head = await gitea.api("GET", "/repos/lumen/lumen/raw/pushed-by.txt?ref=main");
                assert.strictEqual(head.body, "argocd\n", "CI_TOKEN's push reached main");

                // A writer who is not the pipeline goes through a pull request.
                assert.strictEqual((await gitea.api("POST", "/admin/users", {
                    body: { username: "dev", email: "dev@airgap.local", password: "dev-password-123456", must_change_password: false },
                })).status, 201);
                await gitea.api("PUT", "/repos/lumen/lumen/collaborators/dev", { body: { permission: "write" } });
                const devToken = (await gitea.api("POST", "/users/dev/tokens", { body: { name: "t", scopes: ["write:repository"] } })).body.sha1;
                fs.writeFileSync(path.join(work, "pushed-by.txt"), "dev\n");
                await gitea.git(["commit", "-am", "dev pushes directly"], { cwd: work, ...ci });
                const direct = await gitea.git(["push", "origin", "HEAD:main"], { cwd: work, username: "dev", token: devToken });
                assert.notStrictEqual(direct.code, 0, "a writer pushed to protected main directly");
                assert.match(direct.stderr, /protected|not allowed|declined/i, direct.stderr);
                const branch = await gitea.git(["push", "origin", "HEAD:refs/heads/dev-change"], { cwd: work, username: "dev", token: devToken });
                assert.strictEqual(branch.code, 0, `a writer can push a branch for a pull request: ${branch.stderr}`);
            } finally {
                await gitea.api("DELETE", "/admin/users/dev?purge=true");
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("changes nothing on a second up, and never writes over main's later history", async () => {
            const r = await ws.mustPulumi(["up", "--yes", "--expect-no-changes", "--config-file", ws.configFile]);
            timings.noopUp = r.seconds;
            const raw = await gitea.api("GET", "/repos/lumen/lumen/raw/pushed-by.txt?ref=main");
            assert.strictEqual(raw.body, "argocd\n", "the pipeline's commit is still there");
        });

        it("rotates the CI token with one config change: new token in CI_TOKEN, the old one revoked", async () => {
            const old = await tokenOf("content-ci-token");
            await configure(ws, { ciTokenRotation: "2" });
            await up(ws);
            const fresh = await tokenOf("content-ci-token");
            assert.notStrictEqual(fresh, old);
            assert.strictEqual((await stateOf(ws, "content-ci-token-secret")).value, fresh, "CI_TOKEN got the new value");
            const tokens = await gitea.api("GET", "/users/lumen-ci/tokens");
            assert.deepStrictEqual(tokens.body.map((t: any) => t.name), ["ci-token-r2"]);
            assert.strictEqual((await gitea.api("GET", "/repos/lumen/lumen", { auth: { token: old } })).status, 401, "the old token still works");
            assert.strictEqual((await gitea.api("GET", "/repos/lumen/lumen", { auth: { token: fresh } })).status, 200);
            await ws.mustPulumi(["up", "--yes", "--expect-no-changes", "--config-file", ws.configFile]);
        });

        it("notices out-of-band deletes on refresh and recreates them on the next up", async () => {
            assert.strictEqual((await gitea.api("DELETE", "/repos/lumen/lumen")).status, 204);
            assert.strictEqual((await gitea.api("DELETE", "/admin/users/argocd?purge=true")).status, 204);
            const refreshed = await ws.mustPulumi(["refresh", "--yes", "--config-file", ws.configFile]);
            timings.refresh = refreshed.seconds;
            for (const gone of ["content-repo", "content-argocd-user", "content-argocd-token", "content-argocd-access", "content-ci-access",
                "content-ci-token-secret", "content-first-commit", "content-main-protection"]) {
                assert.strictEqual(await stateOf(ws, gone), undefined, `${gone} is still in the state after refresh`);
            }
            await up(ws);
            const repo = await gitea.api("GET", "/repos/lumen/lumen");
            assert.deepStrictEqual([repo.status, repo.body.private], [200, true]);
            const listed = await gitea.api("GET", "/repos/lumen/lumen/contents/03-airgap-zone/manifests/app?ref=main");
            assert.strictEqual(listed.body.length, fs.readdirSync(RENDERED).length, "the first commit was pushed again");
            const argocdToken = await tokenOf("content-argocd-token");
            assert.strictEqual((await gitea.api("GET", "/repos/lumen/lumen", { auth: { token: argocdToken } })).status, 200);
            assert.strictEqual((await gitea.api("GET", "/repos/lumen/lumen/branch_protections/main")).status, 200);
            await ws.mustPulumi(["up", "--yes", "--expect-no-changes", "--config-file", ws.configFile]);
        });

        it("destroys everything it created", async () => {
            const r = await ws.mustPulumi(["destroy", "--yes", "--config-file", ws.configFile]);
            timings.destroy = r.seconds;
            for (const gone of ["/orgs/lumen", "/repos/lumen/lumen", "/users/argocd", "/users/lumen-ci"]) {
                assert.strictEqual((await gitea.api("GET", gone)).status, 404, `${gone} survived destroy`);
            }
            assert.strictEqual((await gitea.api("GET", `/users/${gitea.admin.username}`)).status, 200);
        });
    });

    describe("objects that exist before the stack", () => {
        let ws: Workspace;
        const adopted = { repository: "adopted/gitops", argocdUser: "argocd-adopted", ciUser: "ci-adopted" };
        before(async () => {
            ws = await workspace("gitea-adopt", gitea, adopted);
            assert.strictEqual((await gitea.api("POST", "/orgs", { body: { username: "adopted", visibility: "private" } })).status, 201);
            const repo = await gitea.api("POST", "/orgs/adopted/repos", {
                body: { name: "gitops", private: true, default_branch: "main", auto_init: true, readme: "Default" },
            });
            assert.strictEqual(repo.status, 201, JSON.stringify(repo.body));
        });
        after(async () => {
            if (ws) {
                await ws.pulumi(["destroy", "--yes", "--config-file", ws.configFile]);
                ws.remove();
            }
            await gitea.api("DELETE", "/repos/adopted/gitops");
            await gitea.api("DELETE", "/repos/adopted/public");
            await gitea.api("DELETE", "/orgs/adopted");
        });

        it("stops with HTTP 401, the resource and what to check when the admin password is wrong, creating nothing", async () => {
            await configure(ws, { adminPassword: "not-the-password" }, true);
            const r: CommandResult = await ws.pulumi(["up", "--yes", "--skip-preview", "--config-file", ws.configFile]);
            assert.notStrictEqual(r.code, 0);
            assert.match(r.stdout + r.stderr, /Gitea [a-z ]+'[^']+'.*HTTP 401 Unauthorized.*did not accept the credentials of 'gitea-admin'/);
            assert.strictEqual((await gitea.api("GET", "/users/argocd-adopted")).status, 404);
            await configure(ws, { adminPassword: gitea.admin.password }, true);
        });

        it("adopts a matching repository and organisation, and leaves the repository's history alone", async () => {
            await up(ws);
            assert.strictEqual((await stateOf(ws, "content-repo")).adopted, true);
            assert.strictEqual((await stateOf(ws, "content-org")).adopted, true);
            assert.strictEqual((await stateOf(ws, "content-argocd-user")).adopted, false);
            const commit = await stateOf(ws, "content-first-commit");
            assert.strictEqual(commit.pushed, false);
            const root = await gitea.api("GET", "/repos/adopted/gitops/contents?ref=main");
            assert.deepStrictEqual(root.body.map((f: any) => f.name), ["README.md"], "the stack wrote into a repository with history");
            await ws.mustPulumi(["up", "--yes", "--expect-no-changes", "--config-file", ws.configFile]);
        });

        it("leaves what it adopted on destroy and removes what it created", async () => {
            await ws.mustPulumi(["destroy", "--yes", "--config-file", ws.configFile]);
            assert.strictEqual((await gitea.api("GET", "/repos/adopted/gitops")).status, 200);
            assert.strictEqual((await gitea.api("GET", "/orgs/adopted")).status, 200);
            assert.strictEqual((await gitea.api("GET", "/users/argocd-adopted")).status, 404);
            assert.strictEqual((await gitea.api("GET", "/repos/adopted/gitops/branch_protections/main")).status, 404);
        });

        it("refuses a repository that does not match, names the differences, and changes nothing", async () => {
            assert.strictEqual((await gitea.api("POST", "/orgs/adopted/repos", {
                body: { name: "public", private: false, default_branch: "trunk", auto_init: true, readme: "Default" },
            })).status, 201);
            await configure(ws, { repository: "adopted/public" });
            const r = await ws.pulumi(["up", "--yes", "--skip-preview", "--config-file", ws.configFile]);
            assert.notStrictEqual(r.code, 0);
            const out = r.stdout + r.stderr;
            assert.match(out, /Gitea repository 'adopted\/public' already exists in Gitea and does not match what the stack manages/);
            assert.match(out, /private is false \(the stack wants true\); default_branch is "trunk" \(the stack wants "main"\)/);
            const repo = await gitea.api("GET", "/repos/adopted/public");
            assert.deepStrictEqual([repo.body.private, repo.body.default_branch], [false, "trunk"]);
            assert.strictEqual(await stateOf(ws, "content-repo"), undefined);
        });
    });
});
