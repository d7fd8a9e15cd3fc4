// Copyright 2026, airgap-platform authors.
//
// The CLI ships as JavaScript compiled into dist/ (`npm run build:policy`, run by `npm ci` through the
// `prepare` script), so that it starts without compiling TypeScript. Inside a checkout, a policy
// source edited after that build would silently be ignored; so the compiled CLI compares the sources'
// times with its own and, when one is newer, rebuilds once and runs the fresh build instead.

import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** Set in the re-run process, so that a build that cannot be refreshed is not retried forever. */
const REBUILT = "AIRGAP_POLICY_REBUILT";

function newestSource(dir: string): { file: string; mtimeMs: number } | undefined {
    let newest: { file: string; mtimeMs: number } | undefined;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        const found = entry.isDirectory() ? (entry.name === "node_modules" ? undefined : newestSource(file))
            : entry.name.endsWith(".ts") ? { file, mtimeMs: fs.statSync(file).mtimeMs } : undefined;
        if (found !== undefined && (newest === undefined || found.mtimeMs > newest.mtimeMs)) {
            newest = found;
        }
    }
    return newest;
}

/**
 * When this is a compiled script of dist/ in a checkout whose policy/ sources are newer than it,
 * rebuilds dist/ and re-runs the script with the same arguments, setting this process's exit code
 * from it; returns true then. Returns false (nothing done) otherwise, and always under ts-node.
 */
export function rebuildIfStale(script: string, argv: readonly string[]): boolean {
    const root = path.resolve(__dirname, "..", "..", "..");
    const project = path.join(root, "tsconfig.build.json");
    if (path.extname(__filename) !== ".js" || process.env[REBUILT] !== undefined || !fs.existsSync(project)) {
        return false;
    }
    const newest = newestSource(path.join(root, "policy"));
    if (newest === undefined || newest.mtimeMs <= fs.statSync(script).mtimeMs) {
        return false;
    }
    process.stderr.write(`${path.relative(root, newest.file)} is newer than the compiled policy CLI in dist/: rebuilding (npm run build:policy)\n`);
    const build = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc", { paths: [root] }), "-p", project], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
    if (build.status !== 0) {
        process.stderr.write("the rebuild reported errors; running what it emitted\n");
    }
    const rerun = spawnSync(process.execPath, [...process.execArgv, script, ...argv], { stdio: "inherit", env: { ...process.env, [REBUILT]: "1" } });
    process.exitCode = rerun.status ?? 2;
    return true;
}
