// Copyright 2026, airgap-platform authors.
//
// Parses manifests on several threads. Parsing YAML is most of the CLI's work, and it is independent
// per document, so when the input is large enough to pay for starting threads, the pieces of documents
// are grouped into batches that worker threads and the main thread take in turn. A worker sends its results back
// as JSON text: the main thread reads JSON several times faster than a structured clone of the same
// objects, and that reading is the part that does not run in parallel.

import * as os from "os";
import * as path from "path";
import { Worker } from "worker_threads";
import { ManifestFormat, parsePiece, PieceResult } from "./manifest-reader";

/** A piece of a file to parse (manifest-reader.ts, piecesOf). */
export interface PieceInput {
    readonly text: string;
    readonly format: ManifestFormat;
}

/** A batch of pieces given to one thread at a time. */
export interface ParseRequest {
    readonly id: number;
    readonly pieces: readonly PieceInput[];
}

/** A worker's answer: JSON text of the results, or the results themselves when JSON cannot carry them. */
export type ParseAnswer = { readonly id: number; readonly json: string } | { readonly id: number; readonly results: PieceResult[] };

/** Below this much text, starting threads costs more than it saves (see policy/README.md). */
export const PARALLEL_MIN_BYTES = 4 * 1024 * 1024;
/** Text per batch (and largest piece): small enough to share the work evenly, large enough that messages are few. */
export const BATCH_CHARS = 256 * 1024;
/** Batches a worker holds ahead, so it does not wait while the main thread parses. */
const AHEAD = 2;

/** YAML's .inf and .nan, which JSON would turn into null. */
const NON_JSON_NUMBER = /\.(?:inf|nan)\b/i;

export function parseBatch(request: ParseRequest): ParseAnswer {
    const results = request.pieces.map((p) => parsePiece(p.text, p.format));
    return request.pieces.some((p) => NON_JSON_NUMBER.test(p.text)) ? { id: request.id, results } : { id: request.id, json: JSON.stringify(results) };
}

/** The threads to use by default: one per CPU the process may run on. */
export function defaultJobs(): number {
    return os.availableParallelism();
}

function startWorker(): Worker {
    // Under ts-node (the tests), the worker compiles its TypeScript too; the shipped CLI is JavaScript.
    const ext = path.extname(__filename);
    return new Worker(path.join(__dirname, `parse-worker${ext}`), ext === ".ts" ? { execArgv: ["--require", require.resolve("ts-node/register/transpile-only")] } : {});
}

function batches(pieces: readonly PieceInput[]): PieceInput[][] {
    const out: PieceInput[][] = [];
    let current: PieceInput[] = [];
    let chars = 0;
    for (const p of pieces) {
        current.push(p);
        chars += p.text.length;
        if (chars >= BATCH_CHARS) {
            out.push(current);
            current = [];
            chars = 0;
        }
    }
    if (current.length > 0) {
        out.push(current);
    }
    return out;
}

/**
 * Parses the pieces, in order. With jobs > 1 and at least PARALLEL_MIN_BYTES of text, jobs - 1
 * worker threads help the main thread.
 */
export async function parsePieces(pieces: readonly PieceInput[], jobs: number): Promise<PieceResult[]> {
    const chars = pieces.reduce((n, p) => n + p.text.length, 0);
    if (jobs <= 1 || chars < PARALLEL_MIN_BYTES) {
        return pieces.map((p) => parsePiece(p.text, p.format));
    }
    const work = batches(pieces);
    const results: PieceResult[][] = new Array(work.length);
    const workers: Worker[] = [];
    let next = 0;
    let pending = 0;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    let closing = false;
    const send = (worker: Worker) => {
        if (next < work.length && failure === undefined) {
            const id = next++;
            pending++;
            worker.postMessage({ id, pieces: work[id] } satisfies ParseRequest);
        }
    };
    try {
        for (let i = 0; i < Math.min(jobs - 1, work.length - 1); i++) {
            const worker = startWorker();
            worker.on("message", (answer: ParseAnswer) => {
                pending--;
                results[answer.id] = "json" in answer ? JSON.parse(answer.json) : answer.results;
                send(worker);
                wake?.();
            });
            worker.on("error", (e) => {
                failure ??= new Error(`a parse worker failed: ${e.message}`);
                wake?.();
            });
            worker.on("exit", (code) => {
                if (!closing) {
                    failure ??= new Error(`a parse worker stopped (exit code ${code}) before its work was done`);
                    wake?.();
                }
            });
            workers.push(worker);
            for (let k = 0; k < AHEAD; k++) {
                send(worker);
            }
        }
        // The main thread takes batches too, and lets the workers' answers in between.
        while (next < work.length && failure === undefined) {
            const id = next++;
            results[id] = work[id].map((p) => parsePiece(p.text, p.format));
            await new Promise((resolve) => setImmediate(resolve));
        }
        while (pending > 0 && failure === undefined) {
            await new Promise<void>((resolve) => {
                wake = resolve;
            });
        }
    } finally {
        closing = true;
        await Promise.all(workers.map((w) => w.terminate()));
    }
    if (failure !== undefined) {
        throw failure;
    }
    return results.flat();
}
