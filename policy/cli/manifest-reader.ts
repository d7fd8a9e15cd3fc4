// Copyright 2026, airgap-platform authors.
//
// Turns the text of one manifest file into Kubernetes objects the way kubectl and Argo CD read it:
// a YAML stream is cut into documents at `---` lines, one broken document does not hide the others,
// YAML 1.1 merge keys (`<<`) are applied with the precedence of the Go YAML v2 reader those tools use,
// and a `*.json` file is one JSON object. docs/manifest-linter.md records the upstream behaviour this
// copies.
//
// Parsing uses js-yaml's core schema: it is about ten times faster than `yaml` on manifests
// (policy/README.md has the measurements) and reports errors with line and column. A run of documents
// (a piece) is parsed in one call, which costs less than one call per document; only when that fails
// is each document of the piece parsed on its own, to say which one is broken.

import { CORE_SCHEMA, loadAll, Type, YAMLException } from "js-yaml";
import { isRecord } from "../lib/values";

/** How a file is parsed: by its extension, as Argo CD's directory source does. */
export type ManifestFormat = "yaml" | "json";

export function formatOf(file: string): ManifestFormat {
    return /\.json$/i.test(file) ? "json" : "yaml";
}

/** One document of a file: its text and where it starts. */
export interface DocumentText {
    readonly text: string;
    /** Offset of the document's first character in the file's text. */
    readonly offset: number;
    /** 1-based number among the file's non-empty documents. */
    readonly index: number;
}

/** Why a document could not be read; line and column (1-based) are within the document. */
export interface DocumentFailure {
    readonly message: string;
    /** Set for syntax errors. */
    readonly syntax?: "YAML" | "JSON";
    readonly line?: number;
    readonly column?: number;
}

/** What parsing one document gave: its values, or why it could not be read. */
export type DocumentResult = { readonly values: unknown[] } | { readonly error: DocumentFailure };

/** What parsing a piece gave: the values of all its documents, or each document's own result. */
export type PieceResult = { readonly values: unknown[] } | { readonly documents: DocumentResult[] };

/** True when text[from, to) holds nothing but blanks and comments. */
function isEmptyDocument(text: string, from: number, to: number): boolean {
    for (let i = from; i < to; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x23 /* # */) {
            const eol = text.indexOf("\n", i);
            if (eol < 0 || eol >= to) {
                return true;
            }
            i = eol;
        } else if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) {
            return false;
        }
    }
    return true;
}

/** True when text[from, to) is what may follow `---` on a separator line: blanks, then maybe a comment. */
function endsSeparator(text: string, from: number, to: number): boolean {
    for (let i = from; i < to; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x23 /* # */) {
            return true;
        }
        if (c !== 0x20 && c !== 0x09 && c !== 0x0d) {
            return false;
        }
    }
    return true;
}

/**
 * Cuts a YAML stream into documents where kubectl's and Argo CD's reader does: at lines that are
 * `---` followed only by blanks or a comment. Documents holding only blanks and comments are left out;
 * the others are numbered from 1.
 */
export function splitDocuments(text: string): DocumentText[] {
    const out: DocumentText[] = [];
    let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const add = (end: number) => {
        if (!isEmptyDocument(text, start, end)) {
            out.push({ text: text.slice(start, end), offset: start, index: out.length + 1 });
        }
    };
    const nextCandidate = (from: number) => {
        const i = text.indexOf("\n---", from);
        return i < 0 ? -1 : i + 1;
    };
    for (let line = text.startsWith("---", start) ? start : nextCandidate(start); line >= 0;) {
        const newline = text.indexOf("\n", line);
        const end = newline < 0 ? text.length : newline;
        if (endsSeparator(text, line + 3, end)) {
            add(line);
            start = Math.min(end + 1, text.length);
        }
        line = nextCandidate(end);
    }
    add(text.length);
    return out;
}

