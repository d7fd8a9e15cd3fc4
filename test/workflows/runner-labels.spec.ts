// Copyright 2026, airgap-platform authors.
//
// Jobs that a pull request starts run code nobody has reviewed yet: they must never land on the builder label,
// whose job containers get node-1's Docker socket (root on node-1). This reads every Gitea Actions workflow of
// the repository and of its apps and fails on any job that a pull request can start on a socket label.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { platformSchema } from "../../config";
import { ROOT } from "../helpers/program-harness";

/** Workflow folders Gitea reads: the repository's own and each app's (installed at its repository's root). */
function workflowFiles(root: string): string[] {
    const apps = path.join(root, "apps");
    const folders = [
        path.join(root, ".gitea", "workflows"),
        ...(fs.existsSync(apps) ? fs.readdirSync(apps).map((app) => path.join(apps, app, ".gitea", "workflows")) : []),
    ];
    return folders.filter((f) => fs.existsSync(f))
        .flatMap((f) => fs.readdirSync(f).filter((n) => /\.ya?ml$/.test(n)).map((n) => path.join(f, n)));
}

/** The labels whose job containers get the Docker socket: the builder label of the defaults and of every stack file. */
function socketLabels(root: string): Set<string> {
    const labels = new Set([platformSchema.parse({}).actRunner.jobLabel]);
    for (const file of fs.readdirSync(root).filter((n) => /^Pulumi\.[^.]+\.yaml$/.test(n))) {
        const config = (parseYaml(fs.readFileSync(path.join(root, file), "utf8")) as { config?: Record<string, any> })?.config ?? {};
        const jobLabel = config["airgap-platform:actRunner"]?.jobLabel;
        if (typeof jobLabel === "string") {
            labels.add(jobLabel);
        }
    }
    return labels;
}

const PULL_REQUEST_EVENTS = ["pull_request", "pull_request_target"];

/** The pull request events that start the workflow (`on` as a string, a list or a map). */
function pullRequestTriggers(on: unknown): string[] {
    const events = typeof on === "string" ? [on] : Array.isArray(on) ? on.map(String) : Object.keys((on as object) ?? {});
    return events.filter((e) => PULL_REQUEST_EVENTS.includes(e));
}

/** Does this clause of an `&&` chain keep the job off `event`? */
function clauseExcludes(clause: string, event: string): boolean {
    const notEvent = /^github\.event_name\s*!=\s*'([a-z_]+)'$/.exec(clause);
    if (notEvent) {
        return notEvent[1] === event;
    }
    const onlyEvent = /^github\.event_name\s*==\s*'([a-z_]+)'$/.exec(clause);
    if (onlyEvent) {
        return onlyEvent[1] !== event;
    }
    // No pull request runs on a tag. A pull_request's ref is refs/pull/<n>/merge, but pull_request_target runs
    // on the base branch (refs/heads/...), so a branch condition keeps only the former off.
    const tagOnly = [/^github\.ref_type\s*==\s*'tag'$/, /^startsWith\(\s*github\.ref\s*,\s*'refs\/tags\/'\s*\)$/, /^github\.ref\s*==\s*'refs\/tags\/[^']+'$/];
    const branchOnly = [/^startsWith\(\s*github\.ref\s*,\s*'refs\/heads\/'\s*\)$/, /^github\.ref\s*==\s*'refs\/heads\/[^']+'$/];
    return tagOnly.some((re) => re.test(clause)) || (event === "pull_request" && branchOnly.some((re) => re.test(clause)));
}

/**
 * Does the job's own condition keep it off every one of `events`? Only an `&&` chain of known clauses counts;
 * anything else (including `||`) may run on a pull request: the check errs on the safe side.
 */
function ifExcludes(condition: unknown, events: string[]): boolean {
    if (typeof condition !== "string") {
        return false;
    }
    const expr = condition.trim().replace(/^\$\{\{\s*([\s\S]*?)\s*\}\}$/, "$1");
    if (expr.includes("||")) {
        return false;
    }
    const clauses = expr.split("&&").map((c) => c.trim());
    return events.every((event) => clauses.some((clause) => clauseExcludes(clause, event)));
}

