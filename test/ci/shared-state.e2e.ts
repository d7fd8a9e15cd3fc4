// The shared state on PostgreSQL: a real PostgreSQL 15 from Debian's packages on 127.0.0.1
// (test/e2e/harness/postgres.ts), the throwaway program of test/ci/fixtures/preview-program, the real CLI.
// `npm run state:move` moves the stack from a file backend with its secrets intact (a secret config value
// and the state's secret outputs read back on the new backend); two `pulumi up` on the moved stack: the
// second stops on the lock with a clear message while the first finishes, started together at most one
// runs, and the state is whole afterwards (no lock left, no pending operation, a preview with no changes).
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sleep } from "../e2e/harness/cluster";
import { PostgresServer, startPostgres } from "../e2e/harness/postgres";
import { FIXTURE_STACK, FixtureStack, REPO, createFixtureStack } from "./support/fixture-stack";

interface Finished {
    code: number;
    output: string;
    seconds: number;
}

/** Starts a command and resolves when it ends, with its exit code and output. */
function start(file: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): { child: ChildProcess; done: Promise<Finished> } {
    const started = Date.now();
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (d) => { output += d; });
    child.stderr!.on("data", (d) => { output += d; });
    const done = new Promise<Finished>((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, output, seconds: (Date.now() - started) / 1000 })));
    return { child, done };
}

/** The decrypted `token` of the fixture's Secret in `pulumi stack export --show-secrets` output. */
function secretToken(exported: { deployment: { resources: { type: string; outputs?: { data?: { plaintext?: string } } }[] } }): string {
    const secret = exported.deployment.resources.find((res) => res.type === "kubernetes:core/v1:Secret");
    const data = JSON.parse(secret!.outputs!.data!.plaintext!) as { token: string };
    return Buffer.from(data.token, "base64").toString("utf8");
}

