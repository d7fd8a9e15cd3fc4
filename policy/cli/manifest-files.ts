// Copyright 2026, airgap-platform authors.
//
// Finds the manifest files under the paths given to the CLI, the way Argo CD's directory source sees
// a repository: *.yaml, *.yml and *.json files, folders searched recursively, dot-folders and
// node_modules skipped. Symbolic links are followed only when they stay inside the folder given
// (Argo CD refuses a repository with a link that leads outside it); a link loop or an unreadable
// folder is reported on its own entry and everything else is still read. A dangling link, or one to a
// FIFO or device, is skipped with a note, as Argo CD skips it with a warning.

import * as fs from "fs";
import * as path from "path";
import { formatOf, ManifestFormat } from "./manifest-reader";

/** A manifest file to read. */
export interface ManifestFile {
    /** The path to open. */
    readonly abs: string;
    /** The path as the user gave it (the PATH argument joined with the entry's name), for messages. */
    readonly shown: string;
    readonly format: ManifestFormat;
}

/** An entry that could not be used, with the reason. */
export interface EntryProblem {
    readonly shown: string;
    readonly message: string;
}

export interface Listing {
    readonly files: ManifestFile[];
    /** Entries that make the run fail. */
    readonly problems: EntryProblem[];
    /** Entries left out, as Argo CD leaves them out, with the reason. */
    readonly skipped: EntryProblem[];
}

const MANIFEST_NAME = /\.(ya?ml|json)$/i;

/** A one-line reason for a file system error. */
export function reasonOf(e: unknown): string {
    switch ((e as NodeJS.ErrnoException).code) {
        case "ENOENT":
            return "no such file or directory";
        case "ELOOP":
            return "symbolic link loop";
        case "EACCES":
        case "EPERM":
            return "permission denied";
        default:
            return (e as Error).message;
    }
}

function isInside(root: string, target: string): boolean {
    const rel = path.relative(root, target);
    return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * The manifest files under one PATH argument (the file itself when it is a file, whatever its name:
 * the user named it), in name order, and the entries that could not be used.
 */
export function listManifests(given: string, abs: string): Listing {
    const files: ManifestFile[] = [];
    const problems: EntryProblem[] = [];
    const skipped: EntryProblem[] = [];
    let stat: fs.Stats;
    try {
        stat = fs.statSync(abs);
    } catch (e) {
        problems.push({ shown: given, message: reasonOf(e) });
        return { files, problems, skipped };
    }
    if (stat.isFile()) {
        files.push({ abs, shown: given, format: formatOf(given) });
        return { files, problems, skipped };
    }
    if (!stat.isDirectory()) {
        problems.push({ shown: given, message: "not a regular file or folder" });
        return { files, problems, skipped };
    }
    const root = fs.realpathSync(abs);
    // Real paths already read: a second link to the same place is not read twice.
    const seen = new Set<string>();
    const linked: ManifestFile[] = [];

    const walk = (dir: string, shown: string, ancestors: readonly string[]): void => {
        seen.add(dir);
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch (e) {
            problems.push({ shown, message: reasonOf(e) });
            return;
        }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const entry of entries) {
            const name = entry.name;
            if (name === "node_modules" || name.startsWith(".")) {
                continue;
            }
            const entryShown = path.join(shown, name);
            let target = path.join(dir, name);
            let isDirectory = entry.isDirectory();
            let isFile = entry.isFile();
            if (entry.isSymbolicLink()) {
                const link = fs.readlinkSync(target);
                let real: string;
                let linked: fs.Stats;
                try {
                    real = fs.realpathSync(target);
                    linked = fs.statSync(real);
                } catch (e) {
                    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
                        skipped.push({ shown: entryShown, message: `symbolic link to ${link}, which does not exist` });
                    } else {
                        problems.push({ shown: entryShown, message: `symbolic link to ${link}: ${reasonOf(e)}` });
                    }
                    continue;
                }
                if (!isInside(root, real)) {
                    problems.push({ shown: entryShown, message: `symbolic link to ${link} leads outside ${given}; not followed` });
                    continue;
                }
                if (linked.isDirectory() && ancestors.includes(real)) {
                    problems.push({ shown: entryShown, message: `symbolic link loop: ${link} is a folder that contains this link` });
                    continue;
                }
                target = real;
                isDirectory = linked.isDirectory();
                isFile = linked.isFile();
            }
            if (seen.has(target)) {
                continue;
            }
            if (isDirectory) {
                walk(target, entryShown, [...ancestors, target]);
            } else if (!MANIFEST_NAME.test(name)) {
                continue;
            } else if (!isFile) {
                // Opening a FIFO or a device would block or read forever.
                skipped.push({ shown: entryShown, message: "not a regular file" });
            } else if (entry.isSymbolicLink()) {
                linked.push({ abs: target, shown: entryShown, format: formatOf(name) });
            } else {
                seen.add(target);
                files.push({ abs: target, shown: entryShown, format: formatOf(name) });
            }
        }
    };
    walk(root, given, [root]);
    // A linked file is read under its link's name only when the folder does not hold the file itself.
    for (const file of linked) {
        if (!seen.has(file.abs)) {
            seen.add(file.abs);
            files.push(file);
        }
    }
    return { files, problems, skipped };
}

/** Reads a file unless it is larger than maxBytes; throws with a one-line reason. */
export function readManifestFile(file: ManifestFile, maxBytes: number): string {
    const fd = fs.openSync(file.abs, "r");
    try {
        const size = fs.fstatSync(fd).size;
        if (size > maxBytes) {
            throw new Error(`${formatSize(size)} is over the ${formatSize(maxBytes)} limit for one file; raise it with --max-file-size if the file is meant to be this big`);
        }
        return fs.readFileSync(fd, "utf8");
    } finally {
        fs.closeSync(fd);
    }
}

const UNITS: ReadonlyArray<[string, number]> = [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]];

/** 16 MiB, 1.5 KiB, 300 bytes. */
export function formatSize(bytes: number): string {
    for (const [unit, size] of UNITS) {
        if (bytes >= size) {
            const n = bytes / size;
            return `${Number.isInteger(n) ? n : n.toFixed(1)} ${unit}`;
        }
    }
    return `${bytes} bytes`;
}

/** Parses `16MiB`, `512KiB`, `2GiB`, `1048576` (bytes); undefined when malformed. */
export function parseSize(text: string): number | undefined {
    const m = /^(\d+(?:\.\d+)?)\s*(KiB|MiB|GiB|K|M|G|B)?$/i.exec(text.trim());
    if (m === null) {
        return undefined;
    }
    const unit = (m[2] ?? "B").toUpperCase().replace("IB", "");
    const factor = unit === "K" ? 1024 : unit === "M" ? 1024 ** 2 : unit === "G" ? 1024 ** 3 : 1;
    const bytes = Math.floor(Number(m[1]) * factor);
    return bytes > 0 ? bytes : undefined;
}
