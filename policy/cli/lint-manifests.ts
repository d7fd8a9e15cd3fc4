// Copyright 2026, airgap-platform authors.
//
// `npm run lint:manifests -- [--config FILE] [--format text|json] [--max-file-size SIZE] [--jobs N] PATH...`
//
// Runs the policy pack's rules over Kubernetes manifests (the Rollouts, templates and Applications that
// live in Git and reach the cluster through Argo CD, not through a stack). PATHs are files or folders;
// folders are searched recursively for *.yaml, *.yml and *.json, as Argo CD's directory source reads
// them (manifest-files.ts); YAML files may hold several documents (manifest-reader.ts). All the
// documents given form one manifest set, which the cross-resource rules look at together.
//
// Output: one line per finding, `file: Kind/namespace/name rule-name: [level] message`, then a
// summary line. Exit code: 0 when no mandatory rule fails, 1 when one does, 2 when an input cannot be
// read or parsed, when a PATH holds no Kubernetes resource at all (almost always a wrong path), or when
// the command line or config is wrong. Every readable document is still checked when another is not.

import * as fs from "fs";
import * as path from "path";
import { evaluateManifests, Finding, hasMandatory, rules } from "../engine";
import { PolicyConfigFile, validateConfigFile } from "../lib/config";
import { ManifestInput } from "../lib/manifest-index";
import { rebuildIfStale } from "../../lib/fresh-build";
import { isRecord } from "../lib/values";
import { listManifests, ManifestFile, parseSize, readManifestFile, reasonOf } from "./manifest-files";
import { documentProblem, documentsOf, DocumentText, objectsOf, parseDocument, piecesOf } from "./manifest-reader";
import { BATCH_CHARS, defaultJobs, parsePieces } from "./parse-pool";

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

const USAGE = "usage: npm run lint:manifests -- [--config policy-config.json] [--format text|json] [--max-file-size 16MiB] [--jobs N] PATH...";

/** Larger files are refused: no manifest is that big, and reading one would take the memory. */
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

interface Options {
    readonly paths: string[];
    readonly config?: string;
    readonly format: "text" | "json";
    readonly maxFileBytes: number;
    readonly jobs: number;
}

function parseArgs(argv: readonly string[]): Options | string {
    const paths: string[] = [];
    let config: string | undefined;
    let format: "text" | "json" = "text";
    let maxFileBytes = DEFAULT_MAX_FILE_BYTES;
    let jobs = defaultJobs();
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
        } else if (flag === "--max-file-size") {
            const size = parseSize(value() ?? "");
            if (size === undefined) {
                return "--max-file-size is a size such as 16MiB, 512KiB or a number of bytes";
            }
            maxFileBytes = size;
        } else if (flag === "--jobs") {
            const n = Number(value());
            if (!Number.isInteger(n) || n < 1) {
                return "--jobs is the number of threads, 1 or more";
            }
            jobs = n;
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
    return { paths, config, format, maxFileBytes, jobs };
}

/** Reads the documents of one file's text; throws with a one-line reason on the first that cannot be read. */
export function readManifests(text: string, file: string): ManifestInput[] {
    const out: ManifestInput[] = [];
    for (const document of documentsOf(text, "yaml")) {
        const result = parseDocument(document.text, "yaml");
        if ("error" in result) {
            throw new Error(documentProblem(text, document, result.error));
        }
        objectsOf(result.values).forEach((object) => out.push({ object, file }));
    }
    return out;
}

/** A Kubernetes resource, as the engine counts one: an object with a kind. */
function isResource(value: unknown): boolean {
    return isRecord(value) && typeof value.kind === "string" && value.kind !== "";
}

/** One output line for a finding. */
export function formatFinding(f: Finding): string {
    return `${f.file ?? "-"}: ${f.kind}/${f.namespace ?? "-"}/${f.name ?? "-"} ${f.rule}: [${f.level}] ${f.message}`;
}

/** What one PATH argument gave. */
interface Source {
    readonly given: string;
    files: number;
    resources: number;
    problems: number;
}

