// Records the renderer's fixtures (test/ci/fixtures/recorded) with the real CLI and the CI script itself:
//   npx ts-node --transpile-only test/ci/record-fixtures.ts
// It applies phase "base" of test/ci/fixtures/preview-program on a temporary file backend, switches to phase
// "change" with a new secret value, and runs scripts/ci/pr-preview.sh --no-post (preview with the policy
// pack, linter on test/ci/fixtures/lint-input): every step kind, a secret change, a mandatory and an advisory
// violation. Takes about a minute.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { run } from "../e2e/harness/cluster";
import { FIXTURE_STACK, REPO, createFixtureStack } from "./support/fixture-stack";

const OUT = path.join(REPO, "test", "ci", "fixtures", "recorded");

async function main(): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ci-record-"));
    try {
        const stack = await createFixtureStack(dir, `file://${path.join(dir, "state")}`);
        await stack.setPhase("change");
        await stack.setToken("second-token-value");
        const out = path.join(dir, "out");
        const r = await run("bash", [path.join(REPO, "scripts", "ci", "pr-preview.sh"), "--stacks", FIXTURE_STACK, "--program", stack.program,
            "--lint", path.join(REPO, "test", "ci", "fixtures", "lint-input"), "--out", out, "--no-post"],
        { env: stack.env, timeoutMs: 600_000 }).catch((e) => e as { stdout: string; stderr: string });
        for (const f of [`${FIXTURE_STACK}.preview.json`, `${FIXTURE_STACK}.policy-events.jsonl`, "lint.json"]) {
            // Paths of this machine would be meaningless elsewhere: repository-relative and a fixed temp name.
            const text = fs.readFileSync(path.join(out, f), "utf8").split(`${REPO}/`).join("").split(path.relative(stack.program, REPO)).join("<repo>")
                .split(dir).join("/tmp/ci-record");
            if (/first-token-value|second-token-value/.test(text)) {
                throw new Error(`${f} holds a secret value in plain text`);
            }
            fs.writeFileSync(path.join(OUT, f), text);
        }
        console.log(r.stderr.split("\n").filter((l) => l.startsWith("[preview]")).join("\n"));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
});
