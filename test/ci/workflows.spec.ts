// The platform repository's own workflows (.gitea/workflows) and the scripts they run: they parse, every job
// runs in the pinned job image on the internal registry, every step is a script of scripts/ci (or the one
// checkout action), pull requests preview and comment, pushes to main apply one stack at a time under a
// concurrency group that never cancels. The socket-label rule over these files is test/workflows/runner-labels.spec.ts.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { platformSchema } from "../../config";
import { parseArgs, pullRequestFromEnv } from "../../scripts/ci/preview";
import { parseMoveArgs, redactUrl } from "../../scripts/state-move";

const ROOT = path.resolve(__dirname, "..", "..");
const WORKFLOWS = path.join(ROOT, ".gitea", "workflows");

interface Step {
    uses?: string;
    run?: string;
    env?: Record<string, string>;
}
interface Job {
    "runs-on": string;
    container?: { image: string };
    steps: Step[];
    strategy?: unknown;
}
interface Workflow {
    on: Record<string, { branches?: string[]; paths?: string[] }>;
    env?: Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    jobs: Record<string, Job>;
}

const load = (name: string): Workflow => parseYaml(fs.readFileSync(path.join(WORKFLOWS, name), "utf8"));
const jobImage = () => execFileSync("bash", [path.join(ROOT, "scripts", "ci", "build-job-image.sh"), "--print-ref"], { encoding: "utf8" }).trim();

