// Copyright 2026, airgap-platform authors.
//
// `npm run bench:e2e`: preview, first up, no-op up and destroy of the local stack on a fresh local cluster,
// each split into CLI start, runtime start, program load, steps (and the provider/plugin steps among them)
// and finish, from the engine's `--json` event stream stamped on arrival; and the critical path of the first
// up (the longest chain of dependent steps, from the dependencies in the state). It prints, it does not judge.

import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { POLICY, withBenchStack } from "./support/fixture";
import { ROOT } from "./support/pulumi";
import { chainWaits, criticalPath, customDependencies, printPhases, shortUrn, slowestSteps, stepTimes, TimedCommand, timedPulumi } from "./support/timing";

function printSlowest(command: TimedCommand, custom: Map<string, string[]>, count: number): void {
    for (const s of slowestSteps(command, custom, count)) {
        console.log(`    ${(s.end - s.start).toFixed(2).padStart(6)} s  ${s.op} ${shortUrn(s.urn)}`);
    }
}

/**
 * Seconds from starting a plugin alone to its first line on stdout: the gRPC port it prints once it serves. The engine
 * starts the language host and each provider plugin like this in every run, before any of their steps.
 */
function timeToServe(file: string, env: NodeJS.ProcessEnv): Promise<number> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
        // The engine address is never dialled before a request comes in. A plugin may be a script that starts the
        // server as its child (the dynamic-provider host runs node), so the whole process group is killed.
        const child = spawn(file, ["127.0.0.1:1"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "ignore"], detached: true });
        child.on("error", reject);
        child.stdout.once("data", () => {
            resolve((Date.now() - started) / 1000);
            if (child.pid !== undefined) {
                process.kill(-child.pid, "SIGKILL");
            }
        });
        child.on("exit", (code) => reject(new Error(`${file} exited ${code} before serving`)));
    });
}

async function printPluginStarts(env: NodeJS.ProcessEnv): Promise<void> {
    const pluginsDir = path.join(env.PULUMI_HOME ?? "", "plugins");
    const kubernetes = fs.readdirSync(pluginsDir, { withFileTypes: true }).find((d) => d.isDirectory() && d.name.startsWith("resource-kubernetes-"))?.name;
    const plugins: [string, string][] = [
        ["language host (pulumi-language-nodejs)", path.join(env.AIRGAP_PULUMI_BIN ?? "", "pulumi-language-nodejs")],
        ["dynamic providers (pulumi-resource-pulumi-nodejs)", path.join(env.AIRGAP_PULUMI_BIN ?? "", "pulumi-resource-pulumi-nodejs")],
        ["kubernetes provider", path.join(pluginsDir, kubernetes ?? "resource-kubernetes-missing", "pulumi-resource-kubernetes")],
    ];
    console.log("\nplugin start, each alone (exec to serving; best of 3):");
    for (const [name, file] of plugins) {
        const runs = [await timeToServe(file, env), await timeToServe(file, env), await timeToServe(file, env)];
        console.log(`  ${Math.min(...runs).toFixed(2).padStart(6)} s  ${name}`);
    }
}

async function main(): Promise<void> {
    await withBenchStack("bench", { workers: 1 }, async ({ ws }) => {
        const config = ["--config-file", ws.configFile];
        const preview = await timedPulumi(ws, ["preview", ...POLICY, ...config]);
        const firstUp = await timedPulumi(ws, ["up", "--yes", "--skip-preview", ...config]);
        const noOpUp = await timedPulumi(ws, ["up", "--yes", "--skip-preview", "--expect-no-changes", ...config]);
        const state = JSON.parse((await ws.mustPulumi(["stack", "export"])).stdout);
        const destroy = await timedPulumi(ws, ["destroy", "--yes", ...config]);

        const dependencies = customDependencies(state.deployment.resources);
        const steps = stepTimes(firstUp);
        for (const urn of [...steps.keys()].filter((u) => !dependencies.has(u))) {
            steps.delete(urn);
        }
        const critical = criticalPath(steps, dependencies);
        const saved = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-bench-"));
        for (const [name, command] of Object.entries({ preview, firstUp, noOpUp, destroy })) {
            fs.writeFileSync(path.join(saved, `${name}.json`), JSON.stringify(command));
        }
        console.log("command        wall = where the time went (seconds, events stamped on arrival)");
        printPhases("preview", preview);
        printPhases("first up", firstUp);
        printPhases("no-op up", noOpUp);
        printPhases("destroy", destroy);
        console.log(`\ncritical path of the first up: ${critical.seconds.toFixed(2)} s, ${critical.chain.length} steps:`);
        for (const urn of critical.chain) {
            const s = steps.get(urn);
            console.log(`  ${s ? (s.end - s.start).toFixed(2).padStart(6) : "     -"} s  ${shortUrn(urn)}`);
        }
        const waits = chainWaits(firstUp, steps, critical.chain);
        const between = waits.between.reduce((sum, w) => sum + w.seconds, 0);
        const longest = [...waits.between].sort((a, b) => b.seconds - a.seconds)[0];
        console.log(`  not in its steps: ${waits.beforeFirst.toFixed(2)} s before the first, ${between.toFixed(2)} s between them`
            + `${longest ? ` (the longest, ${longest.seconds.toFixed(2)} s, before ${shortUrn(longest.urn)})` : ""}, ${waits.afterLast.toFixed(2)} s after the last`);
        console.log(`first up / critical path: ${(firstUp.seconds / Math.max(critical.seconds, 0.01)).toFixed(2)} (aim: at most 1.2)`);
        console.log(`no-op up: ${noOpUp.seconds.toFixed(2)} s (aim: under 5)`);
        console.log("\nslowest steps of the first up:");
        printSlowest(firstUp, dependencies, 5);
        console.log("slowest steps of the destroy:");
        printSlowest(destroy, dependencies, 5);
        await printPluginStarts(ws.env);
        console.log(`\nthe commands' stamped events: ${saved}/*.json`);
    });
}

if (require.main === module) {
    main().catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