/** Status functions let a job run although a job it needs was skipped. */
const RUNS_AFTER_SKIPPED_NEEDS = /\b(always|failure|cancelled)\s*\(/;

interface Job {
    "runs-on"?: unknown;
    if?: unknown;
    needs?: string | string[];
}

/** Jobs that a pull request can start: not excluded by their own `if`, nor skipped with a job they need. */
function pullRequestJobs(jobs: Record<string, Job>, events: string[]): string[] {
    const memo = new Map<string, boolean>();
    const runs = (id: string, seen: string[] = []): boolean => {
        if (memo.has(id)) {
            return memo.get(id)!;
        }
        const job = jobs[id];
        if (!job || seen.includes(id)) {
            return true;
        }
        const needs = job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
        const skippedWithNeeds = !RUNS_AFTER_SKIPPED_NEEDS.test(String(job.if ?? "")) && needs.some((n) => !runs(n, [...seen, id]));
        const result = !ifExcludes(job.if, events) && !skippedWithNeeds;
        memo.set(id, result);
        return result;
    };
    return Object.keys(jobs).filter((id) => runs(id));
}

/** The labels a job asks for; an expression cannot be checked and is reported as such. */
function runsOnLabels(runsOn: unknown): string[] {
    if (typeof runsOn === "string") {
        return [runsOn];
    }
    if (Array.isArray(runsOn)) {
        return runsOn.map(String);
    }
    if (runsOn && typeof runsOn === "object" && "labels" in runsOn) {
        return runsOnLabels((runsOn as { labels: unknown }).labels);
    }
    return [String(runsOn)];
}

/** Every pull-request job of a workflow document that may land on a socket label, as readable problems. */
export function socketJobsOnPullRequests(workflow: { on?: unknown; jobs?: Record<string, Job> }, socket: Set<string>): string[] {
    // YAML 1.1 readers turn the key `on` into true; the yaml package (1.2) keeps it.
    const events = pullRequestTriggers(workflow.on ?? (workflow as Record<string, unknown>)["true"]);
    if (events.length === 0) {
        return [];
    }
    return pullRequestJobs(workflow.jobs ?? {}, events).flatMap((id) => runsOnLabels(workflow.jobs![id]["runs-on"]).flatMap((label) => {
        if (label.includes("${{")) {
            return [`job ${id}: runs-on '${label}' is an expression, so it cannot be shown to stay off the socket labels`];
        }
        return socket.has(label) ? [`job ${id}: a pull request starts it on '${label}', whose job containers get node-1's Docker socket`] : [];
    }));
}

describe("Gitea Actions workflows and runner labels", () => {
    const socket = socketLabels(ROOT);
    const files = workflowFiles(ROOT);

    it("finds the workflows of the repository and its apps, and the builder label", () => {
        assert.ok(files.some((f) => f.endsWith(path.join("apps", "lumen", ".gitea", "workflows", "release.yaml"))), files.join(", "));
        // The platform repository's own workflows (pull-request preview and apply, docs/pr-previews.md).
        for (const own of ["platform-preview.yaml", "platform-apply.yaml"]) {
            assert.ok(files.includes(path.join(ROOT, ".gitea", "workflows", own)), `${own} not found among ${files.join(", ")}`);
        }
        assert.ok(socket.has("lumen-builder"));
        assert.ok(!socket.has(platformSchema.parse({}).actRunner.sandboxLabel));
    });

    it("never starts a pull-request job on a label whose jobs get the Docker socket", () => {
        const problems = files.flatMap((file) => socketJobsOnPullRequests(parseYaml(fs.readFileSync(file, "utf8")), socket)
            .map((p) => `${path.relative(ROOT, file)}: ${p}`));
        assert.deepStrictEqual(problems, []);
    });

    describe("the check itself", () => {
        const builder = new Set(["lumen-builder"]);
        const workflow = (on: unknown, jobs: Record<string, Job>) => ({ on, jobs });

        it("flags a pull-request job on the builder label, in every form of `on` and `runs-on`", () => {
            for (const on of ["pull_request", ["push", "pull_request"], { pull_request_target: {} }]) {
                assert.strictEqual(socketJobsOnPullRequests(workflow(on, { test: { "runs-on": "lumen-builder" } }), builder).length, 1, JSON.stringify(on));
            }
            assert.strictEqual(socketJobsOnPullRequests(workflow("pull_request", { test: { "runs-on": ["lumen-builder"] } }), builder).length, 1);
            assert.strictEqual(socketJobsOnPullRequests(workflow("pull_request", { test: { "runs-on": { labels: "lumen-builder" } } }), builder).length, 1);
        });

        it("flags a label given as an expression and a condition it cannot prove", () => {
            assert.match(socketJobsOnPullRequests(workflow("pull_request", { t: { "runs-on": "${{ vars.LABEL }}" } }), builder)[0], /expression/);
            const either = { "runs-on": "lumen-builder", if: "github.event_name != 'pull_request' || github.actor == 'x'" };
            assert.strictEqual(socketJobsOnPullRequests(workflow("pull_request", { build: either }), builder).length, 1);
            const onlyOneEvent = { "runs-on": "lumen-builder", if: "github.event_name != 'pull_request'" };
            assert.strictEqual(socketJobsOnPullRequests(workflow(["pull_request_target"], { build: onlyOneEvent }), builder).length, 1);
            // pull_request_target runs on the base branch, so a branch condition does not keep it off.
            const onMain = { "runs-on": "lumen-builder", if: "github.ref == 'refs/heads/main'" };
            assert.strictEqual(socketJobsOnPullRequests(workflow({ pull_request_target: {} }, { build: onMain }), builder).length, 1);
            assert.strictEqual(socketJobsOnPullRequests(workflow({ pull_request: {} }, { build: onMain }), builder).length, 0);
        });

        it("accepts builder jobs kept off pull requests by their condition or by a job they need", () => {
            const jobs = {
                test: { "runs-on": "lumen-sandbox" },
                build: { "runs-on": "lumen-builder", needs: "test", if: "${{ github.event_name != 'pull_request' }}" },
                release: { "runs-on": "lumen-builder", needs: "build", if: "github.ref_type == 'tag'" },
                publish: { "runs-on": "lumen-builder", needs: ["build"] },
            };
            assert.deepStrictEqual(socketJobsOnPullRequests(workflow(["push", "pull_request"], jobs), builder), []);
            assert.deepStrictEqual(socketJobsOnPullRequests(workflow("push", { any: { "runs-on": "lumen-builder" } }), builder), []);
        });

        it("flags a job that runs after a skipped dependency", () => {
            const jobs = {
                build: { "runs-on": "lumen-builder", if: "github.event_name != 'pull_request'" },
                report: { "runs-on": "lumen-builder", needs: "build", if: "always()" },
            };
            assert.deepStrictEqual(socketJobsOnPullRequests(workflow("pull_request", jobs), builder).length, 1);
        });
    });
});
