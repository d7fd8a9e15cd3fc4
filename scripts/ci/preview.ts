// Copyright 2026, airgap-platform authors.
//
// The pull-request step (scripts/ci/pr-preview.sh runs it; so do the tests): for each stack of the list,
// `pulumi preview --diff --json` with the policy pack, then the manifest linter on the GitOps folders, one
// Markdown comment (scripts/ci/preview-comment.ts) written to the output folder, printed to the job log and
// posted to the pull request (created once, edited later: scripts/ci/gitea-comment.ts). Exit 1 when a preview
// failed, a mandatory violation was found, the linter could not check, or the comment could not be posted;
// the comment is posted in every case it can be.
//
// `--json` output carries no policy events (backend/display/json.go of pulumi 3.260 skips them), so each
// preview also writes the engine's event log (a debug flag, PULUMI_DEBUG_COMMANDS=true) into a private 0700
// folder; only its policyEvent entries are kept (<stack>.policy-events.jsonl in the output folder) and the log
// is removed at once: its debug diagnostics hold secret values in plain text (seen with pulumi 3.260).
//
//   node preview.js [--stacks dev,prod] [--program DIR] [--lint PATH]... [--out DIR] [--no-post]
//
// Defaults from the environment (the workflow sets them): CI_STACKS, GITOPS_PATHS (space-separated),
// GITEA_URL (else GITHUB_SERVER_URL), GITHUB_REPOSITORY, GITHUB_EVENT_PATH or PR_NUMBER, GITHUB_SHA, CI_TOKEN,
// PREVIEW_COMMENT_MAX_CHARS, and the job's log URL in CI_LOG_URL.

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PullRequestRef, upsertPreviewComment } from "./gitea-comment";
import { CommentInput, DEFAULT_MAX_CHARS, LintResult, StackResult, renderComment, violationsFromEventLog, violationsFromLint } from "./preview-comment";

const ROOT = path.resolve(__dirname, "..", "..");
/** A stack name as Pulumi accepts it; anything else never reaches a command line. */
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

export interface PreviewOptions {
    stacks: string[];
    program: string;
    lintPaths: string[];
    out: string;
    post: boolean;
    maxChars: number;
}

interface Exec {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs a command without a shell; stderr is also streamed to the job log. */
function exec(file: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Exec> {
    return new Promise((resolve, reject) => {
        const child = spawn(file, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
        const out: Buffer[] = [];
        let err = "";
        child.stdout.on("data", (d: Buffer) => out.push(d));
        child.stderr.on("data", (d: Buffer) => {
            err += d;
            process.stderr.write(d);
        });
        const timer = setTimeout(() => child.kill("SIGTERM"), opts.timeoutMs ?? 30 * 60_000);
        child.on("error", reject);
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString("utf8"), stderr: err });
        });
    });
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): PreviewOptions {
    const o: PreviewOptions = {
        stacks: (env.CI_STACKS ?? "").split(/[\s,]+/).filter(Boolean),
        program: ROOT,
        lintPaths: (env.GITOPS_PATHS ?? "").split(/\s+/).filter(Boolean),
        out: path.resolve("ci-output"),
        post: true,
        maxChars: env.PREVIEW_COMMENT_MAX_CHARS ? Number(env.PREVIEW_COMMENT_MAX_CHARS) : DEFAULT_MAX_CHARS,
    };
    let lintGiven = false;
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) {
                throw new Error(`${flag} needs a value`);
            }
            return v;
        };
        if (flag === "--stacks") o.stacks = value().split(",").filter(Boolean);
        else if (flag === "--program") o.program = path.resolve(value());
        else if (flag === "--lint") {
            o.lintPaths = lintGiven ? [...o.lintPaths, value()] : [value()];
            lintGiven = true;
        } else if (flag === "--out") o.out = path.resolve(value());
        else if (flag === "--no-post") o.post = false;
        else throw new Error(`unknown argument '${flag}' (usage: preview [--stacks a,b] [--program DIR] [--lint PATH]... [--out DIR] [--no-post])`);
    }
    if (o.stacks.length === 0) {
        throw new Error("no stack to preview: set CI_STACKS (the workflow's list, e.g. \"dev\") or pass --stacks");
    }
    const bad = o.stacks.filter((s) => !STACK_NAME.test(s));
    if (bad.length > 0) {
        throw new Error(`stack names must be letters, digits, '-', '_' or '.', starting with a letter or digit: ${bad.map((s) => JSON.stringify(s)).join(", ")}`);
    }
    if (!Number.isInteger(o.maxChars) || o.maxChars < 2_000 || o.maxChars > 8 * 1024 * 1024) {
        throw new Error(`PREVIEW_COMMENT_MAX_CHARS must be a whole number from 2000 to 8388608 (Gitea's default MAX_DISPLAY_FILE_SIZE), not '${env.PREVIEW_COMMENT_MAX_CHARS}'`);
    }
    return o;
}

