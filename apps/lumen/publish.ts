// Copyright 2026, airgap-platform authors.
//
// Publishes what the Kubernetes provider rendered into the folder Argo CD watches.
//
// renderYamlToDirectory writes <dir>/1-manifest/<apiVersion>-<kind>-<namespace>-<name>.yaml (and CRDs to
// <dir>/0-crd/), but an Argo CD directory source does not recurse by default, so the files are published
// flat. The folder may also hold hand-written files: only the files this script published before (listed
// in RENDERED_LIST) are replaced or removed, and a hand-written file that defines one of the rendered
// objects stops the publish, since Argo CD would then see the object twice.
//
// Usage: ts-node publish.ts RENDER_DIR OUTPUT_DIR   (release.sh calls it)

import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";

/** The list of files the last publish wrote, kept in the output folder (Argo CD ignores it: not YAML). */
export const RENDERED_LIST = ".rendered-files";

/** First line of every published file. */
export const HEADER = "# Rendered by apps/lumen of airgap-platform (npm run release); do not edit: edit the stack config and release.\n";

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/** What a publish did. */
export interface PublishResult {
    /** Files written, sorted. */
    readonly written: string[];
    /** Files of the previous publish that are no longer rendered, now removed. */
    readonly removed: string[];
}

/** `Kind/namespace/name` of every object in a YAML text. */
export function objectKeys(text: string): string[] {
    const keys: string[] = [];
    for (const doc of parseAllDocuments(text)) {
        const value = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
        if (value && typeof value.kind === "string") {
            keys.push(`${value.kind}/${String(value.metadata?.namespace ?? "")}/${String(value.metadata?.name ?? "")}`);
        }
    }
    return keys;
}

/** True when two object keys can name the same object (an empty namespace takes the destination's). */
function sameObject(a: string, b: string): boolean {
    const [ka, na, ...ra] = a.split("/");
    const [kb, nb, ...rb] = b.split("/");
    return ka === kb && ra.join("/") === rb.join("/") && (na === nb || na === "" || nb === "");
}

/** Reads the rendered files; refuses CRDs (the platform installs them) and an empty render. */
export function renderedFiles(renderDir: string): Map<string, string> {
    const crdDir = path.join(renderDir, "0-crd");
    const crds = fs.existsSync(crdDir) ? fs.readdirSync(crdDir) : [];
    if (crds.length > 0) {
        throw new Error(`${crdDir} holds ${crds.join(", ")}: the app stack must not ship CRDs; the platform's argo-rollouts and kube-prometheus-stack charts install them`);
    }
    const manifestDir = path.join(renderDir, "1-manifest");
    const names = fs.existsSync(manifestDir) ? fs.readdirSync(manifestDir).filter((n) => MANIFEST_FILE.test(n)).sort() : [];
    if (names.length === 0) {
        throw new Error(`${manifestDir} holds no rendered manifest: did pulumi up run against an empty state? (release.sh renders into a fresh state)`);
    }
    return new Map(names.map((n) => [n, fs.readFileSync(path.join(manifestDir, n), "utf8")]));
}

/** Publishes the render into outputDir; nothing is changed when a check fails. */
export function publishRendered(renderDir: string, outputDir: string): PublishResult {
    const rendered = renderedFiles(renderDir);
    fs.mkdirSync(outputDir, { recursive: true });
    const listFile = path.join(outputDir, RENDERED_LIST);
    const previous = fs.existsSync(listFile) ? fs.readFileSync(listFile, "utf8").split("\n").filter((l) => l !== "") : [];
    const ours = new Set([...previous, ...rendered.keys()]);

    const renderedKeys = [...rendered.entries()].flatMap(([file, text]) => objectKeys(text).map((key) => ({ file, key })));
    const conflicts: string[] = [];
    for (const name of fs.readdirSync(outputDir).sort()) {
        const file = path.join(outputDir, name);
        if (!MANIFEST_FILE.test(name) || !fs.statSync(file).isFile()) {
            continue;
        }
        if (rendered.has(name) && !previous.includes(name)) {
            conflicts.push(`${name} exists but was not published by this script; move it away so the rendered ${name} can take its place`);
            continue;
        }
        if (ours.has(name)) {
            continue;
        }
        let keys: string[];
        try {
            keys = objectKeys(fs.readFileSync(file, "utf8"));
        } catch (e) {
            conflicts.push(`${name} is not readable YAML (${(e as Error).message.split("\n")[0]}); Argo CD would fail on it too`);
            continue;
        }
        for (const key of keys) {
            const twin = renderedKeys.find((r) => sameObject(r.key, key));
            if (twin !== undefined) {
                conflicts.push(`${name} defines ${key}, which is now rendered into ${twin.file}; delete ${name} (the stack config replaces it)`);
            }
        }
    }
    if (conflicts.length > 0) {
        throw new Error(`cannot publish into ${outputDir}:\n${conflicts.map((c) => `  - ${c}`).join("\n")}`);
    }

    const removed = previous.filter((name) => !rendered.has(name)).sort();
    for (const name of removed) {
        fs.rmSync(path.join(outputDir, name), { force: true });
    }
    for (const [name, text] of rendered) {
        fs.writeFileSync(path.join(outputDir, name), HEADER + text);
    }
    fs.writeFileSync(listFile, [...rendered.keys()].join("\n") + "\n");
    return { written: [...rendered.keys()], removed };
}

if (require.main === module) {
    const [renderDir, outputDir] = process.argv.slice(2);
    if (renderDir === undefined || outputDir === undefined) {
        process.stderr.write("usage: ts-node apps/lumen/publish.ts RENDER_DIR OUTPUT_DIR\n");
        process.exit(2);
    }
    try {
        const result = publishRendered(renderDir, outputDir);
        process.stdout.write(`[release] published ${result.written.length} file(s) into ${outputDir}${result.removed.length > 0 ? `; removed ${result.removed.join(", ")}` : ""}\n`);
    } catch (e) {
        process.stderr.write(`[release] ${(e as Error).message}\n`);
        process.exit(1);
    }
}
