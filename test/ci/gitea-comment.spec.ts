// The comment's REST calls against a local faulty HTTP server on 127.0.0.1 that speaks the three routes of
// Gitea 1.26 the step uses (list, create, edit issue comments): 5xx answers are retried with growing pauses,
// a create whose answer was a 5xx is not posted twice, and 401/404 end at once with a message that says what
// to do. The same calls against the real Gitea are in test/ci/pr-preview.e2e.ts.
import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { PullRequestRef, upsertPreviewComment } from "../../scripts/ci/gitea-comment";
import { COMMENT_MARKER } from "../../scripts/ci/preview-comment";

interface Seen {
    method: string;
    path: string;
    at: number;
    auth?: string;
}

/** A fake Gitea: comments in memory; `faults` answers the next matching requests with a status first. */
function fakeGitea() {
    const comments: { id: number; body: string }[] = [];
    const seen: Seen[] = [];
    const faults: { method: string; status: number; afterStore?: boolean }[] = [];
    let nextId = 100;
    const server = http.createServer((req, res) => {
        let raw = "";
        req.on("data", (d) => { raw += d; });
        req.on("end", () => {
            seen.push({ method: req.method!, path: req.url!, at: Date.now(), auth: req.headers.authorization });
            const send = (status: number, body: unknown) => {
                res.writeHead(status, { "Content-Type": "application/json" });
                res.end(JSON.stringify(body));
            };
            const fault = faults.findIndex((f) => f.method === req.method);
            if (fault >= 0) {
                const f = faults.splice(fault, 1)[0];
                if (f.afterStore && req.method === "POST") {
                    comments.push({ id: nextId++, body: JSON.parse(raw).body });
                }
                return send(f.status, { message: `injected ${f.status}` });
            }
            const list = /^\/api\/v1\/repos\/lumen\/platform\/issues\/7\/comments$/.exec(req.url!);
            const edit = /^\/api\/v1\/repos\/lumen\/platform\/issues\/comments\/(\d+)$/.exec(req.url!);
            if (list && req.method === "GET") return send(200, comments);
            if (list && req.method === "POST") {
                const c = { id: nextId++, body: JSON.parse(raw).body };
                comments.push(c);
                return send(201, c);
            }
            if (edit && req.method === "PATCH") {
                const c = comments.find((x) => x.id === Number(edit[1]));
                if (!c) return send(404, { message: "comment not found" });
                c.body = JSON.parse(raw).body;
                return send(200, c);
            }
            return send(404, { message: "The target couldn't be found." });
        });
    });
    return { server, comments, seen, faults };
}

const FAST = { timeoutMs: 5_000, attempts: 4, firstBackoffMs: 100 };

describe("PR preview comment through Gitea's REST API (scripts/ci/gitea-comment.ts)", () => {
    let fake: ReturnType<typeof fakeGitea>;
    let pr: PullRequestRef;

    beforeEach(async () => {
        fake = fakeGitea();
        await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
        pr = { url: `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`, owner: "lumen", repo: "platform", index: 7, token: "t0ken" };
    });
    afterEach(async () => {
        await new Promise((resolve) => fake.server.close(resolve));
    });

    it("creates the comment once, then edits it, with the token as credentials", async () => {
        const first = await upsertPreviewComment(pr, `${COMMENT_MARKER}\none`, FAST);
        const second = await upsertPreviewComment(pr, `${COMMENT_MARKER}\ntwo`, FAST);
        const third = await upsertPreviewComment(pr, `${COMMENT_MARKER}\ntwo`, FAST);
        assert.deepStrictEqual([first.action, second.action, third.action], ["created", "edited", "unchanged"]);
        assert.strictEqual(first.id, second.id);
        assert.deepStrictEqual(fake.comments.map((c) => c.body), [`${COMMENT_MARKER}\ntwo`]);
        assert.strictEqual(Buffer.from(fake.seen[0].auth!.replace(/^Basic /, ""), "base64").toString().split(":")[1], "t0ken");
    });

    it("retries 5xx answers with growing pauses", async () => {
        fake.faults.push({ method: "GET", status: 503 }, { method: "GET", status: 502 }, { method: "GET", status: 500 });
        const r = await upsertPreviewComment(pr, `${COMMENT_MARKER}\nbody`, FAST);
        assert.strictEqual(r.action, "created");
        const gets = fake.seen.filter((s) => s.method === "GET");
        assert.strictEqual(gets.length, 4);
        const pauses = gets.slice(1).map((g, i) => g.at - gets[i].at);
        assert.ok(pauses[0] >= 90 && pauses[1] >= 190 && pauses[2] >= 390, `pauses ${pauses}`);
    });

    it("does not post twice when a create was stored but answered with a 5xx", async () => {
        fake.faults.push({ method: "POST", status: 500, afterStore: true });
        const r = await upsertPreviewComment(pr, `${COMMENT_MARKER}\nbody`, FAST);
        assert.strictEqual(fake.comments.length, 1, "one comment");
        assert.strictEqual(r.id, fake.comments[0].id);
        assert.strictEqual(fake.seen.filter((s) => s.method === "POST").length, 1);
    });

    it("gives up after the bounded attempts with the status and what to do", async () => {
        for (let i = 0; i < 10; i++) fake.faults.push({ method: "GET", status: 503 });
        await assert.rejects(upsertPreviewComment(pr, `${COMMENT_MARKER}\nbody`, FAST),
            /preview comment on lumen\/platform#7: GET .* failed after 4 attempts: HTTP 503 .*Gitea is unavailable: re-run the job/);
    });

    it("ends at once on 401 with what to do about CI_TOKEN", async () => {
        fake.faults.push({ method: "GET", status: 401 });
        await assert.rejects(upsertPreviewComment(pr, `${COMMENT_MARKER}\nbody`, FAST),
            /HTTP 401 .*Gitea did not accept CI_TOKEN: set the repository's Actions secret CI_TOKEN .*write:issue/);
        assert.strictEqual(fake.seen.length, 1, "no retry");
    });

    it("ends at once on 404 naming the repository and the pull request", async () => {
        await assert.rejects(upsertPreviewComment({ ...pr, index: 8 }, `${COMMENT_MARKER}\nbody`, FAST),
            /HTTP 404 .*lumen\/platform or its pull request #8 does not exist, or CI_TOKEN's user cannot see the repository/);
        assert.strictEqual(fake.seen.length, 1, "no retry");
    });

    it("says where it looked when Gitea cannot be reached", async () => {
        await new Promise((resolve) => fake.server.close(resolve));
        fake.server = http.createServer();
        await assert.rejects(upsertPreviewComment(pr, `${COMMENT_MARKER}\nbody`, FAST),
            new RegExp(`cannot reach Gitea at ${pr.url.replace(/\./g, "\\.")} \\(ECONNREFUSED\\).*Gitea is not reachable at .* check GITEA_URL`));
        await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    });
});