/** The pull request this job runs for, from the Actions environment; a clear error for what is missing. */
export function pullRequestFromEnv(env: NodeJS.ProcessEnv): PullRequestRef {
    const url = env.GITEA_URL || env.GITHUB_SERVER_URL;
    const [owner, repo, ...rest] = (env.GITHUB_REPOSITORY ?? "").split("/");
    let index = Number(env.PR_NUMBER);
    if (!env.PR_NUMBER && env.GITHUB_EVENT_PATH && fs.existsSync(env.GITHUB_EVENT_PATH)) {
        const event = JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as { number?: number; pull_request?: { number?: number } };
        index = Number(event.pull_request?.number ?? event.number);
    }
    const problems = [
        !url ? "GITEA_URL (or GITHUB_SERVER_URL) is not set" : !/^https?:\/\/[^/]+\/?$/.test(url) ? `GITEA_URL must be http(s)://host[:port], not '${url}'` : "",
        !owner || !repo || rest.length > 0 ? "GITHUB_REPOSITORY must be owner/name" : "",
        !Number.isInteger(index) || index < 1 ? "no pull request number (GITHUB_EVENT_PATH's pull_request.number, or PR_NUMBER)" : "",
        !env.CI_TOKEN ? "CI_TOKEN is not set (the repository's Actions secret, passed to the step as env CI_TOKEN)" : "",
    ].filter(Boolean);
    if (problems.length > 0) {
        throw new Error(`cannot post the preview comment: ${problems.join("; ")}`);
    }
    return { url: url!.replace(/\/+$/, ""), owner, repo, index, token: env.CI_TOKEN! };
}

/** The last lines of a failed preview's output, without Pulumi's progress noise. */
function errorText(preview: { diagnostics?: { message?: string; severity?: string }[] } | undefined, stderr: string): string {
    const diag = (preview?.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => d.message?.trim()).filter((m) => m && m !== "error: preview failed");
    const text = diag.length > 0 ? diag.join(" ") : stderr.trim().split("\n").slice(-8).join(" ");
    return text.slice(0, 1500) || "pulumi exited with an error and printed nothing";
}

