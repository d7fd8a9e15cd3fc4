// Pinned Go tools (a line of tools/*/pins.txt), as scripts/build-go-tool.sh builds them (once, cached by
// version under ~/.cache/airgap-platform): the binary's path, or the downloaded module folder for data
// files such as CRDs, templates and locales.
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..", "..");

function buildGoTool(args: string[]): string {
    // Build progress goes to the test's stderr: a cold build takes minutes.
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "build-go-tool.sh"), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (r.status !== 0) {
        throw new Error(`scripts/build-go-tool.sh ${args.join(" ")} failed (exit ${r.status})`);
    }
    return r.stdout.trim().split("\n").pop()!;
}

/** The binary of a pins.txt line (built on first use). */
export function goToolBinary(name: string): string {
    return buildGoTool([name]);
}

/** The read-only module folder of a pins.txt line. */
export function goToolModuleDir(name: string): string {
    return buildGoTool(["--dir", name]);
}