// Merge keys. js-yaml applies `<<` itself, but lets every explicit key win, wherever it stands. The Go
// reader applies a merge where it stands: it overwrites the keys written before it, the keys after it
// overwrite it, and in `<<: [a, b]` a wins. An attacker can use that difference to hide an image from a
// checker that reads YAML the js-yaml way, so a plain `<<` key is kept as a numbered marker and the
// merges are applied afterwards, in the order written.
const MERGE_MARK = "\u0000<<";
let merges = 0;
const mergeKeyType = new Type("tag:airgap-platform,2026:merge-key", {
    kind: "scalar",
    resolve: (data: unknown) => data === "<<",
    construct: () => `${MERGE_MARK}${merges++}`,
});
const MERGE_SCHEMA = CORE_SCHEMA.extend({ implicit: [mergeKeyType] });

/** Deeper than any real object (a CRD's schema nests a few dozen levels), shallow enough for the stack. */
const MAX_DEPTH = 1000;

/**
 * The Go reader refuses documents whose aliases expand too much; a document that expands to more than
 * this many values, and more than ALIAS_RATIO times its own size, is refused as a YAML bomb.
 */
export const MAX_EXPANDED_VALUES = 1_000_000;
const ALIAS_RATIO = 10;

class DocumentError extends Error {
    constructor(message: string, readonly failure: Omit<DocumentFailure, "message"> = {}) {
        super(message);
    }
}

function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
    if (key === "__proto__") {
        Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
    } else {
        target[key] = value;
    }
}

/** Applies the merge markers of a value, keeping shared (aliased) values shared. */
function applyMerges(value: unknown, done: Map<object, unknown>): unknown {
    if (typeof value === "string") {
        return value.startsWith(MERGE_MARK) ? "<<" : value;
    }
    if (typeof value !== "object" || value === null) {
        return value;
    }
    const known = done.get(value);
    if (known !== undefined) {
        return known;
    }
    if (Array.isArray(value)) {
        const out: unknown[] = [];
        done.set(value, out);
        for (const item of value) {
            out.push(applyMerges(item, done));
        }
        return out;
    }
    const out: Record<string, unknown> = {};
    done.set(value, out);
    for (const [key, item] of Object.entries(value)) {
        if (!key.startsWith(MERGE_MARK)) {
            setKey(out, key, applyMerges(item, done));
            continue;
        }
        const merged = applyMerges(item, done);
        const sources = Array.isArray(merged) ? [...merged].reverse() : [merged];
        for (const source of sources) {
            if (!isRecord(source)) {
                throw new DocumentError("map merge requires map or sequence of maps as the value");
            }
            for (const [k, v] of Object.entries(source)) {
                setKey(out, k, v);
            }
        }
    }
    return out;
}

/**
 * How many values a full walk of the value visits, an aliased value counted each time it is reached;
 * computed once per distinct object (`sizes` ends up holding each of them), so a bomb is not expanded.
 */
function expansion(value: unknown, sizes: Map<object, number>): number {
    if (typeof value !== "object" || value === null) {
        return 1;
    }
    const known = sizes.get(value);
    if (known !== undefined) {
        return known;
    }
    sizes.set(value, 1);
    let total = 1;
    for (const item of Array.isArray(value) ? value : Object.values(value)) {
        total += expansion(item, sizes);
    }
    sizes.set(value, total);
    return total;
}

function checkAliases(value: unknown): void {
    const sizes = new Map<object, number>();
    const expanded = expansion(value, sizes);
    if (expanded > MAX_EXPANDED_VALUES && expanded > ALIAS_RATIO * sizes.size) {
        throw new DocumentError(`its aliases expand it to ${expanded.toExponential(1)} values (more than ${MAX_EXPANDED_VALUES.toLocaleString("en-US")}): a YAML bomb, refused`);
    }
}