async function previewStack(o: PreviewOptions, stack: string): Promise<StackResult> {
    // The stack must bring its own secrets provider (scripts/pulumi-env.sh), before Pulumi runs.
    const secrets = await exec("bash", ["-c", '. "$0/scripts/pulumi-env.sh" >/dev/null && airgap_stack_secrets "$1"', ROOT, stack], { cwd: o.program });
    if (secrets.code !== 0) {
        return { stack, violations: [], error: secrets.stderr.trim() || "the stack has no secrets provider" };
    }
    const events = fs.mkdtempSync(path.join(os.tmpdir(), "preview-events-"));
    try {
        const eventLog = path.join(events, "events.jsonl");
        const packConfig = path.join(ROOT, "policy", `policy-config.${stack}.json`);
        const args = ["preview", "--stack", stack, "--diff", "--json", "--non-interactive", "--policy-pack", path.join(ROOT, "policy", "analyzer.sh"),
            ...(fs.existsSync(packConfig) ? ["--policy-pack-config", packConfig] : []),
            "--event-log", eventLog];
        console.error(`[preview] pulumi ${args.join(" ")}`);
        const r = await exec("pulumi", args, { cwd: o.program, env: { PULUMI_DEBUG_COMMANDS: "true" } });
        // Only the policy events leave the private folder (they name rules, resources and non-secret values).
        const policyEvents = fs.existsSync(eventLog) ? fs.readFileSync(eventLog, "utf8").split("\n").filter((l) => l.includes("\"policyEvent\"")).join("\n") : "";
        fs.writeFileSync(path.join(o.out, `${stack}.policy-events.jsonl`), policyEvents);
        const violations = violationsFromEventLog(policyEvents);
        let preview: StackResult["preview"];
        try {
            preview = JSON.parse(r.stdout);
        } catch {
            preview = undefined;
        }
        if (preview) {
            fs.writeFileSync(path.join(o.out, `${stack}.preview.json`), r.stdout);
        }
        const blockedByPolicy = violations.some((v) => v.level === "mandatory");
        const failed = r.code !== 0 && !blockedByPolicy;
        return { stack, preview, violations, ...(failed || !preview ? { error: errorText(preview, r.stderr) } : {}) };
    } finally {
        fs.rmSync(events, { recursive: true, force: true });
    }
}

/** `npm run lint:manifests -- --format json PATHS`, through scripts/ci/lib.sh (the job image has no npm). */
async function lint(o: PreviewOptions): Promise<LintResult> {
    const r = await exec("bash", ["-c", '. "$0/scripts/ci/lib.sh" && ci_package_script lint:manifests --format json "$@"', ROOT, ...o.lintPaths], { cwd: ROOT });
    if (r.code >= 2) {
        return { paths: o.lintPaths, violations: [], error: r.stderr.trim().split("\n").slice(-5).join(" ") || `exit ${r.code}` };
    }
    fs.writeFileSync(path.join(o.out, "lint.json"), r.stdout);
    return { paths: o.lintPaths, violations: violationsFromLint(r.stdout, ROOT) };
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
    const o = parseArgs(argv, env);
    const pr = o.post ? pullRequestFromEnv(env) : undefined;
    fs.mkdirSync(o.out, { recursive: true });
    const stacks: StackResult[] = [];
    for (const stack of o.stacks) {
        stacks.push(await previewStack(o, stack));
    }
    const input: CommentInput = {
        stacks,
        lint: o.lintPaths.length > 0 ? await lint(o) : undefined,
        commit: env.GITHUB_SHA,
        fullOutput: env.CI_LOG_URL,
    };
    const started = process.hrtime.bigint();
    const comment = renderComment(input, o.maxChars);
    const renderMs = Number(process.hrtime.bigint() - started) / 1e6;
    fs.writeFileSync(path.join(o.out, "preview-comment.md"), comment.body);
    fs.writeFileSync(path.join(o.out, "violations.json"), JSON.stringify({ stacks: stacks.map((s) => ({ stack: s.stack, error: s.error, violations: s.violations })), lint: input.lint }, null, 2));
    console.log(comment.body);
    console.error(`[preview] comment: ${comment.body.length} characters${comment.truncated ? " (cut)" : ""}, rendered in ${renderMs.toFixed(1)} ms`);
    let posted = true;
    if (pr) {
        try {
            const r = await upsertPreviewComment(pr, comment.body);
            console.error(`[preview] comment ${r.id} ${r.action} on ${pr.owner}/${pr.repo}#${pr.index}`);
        } catch (e) {
            posted = false;
            console.error(`[preview] ${(e as Error).message}`);
        }
    }
    comment.reasons.forEach((r) => console.error(`[preview] fails: ${r.replace(/`/g, "")}`));
    return comment.failed || !posted ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2), process.env).then((code) => {
        process.exitCode = code;
    }, (e: Error) => {
        console.error(`[preview] ${e.message}`);
        process.exitCode = 2;
    });
}
