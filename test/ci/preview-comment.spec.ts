// The comment renderer on preview JSON, policy events and linter output recorded from the real CLI
// (test/ci/record-fixtures.ts: the throwaway program of test/ci/fixtures/preview-program, phase "base" applied,
// phase "change" previewed with the policy pack), and on a 1,000-resource preview built from those steps.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    COMMENT_MARKER, CommentInput, DEFAULT_MAX_CHARS, PreviewDigest, PreviewStep, changesOf, renderComment, valueAt, violationsFromEventLog, violationsFromLint,
} from "../../scripts/ci/preview-comment";

const RECORDED = path.join(__dirname, "fixtures", "recorded");
const read = (f: string) => fs.readFileSync(path.join(RECORDED, f), "utf8");
const recordedPreview = (): PreviewDigest => JSON.parse(read("fixture.preview.json"));
const recordedInput = (): CommentInput => ({
    stacks: [{ stack: "fixture", preview: recordedPreview(), violations: violationsFromEventLog(read("fixture.policy-events.jsonl")) }],
    lint: { paths: ["test/ci/fixtures/lint-input"], violations: violationsFromLint(read("lint.json")) },
    commit: "0123456789abcdef0123",
});

/** The rows of the first Markdown table after `heading`. */
function tableAfter(body: string, heading: string): string[][] {
    const lines = body.split("\n");
    const start = lines.findIndex((l) => l.includes(heading));
    assert.ok(start >= 0, `no ${heading} in:\n${body}`);
    const rows: string[][] = [];
    let inTable = false;
    for (const line of lines.slice(start + 1)) {
        if (line.startsWith("|")) {
            inTable = true;
            rows.push(line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim()));
        } else if (inTable) {
            break;
        }
    }
    return rows.slice(2);
}