/** A file that was read, and its documents. */
interface ReadFile {
    readonly file: ManifestFile;
    readonly text: string;
    readonly source: Source;
    readonly documents: DocumentText[];
}

/** The objects of every PATH, in order; reports each input that cannot be used. Texts are not kept. */
async function readManifestSet(options: Options, io: CliIO): Promise<{ objects: ManifestInput[]; files: number; unreadable: number }> {
    let unreadable = 0;
    const unusable = (source: Source, shown: string, message: string) => {
        io.err(`${shown}: unreadable: ${message}`);
        source.problems++;
        unreadable++;
    };
    const sources: Source[] = [];
    const read: ReadFile[] = [];
    for (const given of options.paths) {
        const source: Source = { given, files: 0, resources: 0, problems: 0 };
        sources.push(source);
        const listing = listManifests(given, path.resolve(io.cwd, given));
        listing.problems.forEach((p) => unusable(source, p.shown, p.message));
        listing.skipped.forEach((p) => io.err(`${p.shown}: skipped: ${p.message}`));
        for (const file of listing.files) {
            source.files++;
            let text: string;
            try {
                text = readManifestFile(file, options.maxFileBytes);
            } catch (e) {
                unusable(source, file.shown, reasonOf(e));
                continue;
            }
            read.push({ file, text, source, documents: documentsOf(text, file.format) });
        }
    }

    const pieces = read.flatMap((r) => piecesOf(r.text, r.documents, BATCH_CHARS).map((piece) => ({ ...piece, read: r })));
    const results = await parsePieces(pieces.map((p) => ({ text: p.text, format: p.read.file.format })), options.jobs);
    const objects: ManifestInput[] = [];
    const take = (r: ReadFile, values: readonly unknown[]) => {
        for (const object of objectsOf(values)) {
            objects.push({ object, file: r.file.shown });
            if (isResource(object)) {
                r.source.resources++;
            }
        }
    };
    pieces.forEach((piece, i) => {
        const result = results[i];
        if ("values" in result) {
            take(piece.read, result.values);
            return;
        }
        result.documents.forEach((document, k) => {
            if ("error" in document) {
                unusable(piece.read.source, piece.read.file.shown, documentProblem(piece.read.text, piece.read.documents[piece.first + k], document.error));
            } else {
                take(piece.read, document.values);
            }
        });
    });
    for (const source of sources) {
        if (source.resources === 0 && source.problems === 0) {
            const found = source.files === 0 ? "no *.yaml, *.yml or *.json file" : `${source.files} file${source.files === 1 ? "" : "s"} but no document with a kind`;
            io.err(`${source.given}: no Kubernetes resources (${found}); check the path`);
            unreadable++;
        }
    }
    return { objects, files: read.length, unreadable };
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
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

    const { objects, files, unreadable } = await readManifestSet(options, io);
    const findings = evaluateManifests(objects, config);
    const mandatory = findings.filter((f) => f.level === "mandatory").length;
    const advisory = findings.length - mandatory;
    const resources = objects.filter((o) => isResource(o.object)).length;
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

if (require.main === module && !rebuildIfStale(__filename, process.argv.slice(2))) {
    // npm runs scripts from the package root; INIT_CWD is where `npm run` was typed. Output is written
    // once at the end: one write per finding line is slow on a pipe.
    const out: string[] = [];
    const err: string[] = [];
    main(process.argv.slice(2), { out: (line) => out.push(line), err: (line) => err.push(line), cwd: process.env.INIT_CWD ?? process.cwd() })
        .then((code) => {
            process.exitCode = code;
        }, (e: Error) => {
            err.push(`lint-manifests: ${e.stack ?? e.message}`);
            process.exitCode = EXIT_UNREADABLE;
        })
        .finally(() => {
            if (err.length > 0) {
                process.stderr.write(`${err.join("\n")}\n`);
            }
            if (out.length > 0) {
                process.stdout.write(`${out.join("\n")}\n`);
            }
        });
}
