// Copyright 2026, airgap-platform authors.
//
// `npm run lint:manifests -- [--config FILE] [--format text|json] PATH...`
//
// Runs the policy pack's rules over YAML manifests (the Rollouts, templates and Applications that live
// in Git and reach the cluster through Argo CD, not through a stack). PATHs are files or folders;
// folders are searched recursively for *.yaml and *.yml; files may hold several documents. All the
// documents given form one manifest set, which the cross-resource rules look at together.
//
// Output: one line per finding, `file: Kind/namespace/name rule-name: [level] message`, then a
// summary line. Exit code: 0 when no mandatory rule fails, 1 when one does, 2 when an input cannot be
// read or parsed (or the command line or config is wrong).

import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { evaluateManifests, Finding, hasMandatory, rules } from "../engine";
import { PolicyConfigFile, validateConfigFile } from "../lib/config";
import { ManifestInput } from "../lib/manifest-index";
import { isRecord } from "../lib/values";

/** Where the CLI writes; tests pass their own. */
export interface CliIO {
    readonly out: (line: string) => void;
    readonly err: (line: string) => void;
    /** The directory relative paths are resolved against. */
    readonly cwd: string;
}

export const EXIT_CLEAN = 0;
export const EXIT_MANDATORY = 1;
export const EXIT_UNREADABLE = 2;

const USAGE = "usage: npm run lint:manifests -- [--config policy-config.json] [--format text|json] PATH...";

interface Options {
    readonly paths: string[];
    readonly config?: string;
    readonly format: "text" | "json";
}

function parseArgs(argv: readonly string[]): Options | string {
    const paths: string[] = [];
    let config: string | undefined;
    let format: "text" | "json" = "text";
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
        const value = (): string | undefined => inline ?? argv[++i];
        if (flag === "--config") {
            config = value();
            if (config === undefined) {
                return "--config needs a file";
            }
        } else if (flag === "--format") {
            const f = value();
            if (f !== "text" && f !== "json") {
                return "--format is text or json";
            }
            format = f;
        } else if (flag === "--") {
            paths.push(...argv.slice(i + 1));
            break;
        } else if (flag.startsWith("-") && flag !== "-") {
            return `unknown option ${arg}`;
        } else {
            paths.push(arg);
        }
    }
    if (paths.length === 0) {
        return "no PATH given";
    }
    return { paths, config, format };
}

/** Lists the YAML files under a path (the path itself when it is a file), sorted. */
function listFiles(target: string, shown: string): Array<{ abs: string; shown: string }> {
    const stat = fs.statSync(target);
    if (!stat.isDirectory()) {
        return [{ abs: target, shown }];
    }
    const out: Array<{ abs: string; shown: string }> = [];
    for (const name of fs.readdirSync(target).sort()) {
        if (name === "node_modules" || name.startsWith(".")) {
            continue;
        }
        const abs = path.join(target, name);
        const rel = path.join(shown, name);
        const s = fs.statSync(abs);
        if (s.isDirectory()) {
            out.push(...listFiles(abs, rel));
        } else if (/\.ya?ml$/i.test(name)) {
            out.push({ abs, shown: rel });
        }
    }
    return out;
}

/** Reads the documents of one file; throws with a one-line reason when it cannot. */
export function readManifests(text: string, file: string): ManifestInput[] {
    const docs = parseAllDocuments(text, { prettyErrors: true });
    const list = Array.isArray(docs) ? docs : [docs];
    const out: ManifestInput[] = [];
    for (const doc of list) {
        if (doc.errors.length > 0) {
            const e = doc.errors[0];
            const where = e.linePos?.[0] === undefined ? "" : ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}`;
            throw new Error(`YAML error${where}: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`);
        }
        const value: unknown = doc.toJS({ maxAliasCount: 1000 });
        if (value === null || value === undefined) {
            continue;
        }
        if (isRecord(value) && value.kind === "List" && Array.isArray(value.items)) {
            value.items.forEach((item) => out.push({ object: item, file }));
        } else {
            out.push({ object: value, file });
        }
    }
    return out;
}

/** One output line for a finding. */
export function formatFinding(f: Finding): string {
    return `${f.file ?? "-"}: ${f.kind}/${f.namespace ?? "-"}/${f.name ?? "-"} ${f.rule}: [${f.level}] ${f.message}`;
}

/** Runs the CLI; returns the exit code. */
export function main(argv: readonly string[], io: CliIO): number {
    const options = parseArgs(argv);
    if (typeof options === "string") {
        io.err(`lint-manifests: ${options}`);
        io.err(USAGE);
        return EXIT_UNREADABLE;
    }
    let config: PolicyConfigFile | undefined;
    if (options.config !== undefined) {
        try {
            const parsed: unknown = JSON.parse(fs.readFileSync(path.resolve(io.cwd, options.config), "utf8"));
            const problems = validateConfigFile(parsed, rules);
            if (problems.length > 0) {
                problems.forEach((p) => io.err(`${options.config}: ${p}`));
                return EXIT_UNREADABLE;
            }
            config = parsed as PolicyConfigFile;
        } catch (e) {
            io.err(`${options.config}: unreadable: ${(e as Error).message}`);
            return EXIT_UNREADABLE;
        }
    }

    const objects: ManifestInput[] = [];
    let unreadable = 0;
    let files = 0;
    for (const given of options.paths) {
        let list: Array<{ abs: string; shown: string }>;
        try {
            list = listFiles(path.resolve(io.cwd, given), given);
        } catch (e) {
            io.err(`${given}: unreadable: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (e as Error).message}`);
            unreadable++;
            continue;
        }
        for (const file of list) {
            files++;
            try {
                objects.push(...readManifests(fs.readFileSync(file.abs, "utf8"), file.shown));
            } catch (e) {
                io.err(`${file.shown}: unreadable: ${(e as Error).message}`);
                unreadable++;
            }
        }
    }

    const findings = evaluateManifests(objects, config);
    const mandatory = findings.filter((f) => f.level === "mandatory").length;
    const advisory = findings.length - mandatory;
    const resources = objects.filter((o) => isRecord(o.object) && typeof o.object.kind === "string").length;
    const summary = `${findings.length} finding${findings.length === 1 ? "" : "s"} (${mandatory} mandatory, ${advisory} advisory) in ${resources} resource${resources === 1 ? "" : "s"} from ${files} file${files === 1 ? "" : "s"}${unreadable > 0 ? `; ${unreadable} unreadable input${unreadable === 1 ? "" : "s"}` : ""}`;
    if (options.format === "json") {
        io.out(JSON.stringify({ findings: findings.map(({ position: _position, ...f }) => f), summary: { mandatory, advisory, resources, files, unreadable } }, null, 2));
    } else {
        findings.forEach((f) => io.out(formatFinding(f)));
        io.out(summary);
    }
    if (unreadable > 0) {
        return EXIT_UNREADABLE;
    }
    return hasMandatory(findings) ? EXIT_MANDATORY : EXIT_CLEAN;
}

if (require.main === module) {
    // npm runs scripts from the package root; INIT_CWD is where `npm run` was typed.
    const code = main(process.argv.slice(2), {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
        cwd: process.env.INIT_CWD ?? process.cwd(),
    });
    process.exitCode = code;
}