describe("platform workflows (.gitea/workflows) and their scripts", () => {
    const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
    const registry = platformSchema.parse({}).registry.address;

    it("parse, and run every job in the pinned job image of the internal registry", () => {
        assert.deepStrictEqual(files.sort(), ["platform-apply.yaml", "platform-preview.yaml"]);
        const image = jobImage();
        assert.match(image, new RegExp(`^${registry.replace(/\./g, "\\.")}/airgap-platform/ci:node\\d+\\.\\d+\\.\\d+-pulumi\\d+\\.\\d+\\.\\d+-r\\d+$`));
        for (const f of files) {
            for (const [id, job] of Object.entries(load(f).jobs)) {
                assert.strictEqual(job.container?.image, image, `${f} job ${id}: the job image must be ${image} (scripts/ci/build-job-image.sh --print-ref)`);
            }
        }
    });

    it("the job image recipe starts from the internal registry, by an exact tag", () => {
        const recipe = fs.readFileSync(path.join(ROOT, "ci", "job-image", "Containerfile"), "utf8");
        assert.match(recipe, new RegExp(`^ARG REGISTRY=${registry.replace(/\./g, "\\.")}$`, "m"));
        const base = /^ARG BASE=(.+)$/m.exec(recipe)![1];
        assert.match(base, /^[a-z0-9./-]+:[A-Za-z0-9._-]+$/, "a path on the registry with a tag");
        assert.doesNotMatch(base, /:latest$/);
        assert.deepStrictEqual(recipe.split("\n").filter((l) => l.startsWith("FROM ")), ["FROM ${REGISTRY}/${BASE}"]);
        const instructions = recipe.split("\n").filter((l) => !l.startsWith("#")).join("\n");
        assert.doesNotMatch(instructions, /apt-get|apk |npm (ci|install)|curl|wget|https?:\/\//, "nothing is fetched while building");
    });

    it("every step is a script of scripts/ci (which exists and parses) or the checkout action", () => {
        for (const f of files) {
            for (const [id, job] of Object.entries(load(f).jobs)) {
                for (const step of job.steps) {
                    if (step.uses !== undefined) {
                        assert.strictEqual(step.uses, "actions/checkout@v4", `${f} job ${id}`);
                        continue;
                    }
                    const m = /^bash (scripts\/ci\/[a-z-]+\.sh)(?: [^;&|$`]*)?$/.exec(step.run ?? "");
                    assert.ok(m, `${f} job ${id}: step '${step.run}' must be one script of scripts/ci`);
                    const check = spawnSync("bash", ["-n", path.join(ROOT, m[1])]);
                    assert.strictEqual(check.status, 0, `${m[1]}: ${check.stderr}`);
                }
            }
        }
    });

    it("pull requests that touch the program, the policies or the app preview each stack and comment", () => {
        const wf = load("platform-preview.yaml");
        assert.deepStrictEqual(Object.keys(wf.on), ["pull_request"]);
        for (const p of ["index.ts", "components/**", "policy/**", "apps/**"]) {
            assert.ok(wf.on.pull_request.paths!.includes(p), p);
        }
        const steps = wf.jobs.preview.steps.map((s) => s.run).filter(Boolean);
        assert.deepStrictEqual(steps, ["bash scripts/ci/prepare.sh", "bash scripts/ci/pr-preview.sh --out ci-output"]);
        const env = wf.jobs.preview.steps[2].env!;
        assert.strictEqual(env.CI_TOKEN, "${{ secrets.CI_TOKEN }}");
        assert.strictEqual(env.PULUMI_BACKEND_URL, "${{ secrets.PULUMI_BACKEND_URL }}");
        assert.ok(wf.env!.CI_STACKS.trim().length > 0 && wf.env!.GITOPS_PATHS.trim().length > 0);
    });

    it("pushes to main apply one stack at a time, never two runs at once", () => {
        const wf = load("platform-apply.yaml");
        assert.deepStrictEqual(Object.keys(wf.on), ["push"]);
        assert.deepStrictEqual(wf.on.push.branches, ["main"]);
        assert.deepStrictEqual(wf.concurrency, { group: "platform-apply", "cancel-in-progress": false });
        assert.deepStrictEqual(Object.keys(wf.jobs), ["apply"], "one job: the stacks run in sequence inside it");
        assert.strictEqual(wf.jobs.apply.strategy, undefined, "no matrix");
        assert.deepStrictEqual(wf.jobs.apply.steps.map((s) => s.run).filter(Boolean), ["bash scripts/ci/prepare.sh", "bash scripts/ci/apply.sh"]);
        const apply = fs.readFileSync(path.join(ROOT, "scripts", "ci", "apply.sh"), "utf8");
        assert.match(apply, /pulumi up --stack "\$stack" --yes --non-interactive --policy-pack "\$AIRGAP_CI_REPO\/policy\/analyzer\.sh"/);
    });

    describe("the scripts' input checks", () => {
        const lib = (body: string, env: NodeJS.ProcessEnv) => spawnSync("bash", ["-c", `. scripts/ci/lib.sh && ${body}`], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, encoding: "utf8" });

        it("CI_STACKS takes stack names only", () => {
            assert.strictEqual(lib("ci_stacks", { CI_STACKS: "dev, prod" }).stdout, "dev\nprod\n");
            const bad = lib("ci_stacks", { CI_STACKS: "dev $(id)" });
            assert.notStrictEqual(bad.status, 0);
            assert.match(bad.stderr, /CI_STACKS: '\$\(id\)' is not a stack name/);
        });

        it("a job needs the postgres:// backend from its Actions secret", () => {
            assert.match(lib("ci_require_backend", {}).stderr, /PULUMI_BACKEND_URL is not set: pass the repository's Actions secret/);
            assert.match(lib("ci_require_backend", { GITEA_ACTIONS: "true", PULUMI_BACKEND_URL: "file:///tmp/x" }).stderr, /must be a postgres:\/\/ URL in a job/);
            assert.strictEqual(lib("ci_require_backend", { GITEA_ACTIONS: "true", PULUMI_BACKEND_URL: "postgres://ci@db:5432/state" }).status, 0);
        });

        it("the preview step says what is missing to post its comment", () => {
            assert.throws(() => pullRequestFromEnv({ GITHUB_REPOSITORY: "lumen" }),
                /cannot post the preview comment: GITEA_URL \(or GITHUB_SERVER_URL\) is not set; GITHUB_REPOSITORY must be owner\/name; no pull request number .*; CI_TOKEN is not set/);
            const pr = pullRequestFromEnv({ GITEA_URL: "http://127.0.0.1:3000/", GITHUB_REPOSITORY: "lumen/platform", PR_NUMBER: "7", CI_TOKEN: "t" });
            assert.deepStrictEqual(pr, { url: "http://127.0.0.1:3000", owner: "lumen", repo: "platform", index: 7, token: "t" });
            assert.throws(() => parseArgs([], {}), /no stack to preview: set CI_STACKS/);
            assert.throws(() => parseArgs(["--stacks", "dev;rm"], {}), /stack names must be letters/);
            assert.throws(() => parseArgs([], { CI_STACKS: "dev", PREVIEW_COMMENT_MAX_CHARS: "10" }), /PREVIEW_COMMENT_MAX_CHARS must be a whole number from 2000/);
        });

        it("state:move refuses a password in the URL and names the usage", () => {
            assert.throws(() => parseMoveArgs(["dev", "postgres://ci:s3cret@db:5432/state"]), (e: Error) => /holds a password/.test(e.message) && !e.message.includes("s3cret"));
            assert.throws(() => parseMoveArgs(["dev"]), /usage: npm run state:move -- <stack> <backend-url>/);
            assert.throws(() => parseMoveArgs(["dev", "mysql://db/x"]), /'mysql:\/\/' is not a Pulumi state backend/);
            assert.deepStrictEqual(parseMoveArgs(["dev", "postgres://ci@db:5432/state?sslmode=verify-full"]).target, "postgres://ci@db:5432/state?sslmode=verify-full");
            assert.strictEqual(redactUrl("postgres://ci:pw@db/x"), "postgres://ci:****@db/x");
        });
    });
});
