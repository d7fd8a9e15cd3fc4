// Copyright 2026, airgap-platform authors.
//
// The Pulumi program and the policy CLI run as JavaScript compiled into dist/ (`npm run build:dist`, run by
// `npm ci` through the `prepare` script), so that no run compiles TypeScript. Inside a checkout, a source
// edited after that build would silently be ignored: so each compiled entry first compares every compiled
// file with its source and, when a source is newer, rebuilds dist/ once (under a lock, as several commands
// may start at the same moment) before running anything of it.

import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./repo-root";

/** tsconfig.build.json's outDir, mirroring the repository's folders. */
const DIST = "dist";
/** Set in a re-run process, so that a build that cannot be refreshed is not retried forever. */
const REBUILT = "AIRGAP_DIST_REBUILT";
/** A lock older than this was left by a killed build. */
const STALE_LOCK_MS = 5 * 60_000;

/** The first source (relative to root) that is newer than its compiled file in dist/, if any. */
export function staleSource(root: string = REPO_ROOT): string | undefined {
    const walk = (dir: string): string | undefined => {
        for (const entry of fs.readdirSync(path.join(root, DIST, dir), { withFileTypes: true })) {
            const relative = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                const found = walk(relative);
                if (found !== undefined) {
                    return found;
                }
            } else if (entry.name.endsWith(".js")) {
                const source = path.join(root, relative.replace(/\.js$/, ".ts"));
                // A source deleted since is stale only through a file that imports it, which then changed too.
                const sourceTime = fs.statSync(source, { throwIfNoEntry: false })?.mtimeMs;
                if (sourceTime !== undefined && sourceTime > fs.statSync(path.join(root, DIST, relative)).mtimeMs) {
                    return path.relative(root, source);
                }
            }
        }
        return undefined;
    };
    return fs.existsSync(path.join(root, DIST)) ? walk(".") : undefined;
}

function sleepSync(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` holding dist/'s build lock (a folder: mkdir is atomic), waiting for another holder first. */
function withBuildLock<T>(root: string, fn: () => T): T {
    const lock = path.join(root, `.${DIST}-build.lock`);
    for (;;) {
        try {
            fs.mkdirSync(lock);
            break;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
                throw e;
            }
            const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
            if (age > STALE_LOCK_MS) {
                fs.rmSync(lock, { recursive: true, force: true });
            } else {
                sleepSync(200);
            }
        }
    }
    try {
        return fn();
    } finally {
        fs.rmSync(lock, { recursive: true, force: true });
    }
}

/**
 * When a source is newer than its compiled file, rebuilds dist/ (tsc -p tsconfig.build.json, output on stderr)
 * and returns true; false when dist/ is fresh (also after waiting for another process's rebuild).
 */
export function rebuildStaleDist(root: string = REPO_ROOT): boolean {
    if (staleSource(root) === undefined) {
        return false;
    }
    return withBuildLock(root, () => {
        const newer = staleSource(root);
        if (newer === undefined) {
            return false;
        }
        process.stderr.write(`${newer} is newer than its compiled copy in ${DIST}/: rebuilding (npm run build:dist)\n`);
        const build = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc", { paths: [root] }), "-p", path.join(root, "tsconfig.build.json")],
            { cwd: root, stdio: ["ignore", 2, 2] });
        if (build.status !== 0) {
            process.stderr.write("the rebuild reported errors (above); running what it emitted\n");
        }
        return true;
    });
}

/**
 * For a CLI script of dist/: when dist/ was stale, rebuilds it and re-runs the script with the same arguments,
 * setting this process's exit code from it; returns true then. Returns false (nothing done) otherwise, and
 * always under ts-node.
 */
export function rebuildIfStale(script: string, argv: readonly string[]): boolean {
    if (path.extname(script) !== ".js" || process.env[REBUILT] !== undefined || !rebuildStaleDist()) {
        return false;
    }
    const rerun = spawnSync(process.execPath, [...process.execArgv, script, ...argv], { stdio: "inherit", env: { ...process.env, [REBUILT]: "1" } });
    process.exitCode = rerun.status ?? 2;
    return true;
}

// `node dist/lib/fresh-build.js`: the check alone, for an entry that is not itself a script of dist/ (policy/analyzer.sh).
if (require.main === module) {
    rebuildStaleDist();
}
