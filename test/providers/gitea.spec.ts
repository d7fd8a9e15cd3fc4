// Copyright 2026, airgap-platform authors.
//
// The request, error and diff logic of the Gitea providers against a scripted HTTP server on 127.0.0.1 (real
// sockets, canned answers). test/e2e/gitea.e2e.ts runs the same providers against a real Gitea.

import * as assert from "assert";
import * as http from "http";
import * as net from "net";
import {
    accessTokenProvider, actionsSecretProvider, branchProtectionFields, giteaRequest, initialCommitProvider, mismatches,
    objectProvider, PlainApi, repositoryKind, RequestPolicy,
} from "../../providers/gitea";

interface Seen {
    method: string;
    url: string;
    authorization?: string;
    body: any;
}

type Handler = (req: Seen) => { status: number; body?: unknown } | "hang";

/** A server that answers each request with `handler` and records what it received. */
async function stubGitea(handler: Handler): Promise<{ api: PlainApi; seen: Seen[]; close(): Promise<void> }> {
    const seen: Seen[] = [];
    const server = http.createServer((req, res) => {
        let raw = "";
        req.on("data", (d) => { raw += d; });
        req.on("end", () => {
            const entry = { method: req.method!, url: req.url!, authorization: req.headers.authorization, body: raw ? JSON.parse(raw) : undefined };
            seen.push(entry);
            const answer = handler(entry);
            if (answer === "hang") {
                return;
            }
            res.writeHead(answer.status, { "Content-Type": "application/json" });
            res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    return {
        api: { url: `http://127.0.0.1:${port}/`, username: "gitea-admin", password: "s3cret" },
        seen,
        close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
    };
}

const FAST: RequestPolicy = { timeoutMs: 300, attempts: 3, firstBackoffMs: 10 };
const WHAT = "Gitea repository 'lumen/lumen'";

async function rejection(p: Promise<unknown>): Promise<Error & { status: number }> {
    try {
        await p;
    } catch (e) {
        return e as Error & { status: number };
    }
    assert.fail("expected the call to fail");
}

describe("Gitea API requests", () => {
    it("sends basic auth and JSON to /api/v1 and returns the parsed answer", async () => {
        const s = await stubGitea(() => ({ status: 201, body: { id: 7 } }));
        try {
            const r = await giteaRequest(s.api, WHAT, "POST", "/orgs", { body: { username: "lumen" }, policy: FAST });
            assert.deepStrictEqual(r, { status: 201, body: { id: 7 } });
            assert.strictEqual(s.seen[0].url, "/api/v1/orgs");
            assert.strictEqual(s.seen[0].authorization, `Basic ${Buffer.from("gitea-admin:s3cret").toString("base64")}`);
            assert.deepStrictEqual(s.seen[0].body, { username: "lumen" });
        } finally {
            await s.close();
        }
    });

    it("retries a GET after 5xx answers, a bounded number of times", async () => {
        let calls = 0;
        const s = await stubGitea(() => (++calls < 3 ? { status: 503, body: { message: "busy" } } : { status: 200, body: { ok: true } }));
        try {
            assert.deepStrictEqual((await giteaRequest(s.api, WHAT, "GET", "/repos/lumen/lumen", { policy: FAST })).body, { ok: true });
            assert.strictEqual(calls, 3);
        } finally {
            await s.close();
        }
        const always = await stubGitea(() => ({ status: 500, body: { message: "database is locked" } }));
        try {
            const e = await rejection(giteaRequest(always.api, WHAT, "GET", "/repos/lumen/lumen", { policy: FAST }));
            assert.strictEqual(always.seen.length, 3);
            assert.strictEqual(e.status, 500);
            assert.match(e.message, /^Gitea repository 'lumen\/lumen': GET \/repos\/lumen\/lumen failed after 3 attempts: HTTP 500 .*database is locked.*Gitea's log/);
        } finally {
            await always.close();
        }
    });

    it("never retries a 4xx answer, nor a POST that may have reached Gitea", async () => {
        const s = await stubGitea((req) => (req.method === "POST" ? { status: 502 } : { status: 404, body: { message: "not found" } }));
        try {
            await rejection(giteaRequest(s.api, WHAT, "GET", "/repos/lumen/lumen", { policy: FAST }));
            assert.strictEqual(s.seen.length, 1);
            const e = await rejection(giteaRequest(s.api, WHAT, "POST", "/orgs/lumen/repos", { policy: FAST }));
            assert.strictEqual(s.seen.length, 2);
            assert.match(e.message, /not retried: Gitea may have received it/);
            await giteaRequest(s.api, WHAT, "POST", "/orgs/lumen/actions/runners/registration-token", { policy: FAST, idempotent: true }).catch(() => undefined);
            assert.strictEqual(s.seen.length, 5, "an idempotent POST is retried like a GET");
        } finally {
            await s.close();
        }
    });

    it("retries a refused connection and then says where it tried and what to check", async () => {
        const s = await stubGitea(() => ({ status: 200 }));
        await s.close();
        const started = Date.now();
        const e = await rejection(giteaRequest(s.api, WHAT, "POST", "/orgs", { policy: FAST }));
        assert.strictEqual(e.status, 0);
        assert.match(e.message, new RegExp(`^Gitea repository 'lumen/lumen': POST /orgs failed after 3 attempts: cannot reach Gitea at ${s.api.url.replace(/\/$/, "")} \\(ECONNREFUSED\\)`));
        assert.match(e.message, /giteaContent\.apiUrl/);
        assert.ok(Date.now() - started >= 30, "the attempts were spaced by the backoff");
    });

    it("gives up on a request that gets no answer before the timeout", async () => {
        const s = await stubGitea(() => "hang");
        try {
            const e = await rejection(giteaRequest(s.api, WHAT, "GET", "/version", { policy: { ...FAST, attempts: 2 } }));
            assert.strictEqual(s.seen.length, 2);
            assert.match(e.message, /no answer before the timeout/);
        } finally {
            await s.close();
        }
    });

    for (const [status, advice] of [
        [401, /did not accept the credentials of 'gitea-admin'.*gitea\.adminUsername/],
        [403, /'gitea-admin' may not do this: the stack must act as a Gitea site administrator/],
        [404, /does not exist in Gitea.*pulumi refresh/],
        [409, /conflicting object of that name: remove or rename it/],
        [422, /Gitea refused the values: correct the setting/],
    ] as [number, RegExp][]) {
        it(`explains HTTP ${status} with the resource, the status, Gitea's message and what to do`, async () => {
            const s = await stubGitea(() => ({ status, body: { message: `reason ${status}` } }));
            try {
                const e = await rejection(giteaRequest(s.api, WHAT, "PATCH", "/repos/lumen/lumen", { policy: FAST }));
                assert.strictEqual(e.status, status);
                assert.match(e.message, new RegExp(`^Gitea repository 'lumen/lumen': PATCH /repos/lumen/lumen failed with HTTP ${status} .*\\(Gitea: reason ${status}\\)`));
                assert.match(e.message, advice);
                assert.strictEqual(s.seen.length, 1);
            } finally {
                await s.close();
            }
        });
    }

    it("names the redirect target when the URL is not where Gitea serves its API", async () => {
        const s = await stubGitea(() => ({ status: 301 }));
        try {
            const e = await rejection(giteaRequest(s.api, WHAT, "GET", "/repos/lumen/lumen", { policy: FAST }));
            assert.match(e.message, /HTTP 301 .*giteaContent\.apiUrl must be the URL Gitea serves its API on/);
        } finally {
            await s.close();
        }
    });

    it("reads Gitea's binding errors and lets a call give its own advice", async () => {
        const s = await stubGitea(() => ({ status: 422, body: [{ fieldNames: ["Name"], classification: "AlphaDashDotError", message: "AlphaDashDot" }] }));
        try {
            const e = await rejection(giteaRequest(s.api, WHAT, "POST", "/orgs", { policy: FAST, hints: { 422: "choose another owner" } }));
            assert.match(e.message, /\(Gitea: Name: AlphaDashDot\)\. choose another owner\.$/);
        } finally {
            await s.close();
        }
    });
});

describe("Gitea object providers (scripted server)", () => {
    const repoInputs = (api: PlainApi) => ({ api, owner: "lumen", name: "lumen", private: true, defaultBranch: "main" });
    const live = { private: true, default_branch: "main", archived: false, mirror: false, name: "lumen" };
    const provider = objectProvider(repositoryKind);

    it("adopts an existing repository that matches, without creating anything", async () => {
        const s = await stubGitea(() => ({ status: 200, body: live }));
        try {
            const r = await provider.create(repoInputs(s.api));
            assert.strictEqual(r.id, "lumen/lumen");
            assert.strictEqual(r.outs!.adopted, true);
            assert.deepStrictEqual(s.seen.map((x) => x.method), ["GET"]);
            await provider.delete!(r.id, r.outs!);
            assert.deepStrictEqual(s.seen.map((x) => x.method), ["GET"], "destroy leaves an adopted repository alone");
        } finally {
            await s.close();
        }
    });

    it("refuses an existing repository that does not match, naming every difference", async () => {
        const s = await stubGitea(() => ({ status: 200, body: { ...live, private: false, default_branch: "master" } }));
        try {
            const e = await rejection(provider.create(repoInputs(s.api)));
            assert.match(e.message, /^Gitea repository 'lumen\/lumen' already exists in Gitea and does not match what the stack manages: /);
            assert.match(e.message, /private is false \(the stack wants true\); default_branch is "master" \(the stack wants "main"\)/);
            assert.match(e.message, /make it private.*or delete it/);
            assert.deepStrictEqual(s.seen.map((x) => x.method), ["GET"], "nothing was changed");
        } finally {
            await s.close();
        }
    });

    it("creates a missing repository empty, private, on main, and deletes it on destroy", async () => {
        const s = await stubGitea((req) => (req.method === "GET" ? { status: 404 } : req.method === "POST" ? { status: 201, body: live } : { status: 204 }));
        try {
            const r = await provider.create(repoInputs(s.api));
            assert.strictEqual(r.outs!.adopted, false);
            assert.deepStrictEqual(s.seen[1], {
                method: "POST", url: "/api/v1/orgs/lumen/repos", authorization: s.seen[1].authorization,
                body: { name: "lumen", private: true, default_branch: "main", auto_init: false },
            });
            await provider.delete!(r.id, r.outs!);
            assert.deepStrictEqual(s.seen.slice(2).map((x) => `${x.method} ${x.url}`), ["DELETE /api/v1/repos/lumen/lumen"]);
        } finally {
            await s.close();
        }
    });

    it("removes what a create left behind when Gitea's answer was lost", async () => {
        let exists = false;
        const s = await stubGitea((req) => {
            if (req.method === "POST") {
                exists = true;
                return { status: 500, body: { message: "timeout writing the answer" } };
            }
            if (req.method === "DELETE") {
                exists = false;
                return { status: 204 };
            }
            return exists ? { status: 200, body: live } : { status: 404 };
        });
        try {
            const e = await rejection(provider.create(repoInputs(s.api)));
            assert.match(e.message, /HTTP 500.*The partly created Gitea repository 'lumen\/lumen' was removed again\./);
            assert.strictEqual(exists, false);
            assert.deepStrictEqual(s.seen.map((x) => x.method), ["GET", "POST", "GET", "DELETE"]);
        } finally {
            await s.close();
        }
    });

    it("does not clean up after a 4xx: the object it hit belongs to someone else", async () => {
        const s = await stubGitea((req) => (req.method === "POST" ? { status: 409, body: { message: "The repository with the same name already exists." } } : { status: 404 }));
        try {
            const e = await rejection(provider.create(repoInputs(s.api)));
            assert.match(e.message, /HTTP 409 .*Unadopted/);
            assert.deepStrictEqual(s.seen.map((x) => x.method), ["GET", "POST"]);
        } finally {
            await s.close();
        }
    });

    it("reads a deleted repository as gone, and drift as a change to put back", async () => {
        const gone = await stubGitea(() => ({ status: 404 }));
        const state = { ...repoInputs(gone.api), adopted: false, observed: { private: true, default_branch: "main", archived: false, mirror: false } };
        try {
            assert.deepStrictEqual(await provider.read!("lumen/lumen", state), { id: "" });
        } finally {
            await gone.close();
        }
        const drifted = await stubGitea(() => ({ status: 200, body: { ...live, private: false } }));
        try {
            const read = await provider.read!("lumen/lumen", { ...state, api: drifted.api });
            const diff = await provider.diff!("lumen/lumen", read.props!, repoInputs(drifted.api));
            assert.deepStrictEqual(diff, { changes: true, replaces: [] });
        } finally {
            await drifted.close();
        }
    });

    it("replaces on a new name, updates only the state on new credentials, and is quiet otherwise", async () => {
        const api = { url: "http://127.0.0.1:1", username: "gitea-admin", password: "a" };
        const olds = { ...repoInputs(api), adopted: false, observed: { private: true, default_branch: "main", archived: false, mirror: false } };
        assert.deepStrictEqual(await provider.diff!("x", olds, repoInputs(api)), { changes: false, replaces: [] });
        assert.deepStrictEqual(await provider.diff!("x", olds, { ...repoInputs(api), name: "other" }), { changes: true, replaces: ["name"] });
        assert.deepStrictEqual(await provider.diff!("x", olds, repoInputs({ ...api, password: "b" })), { changes: true, replaces: [] });
        // No request: nothing in Gitea differs (the URL points nowhere).
        const updated = await provider.update!("x", olds, repoInputs({ ...api, password: "b" }));
        assert.strictEqual(updated.outs!.api.password, "b");
    });
});

describe("Gitea token, secret and first-commit providers (scripted server)", () => {
    it("issues a new token before deleting the old one on rotation, and deletes first on a scope change", async () => {
        const api = { url: "http://127.0.0.1:1", username: "gitea-admin", password: "a" };
        const olds = { api, username: "argocd", name: "argocd-1", scopes: ["read:repository"], token: "t", tokenId: 3, lastEight: "t" };
        const rotated = await accessTokenProvider.diff!("3", olds, { api, username: "argocd", name: "argocd-2", scopes: ["read:repository"] });
        assert.deepStrictEqual(rotated, { changes: true, replaces: ["name"], deleteBeforeReplace: false });
        const rescoped = await accessTokenProvider.diff!("3", olds, { api, username: "argocd", name: "argocd-1", scopes: ["write:repository"] });
        assert.deepStrictEqual(rescoped, { changes: true, replaces: ["scopes"], deleteBeforeReplace: true });
        const same = await accessTokenProvider.diff!("3", olds, { api, username: "argocd", name: "argocd-1", scopes: ["read:repository"] });
        assert.deepStrictEqual(same, { changes: false, replaces: [], deleteBeforeReplace: false });
    });

    it("refuses to adopt a token of the same name (its value is shown only once) and says what to do", async () => {
        const s = await stubGitea(() => ({ status: 400, body: { message: "access token name has been used already" } }));
        try {
            const e = await rejection(accessTokenProvider.create({ api: s.api, username: "argocd", name: "argocd-1", scopes: ["read:repository"] }));
            assert.match(e.message, /^Gitea access token 'argocd-1' of 'argocd': POST \/users\/argocd\/tokens failed with HTTP 400/);
            assert.match(e.message, /cannot adopt it: delete it in Gitea.*or bump the token's rotation counter/);
            assert.strictEqual(s.seen.length, 1);
        } finally {
            await s.close();
        }
    });

    it("sets an Actions secret with PUT, marks a pre-existing one adopted, and puts a new value on update", async () => {
        const s = await stubGitea((req) => (req.method === "GET" ? { status: 200, body: [{ name: "CI_TOKEN" }] } : { status: 204 }));
        try {
            const inputs = { api: s.api, owner: "lumen", repo: "lumen", name: "CI_TOKEN", value: "one" };
            const r = await actionsSecretProvider.create(inputs);
            assert.strictEqual(r.outs!.adopted, true);
            assert.deepStrictEqual(s.seen[1], { method: "PUT", url: "/api/v1/repos/lumen/lumen/actions/secrets/CI_TOKEN", authorization: s.seen[1].authorization, body: { data: "one" } });
            assert.deepStrictEqual(await actionsSecretProvider.diff!(r.id, r.outs!, { ...inputs, value: "two" }), { changes: true, replaces: [], deleteBeforeReplace: false });
            await actionsSecretProvider.update!(r.id, r.outs!, { ...inputs, value: "two" });
            assert.deepStrictEqual(s.seen[2].body, { data: "two" });
        } finally {
            await s.close();
        }
    });

    it("pushes the first commit only to a branch that does not exist yet, and ignores later file changes", async () => {
        const s = await stubGitea((req) => (req.method === "GET" ? { status: 200, body: { commit: { id: "abc123" } } } : { status: 201 }));
        try {
            const inputs = { api: s.api, owner: "lumen", repo: "lumen", branch: "main", message: "first", files: [{ path: "a.yaml", content: "YQ==" }] };
            const r = await initialCommitProvider.create(inputs);
            assert.deepStrictEqual([r.outs!.pushed, r.outs!.commitSha], [false, "abc123"]);
            assert.deepStrictEqual(s.seen.map((x) => x.method), ["GET"], "a branch with history is never written by the stack");
            const diff = await initialCommitProvider.diff!(r.id, r.outs!, { ...inputs, files: [{ path: "b.yaml", content: "Yg==" }] });
            assert.deepStrictEqual(diff, { changes: false, replaces: [], deleteBeforeReplace: false });
        } finally {
            await s.close();
        }
    });
});

describe("managed field comparison", () => {
    it("compares arrays as sets (Gitea's null as an empty list) and names each differing field", () => {
        assert.deepStrictEqual(mismatches({ a: ["x", "y"], b: 1 }, { a: ["y", "x"], b: 1 }), []);
        assert.deepStrictEqual(mismatches({ a: [] }, { a: null }), []);
        assert.deepStrictEqual(mismatches({ a: ["x"], b: 1 }, { a: null, b: 2 }), ['a is [] (the stack wants ["x"])', "b is 2 (the stack wants 1)"]);
    });

    it("lets only the allowlist push, never force, and turns the status check on only when contexts are listed", () => {
        const base = { api: { url: "", username: "", password: "" }, owner: "lumen", repo: "lumen", branch: "main", requiredApprovals: 0 };
        assert.deepStrictEqual(branchProtectionFields({ ...base, pushAllowlist: ["lumen-ci"], requiredStatusChecks: [] }), {
            rule_name: "main", enable_push: true, enable_push_whitelist: true, push_whitelist_usernames: ["lumen-ci"], enable_force_push: false,
            enable_status_check: false, status_check_contexts: [], required_approvals: 0,
        });
        const strict = branchProtectionFields({ ...base, pushAllowlist: [], requiredStatusChecks: ["preview"] });
        assert.deepStrictEqual([strict.enable_push, strict.enable_status_check, strict.status_check_contexts], [false, true, ["preview"]]);
    });
});