/** An anchor (`&name`) somewhere in the text, which is what makes aliases possible. */
const ANCHOR = /(?:^|[\s[{,])&[^\s[\]{},]/;

/** Parses YAML documents: one, or a run of them with their `---` lines. */
function parseYaml(text: string): unknown[] {
    const hasMerge = text.includes("<<");
    const values: unknown[] = [];
    loadAll(text, (value) => values.push(value), { schema: hasMerge ? MERGE_SCHEMA : CORE_SCHEMA, maxDepth: MAX_DEPTH } as Parameters<typeof loadAll>[2]);
    const anchors = text.includes("&") && ANCHOR.test(text);
    return values.map((value) => {
        if (anchors) {
            checkAliases(value);
        }
        return hasMerge ? applyMerges(value, new Map()) : value;
    });
}

/** Line and column (1-based) of an offset. */
function position(text: string, offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
        line++;
        lineStart = i + 1;
    }
    return { line, column: offset - lineStart + 1 };
}

function parseJsonDocument(text: string): unknown[] {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (e) {
        // V8 says "... in JSON at position N (line L column C)"; the position is turned into line and column.
        const message = (e as Error).message.replace(/\s*\(line \d+ column \d+\)$/, "");
        const at = /^(.*) in JSON at position (\d+)$/.exec(message);
        throw new DocumentError(at === null ? message : at[1], at === null ? { syntax: "JSON" } : { syntax: "JSON", ...position(text, Number(at[2])) });
    }
    if (Array.isArray(value)) {
        throw new DocumentError("a JSON manifest is one object (Argo CD reads each *.json file as one resource), not an array");
    }
    return [value];
}

/** Parses one document; never throws. Line and column are within the document. */
export function parseDocument(text: string, format: ManifestFormat): DocumentResult {
    try {
        return { values: format === "json" ? parseJsonDocument(text) : parseYaml(text) };
    } catch (e) {
        if (e instanceof YAMLException) {
            return { error: { message: e.reason, syntax: "YAML", line: e.mark.line + 1, column: e.mark.column + 1 } };
        }
        if (e instanceof DocumentError) {
            return { error: { message: e.message, ...e.failure } };
        }
        if (e instanceof RangeError) {
            // Nesting deep enough to overflow the stack before js-yaml's own depth limit.
            return { error: { message: `too deeply nested (${e.message})` } };
        }
        throw e;
    }
}

/** Consecutive documents of one file, parsed together. */
export interface Piece {
    readonly text: string;
    /** Index in the file's document list of the first document of the piece. */
    readonly first: number;
    readonly count: number;
}

/** Cuts a file's documents into pieces of about maxChars characters (a larger document is a piece alone). */
export function piecesOf(fileText: string, documents: readonly DocumentText[], maxChars: number): Piece[] {
    const out: Piece[] = [];
    for (let first = 0; first < documents.length;) {
        let last = first;
        const start = documents[first].offset;
        while (last + 1 < documents.length && documents[last + 1].offset + documents[last + 1].text.length - start <= maxChars) {
            last++;
        }
        out.push({ text: fileText.slice(start, documents[last].offset + documents[last].text.length), first, count: last - first + 1 });
        first = last + 1;
    }
    return out;
}

/**
 * Parses a piece in one call; when that fails, parses each of its documents on its own so that the
 * broken ones are known and the others still count. Never throws.
 */
export function parsePiece(text: string, format: ManifestFormat): PieceResult {
    if (format === "yaml") {
        try {
            return { values: parseYaml(text) };
        } catch (e) {
            if (!(e instanceof YAMLException || e instanceof DocumentError || e instanceof RangeError)) {
                throw e;
            }
        }
    }
    return { documents: documentsOf(text, format).map((d) => parseDocument(d.text, format)) };
}

/** The documents of a file, ready to parse: YAML streams are cut at `---`, a JSON file is one document. */
export function documentsOf(text: string, format: ManifestFormat): DocumentText[] {
    if (format === "json") {
        const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
        return isEmptyDocument(text, start, text.length) ? [] : [{ text: text.slice(start), offset: start, index: 1 }];
    }
    return splitDocuments(text);
}

/** The Kubernetes objects a document's values stand for: a `kind: List` stands for its items. */
export function objectsOf(values: readonly unknown[]): unknown[] {
    const out: unknown[] = [];
    for (const value of values) {
        if (value === null || value === undefined) {
            continue;
        }
        if (isRecord(value) && value.kind === "List" && Array.isArray(value.items)) {
            out.push(...value.items);
        } else {
            out.push(value);
        }
    }
    return out;
}

/** The message for a document that could not be read: which document, where it starts, and why. */
export function documentProblem(fileText: string, document: DocumentText, failure: DocumentFailure): string {
    const start = position(fileText, document.offset).line;
    const where = failure.line === undefined ? "" : ` at line ${start + failure.line - 1}, column ${failure.column}`;
    return `document ${document.index} (line ${start}): ${failure.syntax === undefined ? "" : `${failure.syntax} error${where}: `}${failure.message}`;
}