describe("shared Pulumi state on PostgreSQL (npm run state:move, locking)", function () {
    let pg: PostgresServer;
    let dir: string;
    let stack: FixtureStack;
    let pgEnv: NodeJS.ProcessEnv;

    const up = (extra: string[] = []) => start("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", FIXTURE_STACK, ...extra], { cwd: stack.program, env: pgEnv });
    // Keys are the file backend's paths under the URL's path (the database name): pulumi_state/.pulumi/locks/...
    const lockRows = async () => (await pg.sql("SELECT key FROM pulumi_state WHERE key LIKE '%/.pulumi/locks/%'")).split("\n").filter(Boolean);

    before(async function () {
        this.timeout(600_000);
        pg = await startPostgres();
        console.log(`      PostgreSQL 15 on 127.0.0.1:${pg.port}, ready in ${pg.startSeconds.toFixed(1)} s`);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ci-shared-state-"));
        stack = await createFixtureStack(dir, `file://${path.join(dir, "file-state")}`);
        pgEnv = { ...stack.env, ...pg.clientEnv, PULUMI_BACKEND_URL: pg.url };
    });

    after(async () => {
        await pg?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("refuses a backend URL that holds a password, before anything runs", async function () {
        this.timeout(120_000);
        const withPassword = pg.url.replace("pulumi_state@", `pulumi_state:${pg.password}@`);
        const r = await start("bash", [path.join(REPO, "scripts", "state-move.sh"), FIXTURE_STACK, withPassword, "--cwd", stack.program], { cwd: REPO, env: stack.env }).done;
        assert.strictEqual(r.code, 1, r.output);
        assert.match(r.output, /backend-url holds a password: leave it out of the URL .* export PGPASSWORD/);
        assert.ok(!r.output.includes(pg.password), "the password is not echoed");
        assert.strictEqual(await pg.sql("SELECT to_regclass('pulumi_state') IS NULL"), "t", "nothing was created on the database");
    });

    it("moves the stack with its secrets intact", async function () {
        this.timeout(600_000);
        const r = await start("npm", ["run", "--silent", "state:move", "--", FIXTURE_STACK, pg.url, "--cwd", stack.program], { cwd: REPO, env: { ...stack.env, ...pg.clientEnv } }).done;
        console.log(`      state:move: ${r.seconds.toFixed(1)} s`);
        assert.strictEqual(r.code, 0, r.output);
        assert.match(r.output, /'fixture' is on postgres:\/\/pulumi_state@127\.0\.0\.1:\d+\/pulumi_state\?sslmode=disable: \d+ resources, state and config secrets decrypt to the same values/);
        assert.doesNotMatch(r.output, /first-token-value/);
        // Read back on the new backend: the secret config value, and the Secret object's secret output.
        const token = await stack.pulumi(["config", "get", "token"], { env: pgEnv });
        assert.strictEqual(token.stdout.trim(), "first-token-value");
        const exported = JSON.parse((await stack.pulumi(["stack", "export", "--show-secrets"], { env: pgEnv })).stdout);
        assert.strictEqual(secretToken(exported), "first-token-value", "the Secret's secret data decrypts on the new backend");
        // Each row holds a file of the backend, base64 in JSON; decoded, none holds the value in plain text.
        const keys = (await pg.sql("SELECT key FROM pulumi_state ORDER BY key")).split("\n");
        assert.ok(keys.includes("pulumi_state/.pulumi/stacks/ci-preview-fixture/fixture.json"), keys.join("\n"));
        assert.strictEqual(await pg.sql("SELECT count(*) FROM pulumi_state WHERE key LIKE '%.json' AND convert_from(decode(data->>'data', 'base64'), 'UTF8') ~ '(first-token-value|Zmlyc3QtdG9rZW4tdmFsdWU)'"), "0");
        assert.ok(Number(await pg.sql("SELECT count(*) FROM pulumi_state WHERE key LIKE '%.json' AND convert_from(decode(data->>'data', 'base64'), 'UTF8') LIKE '%secrets_providers%'")) > 0, "the decoded rows are the state files");
        // A second move finds the stack there and changes nothing.
        const again = await start("npm", ["run", "--silent", "state:move", "--", FIXTURE_STACK, pg.url, "--cwd", stack.program], { cwd: REPO, env: { ...stack.env, ...pg.clientEnv } }).done;
        assert.strictEqual(again.code, 1);
        assert.match(again.output, /stack 'fixture' already exists on postgres:\/\/.*nothing was moved/);
        // From here on the stack lives on PostgreSQL (config changes included).
        Object.assign(stack.env, pg.clientEnv, { PULUMI_BACKEND_URL: pg.url });
    });

    it("stops a second `pulumi up` on the lock while the first runs, and leaves the state whole", async function () {
        this.timeout(600_000);
        await stack.setToken("second-token-value");
        const first = up();
        const end = Date.now() + 120_000;
        let firstEnded = false;
        first.done.then(() => { firstEnded = true; }, () => undefined);
        while ((await lockRows()).length === 0) {
            assert.ok(Date.now() < end && !firstEnded, `the first up never took the lock: ${firstEnded ? (await first.done).output : "timeout"}`);
            await sleep(100);
        }
        const second = await up().done;
        const firstDone = await first.done;
        console.log(`      first up ${firstDone.seconds.toFixed(1)} s; second stopped after ${second.seconds.toFixed(1)} s`);
        assert.strictEqual(firstDone.code, 0, firstDone.output);
        assert.notStrictEqual(second.code, 0, second.output);
        assert.match(second.output, /the stack is currently locked by 1 lock\(s\)\. Either wait for the other process\(es\) to end or delete the lock file with `pulumi cancel`\./);
        assert.match(second.output, /postgres:\/\/.*\.pulumi\/locks\/.*: created by \S+@\S+ \(pid \d+\)/);
        assert.ok(!second.output.includes(pg.password));
        await assertWhole("second-token-value");
    });

    it("lets at most one of two `pulumi up` started together run", async function () {
        this.timeout(600_000);
        await stack.setToken("third-token-value");
        const [a, b] = await Promise.all([up().done, up().done]);
        console.log(`      together: exit ${a.code} in ${a.seconds.toFixed(1)} s and exit ${b.code} in ${b.seconds.toFixed(1)} s`);
        assert.ok(a.code !== 0 || b.code !== 0, "both ran at once");
        for (const r of [a, b].filter((x) => x.code !== 0)) {
            assert.match(r.output, /the stack is currently locked by \d+ lock\(s\)/);
        }
        if (a.code !== 0 && b.code !== 0) {
            // Both saw each other's lock: nothing ran, and a later up goes through.
            const retry = await up().done;
            assert.strictEqual(retry.code, 0, retry.output);
        }
        await assertWhole("third-token-value");
    });

    it("applies with the workflow's script on the shared backend, and stops a change the policy pack refuses", async function () {
        this.timeout(600_000);
        const apply = () => start("bash", [path.join(REPO, "scripts", "ci", "apply.sh")], {
            cwd: REPO, env: { ...pgEnv, GITEA_ACTIONS: "true", CI_STACKS: FIXTURE_STACK, AIRGAP_CI_PROGRAM: stack.program },
        }).done;
        await stack.setToken("fourth-token-value");
        const ok = await apply();
        console.log(`      apply.sh: ${ok.seconds.toFixed(1)} s`);
        assert.strictEqual(ok.code, 0, ok.output);
        assert.match(ok.output, /\[apply\] applied: fixture/);
        await assertWhole("fourth-token-value");
        await stack.setPhase("change");
        const refused = await apply();
        assert.notStrictEqual(refused.code, 0);
        assert.match(refused.output, /workload-enforce-internal-image/);
        await stack.setPhase("base");
        await assertWhole("fourth-token-value");
    });

    /** No lock left, no pending operation, the secret as last set, and nothing left to change. */
    async function assertWhole(token: string): Promise<void> {
        assert.deepStrictEqual(await lockRows(), []);
        const exported = JSON.parse((await stack.pulumi(["stack", "export", "--show-secrets"], { env: pgEnv })).stdout);
        assert.deepStrictEqual(exported.deployment.pending_operations ?? [], []);
        assert.strictEqual(exported.deployment.resources.filter((res: { type: string }) => res.type === "kubernetes:core/v1:Secret").length, 1);
        assert.strictEqual(secretToken(exported), token);
        await stack.pulumi(["preview", "--expect-no-changes"], { env: pgEnv });
    }
});
