// Copyright 2026, airgap-platform authors.

import { spawnSync, SpawnSyncReturns } from "child_process";

/**
 * A `node -e` program that loads a stored `__provider` handler as the engine's dynamic-provider host does
 * (`require-from-string`: CommonJS compiled without a file name, modules looked up from the working directory),
 * binds the provider to `provider`, then runs `use`.
 */
export function hostProgram(handler: string, use: string): string {
    return `const Module = require("module"); const m = new Module("", null); m.filename = "";
m.paths = Module._nodeModulePaths(process.cwd()); m._compile(${JSON.stringify(handler)}, "");
const provider = m.exports.handler(); ${use}`;
}

/** Runs `hostProgram(handler, use)` in its own Node.js process in `cwd` (the project folder), as the host does. */
export function runInHost(cwd: string, handler: string, use: string): SpawnSyncReturns<string> {
    return spawnSync(process.execPath, ["-e", hostProgram(handler, use)], { cwd, encoding: "utf8" });
}