describe("PR preview comment (scripts/ci/preview-comment.ts)", () => {
    it("the recorded preview holds every step kind and no secret value", () => {
        const ops = new Set(recordedPreview().steps!.map((s) => s.op));
        for (const op of ["create", "update", "replace", "delete", "same"]) {
            assert.ok(ops.has(op), `recorded preview lacks a ${op} step: ${[...ops]}`);
        }
        for (const f of fs.readdirSync(RECORDED)) {
            assert.doesNotMatch(read(f), /first-token-value|second-token-value|c2Vjb25kLXRva2VuLXZhbHVl|Zmlyc3QtdG9rZW4tdmFsdWU/, f);
        }
    });

    it("lists deletes and replaces first, then creates and updates, with the properties that change", () => {
        const body = renderComment(recordedInput()).body;
        const rows = tableAfter(body, "#### Changes of `fixture`");
        // Within one operation the CLI's step order stays (it varies with registration order between runs).
        assert.deepStrictEqual(rows.map((r) => r[0]), ["delete", "replace", "replace", "create", "create", "create", "update"]);
        const names = (op: string) => rows.filter((r) => r[0] === op).map((r) => r[1]).sort();
        assert.deepStrictEqual(names("delete"), ["`legacy`"]);
        assert.deepStrictEqual(names("replace"), ["`api-token`", "`web`"]);
        assert.deepStrictEqual(names("create"), ["`feature-flags`", "`lenient-analysis`", "`outside-image`"]);
        assert.deepStrictEqual(names("update"), ["`settings`"]);
        assert.match(rows.find((r) => r[1] === "`web`")![3], /`spec\.selector\.matchLabels\.app` \(replaces\)/);
        assert.match(body, /1 to delete, 2 to replace, 3 to create, 1 to update/);
        assert.match(body, /`metadata\.labels\.tier`: `"silver"` → `"gold"`/);
        assert.match(body, /`spec\.selector\.matchLabels\.app`: `"web"` → `"web-v2"` \(forces replacement\)/);
        assert.ok(body.startsWith(`${COMMENT_MARKER}\n`), "the hidden marker opens the comment");
    });

    it("shows a changed secret as [secret], never its value", () => {
        const body = renderComment(recordedInput()).body;
        assert.match(body, /`data\.token`: \[secret\] → \[secret\] \(forces replacement\)/);
        // Pulumi's other secret form (a signature object, as in a state file) is masked as well.
        const step: PreviewStep = {
            op: "update", urn: "urn:pulumi:s::p::kubernetes:core/v1:Secret::db",
            oldState: { inputs: { stringData: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: "\"hunter2\"" } } },
            newState: { inputs: { stringData: { password: "[secret]" } } },
            detailedDiff: { "stringData.password": { kind: "update" } },
        };
        const masked = renderComment({ stacks: [{ stack: "s", preview: { steps: [step] }, violations: [] }] }).body;
        assert.match(masked, /`stringData\.password`: \[secret\] → \[secret\]/);
        assert.doesNotMatch(masked, /hunter2/);
    });

    it("groups policy violations as mandatory and advisory with resource, rule and message, and fails the job", () => {
        const rendered = renderComment(recordedInput());
        const mandatory = tableAfter(rendered.body, "**Policy: mandatory (2)**");
        assert.deepStrictEqual(mandatory.map((r) => [r[0], r[1]]).sort(), [
            ["`lenient-analysis`", "`stack-enforce-crd-dependency`"],
            ["`outside-image`", "`workload-enforce-internal-image`"],
        ]);
        assert.match(mandatory.find((r) => r[0] === "`outside-image`")![2], /docker\.io\/library\/nginx:1\.27\.3.*not the internal registry/);
        const advisory = tableAfter(rendered.body, "**Policy: advisory (1)**");
        assert.deepStrictEqual(advisory.map((r) => r[1]), ["`analysistemplate-disallow-lenient-failure-limit`"]);
        assert.match(advisory[0][2], /failureLimit .* is 4 with count 5/);
        assert.ok(rendered.body.indexOf("**Policy: mandatory") < rendered.body.indexOf("**Policy: advisory"));
        const lint = tableAfter(rendered.body, "**Linter: mandatory (1)**");
        assert.match(lint[0][0], /Deployment fixture\/outside-image/);
        assert.strictEqual(rendered.failed, true);
        assert.match(rendered.body, /### Pulumi preview and policy check: blocked/);
        assert.ok(rendered.reasons.some((r) => r.includes("workload-enforce-internal-image")), rendered.reasons.join("\n"));
    });

    it("passes a clean preview, and fails a failed preview or an unreadable manifest folder with the reason", () => {
        const clean = renderComment({ stacks: [{ stack: "fixture", preview: recordedPreview(), violations: [] }], lint: { paths: ["m"], violations: [] } });
        assert.strictEqual(clean.failed, false);
        assert.match(clean.body, /check: passes/);
        const failed = renderComment({ stacks: [{ stack: "dev", violations: [], error: "error: could not connect to the backend" }] });
        assert.strictEqual(failed.failed, true);
        assert.match(failed.body, /the preview of stack `dev` failed/);
        assert.match(failed.body, /The preview failed: error: could not connect to the backend/);
        const lintBroken = renderComment({ stacks: [], lint: { paths: ["m"], violations: [], error: "m: no such file" } });
        assert.strictEqual(lintBroken.failed, true);
        assert.match(lintBroken.body, /could not be checked: m: no such file/);
    });

    it("reads detailedDiff paths with indexes and quoted keys", () => {
        const root = { spec: { containers: [{ image: "a:1" }] }, metadata: { labels: { "app.kubernetes.io/name": "x" } }, s: "[secret]" };
        assert.deepStrictEqual(valueAt(root, "spec.containers[0].image"), { found: true, secret: false, value: "a:1" });
        assert.deepStrictEqual(valueAt(root, 'metadata.labels["app.kubernetes.io/name"]'), { found: true, secret: false, value: "x" });
        assert.deepStrictEqual(valueAt(root, "s.inner.deep"), { found: true, secret: true });
        assert.deepStrictEqual(valueAt(root, "spec.missing"), { found: false, secret: false });
    });

    describe("a 1,000-resource preview", () => {
        /** 1,000 changed resources (250 of each kind) cloned from the recorded steps, plus the recorded violations. */
        function thousand(): CommentInput {
            const recorded = recordedPreview().steps!;
            const template = (op: string) => recorded.find((s) => s.op === op)!;
            const steps: PreviewStep[] = [];
            for (let i = 0; i < 1000; i++) {
                const t = template(["update", "replace", "create", "delete"][i % 4]);
                steps.push({ ...t, urn: `${t.urn}-${String(i).padStart(4, "0")}` });
            }
            const input = recordedInput();
            input.stacks[0].preview = { steps };
            return input;
        }

        it("renders within Gitea's comment budget, cut with a note that says what was left out and where the rest is", () => {
            const input = { ...thousand(), fullOutput: "http://gitea.example/lumen/platform/actions/runs/7" };
            const started = process.hrtime.bigint();
            const rendered = renderComment(input);
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            console.log(`      render time, 1,000 resources: ${ms.toFixed(1)} ms, ${rendered.body.length} characters (cut at ${DEFAULT_MAX_CHARS})`);
            assert.ok(rendered.truncated);
            assert.ok(rendered.body.length <= DEFAULT_MAX_CHARS, `${rendered.body.length}`);
            const note = /left out: (\d+) resource rows?(?:, (\d+) property changes?)?\. The full comment is in the job log \(http:\/\/gitea\.example\/lumen\/platform\/actions\/runs\/7\); the step's `ci-output\/` folder also holds each stack's preview JSON/.exec(rendered.body);
            assert.ok(note, rendered.body.slice(-600));
            const kept = tableAfter(rendered.body, "#### Changes of `fixture`").length;
            assert.strictEqual(kept + Number(note[1]), 1000, "rows kept + rows left out");
            // The verdict and the violations come first, so a cut never drops them.
            assert.match(rendered.body, /\*\*Policy: mandatory \(2\)\*\*/);
            assert.match(rendered.body, /\*\*Policy: advisory \(1\)\*\*/);
            assert.strictEqual((rendered.body.match(/<details>/g) ?? []).length, (rendered.body.match(/<\/details>/g) ?? []).length);
            assert.ok(ms < 2000, `render took ${ms} ms`);
        });

        it("keeps every row when the budget allows, in table order", () => {
            const started = process.hrtime.bigint();
            const rendered = renderComment(thousand(), 8 * 1024 * 1024);
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            console.log(`      render time, 1,000 resources uncut: ${ms.toFixed(1)} ms, ${rendered.body.length} characters`);
            assert.strictEqual(rendered.truncated, false);
            const rows = tableAfter(rendered.body, "#### Changes of `fixture`");
            assert.strictEqual(rows.length, 1000);
            const order = rows.map((r) => r[0]);
            assert.deepStrictEqual(order, [...order].sort((a, b) => ["delete", "replace", "create", "update"].indexOf(a) - ["delete", "replace", "create", "update"].indexOf(b)));
            assert.strictEqual(changesOf({ steps: thousand().stacks[0].preview!.steps }).length, 1000);
        });
    });
});
