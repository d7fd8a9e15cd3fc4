// Copyright 2026, airgap-platform authors.
//
// `npm run bench:destroy [-- CYCLES]`: up then destroy of the local stack, CYCLES times (default 10) on one local
// cluster, each destroy timed from its event stream. While a destroy runs, the namespaces being deleted are polled:
// their status conditions (NamespaceContentRemaining, NamespaceFinalizersRemaining, ...) say what the namespace
// controller still waits for, and the objects still present in them are listed, so a slow destroy names its cause.

import * as fs from "fs";
import * as path from "path";
import { Cluster } from "./harness/cluster";
import { giveAdminPassword, withBenchStack } from "./support/fixture";
import { customDependencies, shortUrn, slowestSteps, timedPulumi } from "./support/timing";

interface NamespaceWatch {
    stop: () => Promise<string[]>;
}

/** Every 2 s, what the terminating namespaces report, kept once per distinct message. */
function watchTerminatingNamespaces(cluster: Cluster, startedAt: number): NamespaceWatch {
    const seen = new Set<string>();
    const notes: string[] = [];
    let running = true;
    const poll = async () => {
        while (running) {
            try {
                const list = JSON.parse(await cluster.kubectl(["get", "namespaces", "-o", "json"], { timeoutMs: 10_000 }));
                for (const ns of list.items.filter((n: any) => n.metadata.deletionTimestamp)) {
                    // The namespace's own finalizers: spec's `kubernetes` (the namespace controller, once its content is
                    // gone) and metadata's `foregroundDeletion` (the garbage collector, after a foreground delete).
                    const own = `finalizers: spec [${ns.spec?.finalizers ?? []}], metadata [${ns.metadata.finalizers ?? []}]`;
                    const conditions = (ns.status?.conditions ?? []).filter((x: any) => x.status === "True").map((c: any) => `${c.type}: ${c.message}`);
                    for (const what of [own, ...conditions]) {
                        const note = `${ns.metadata.name}: ${what}`;
                        if (!seen.has(note)) {
                            seen.add(note);
                            notes.push(`+${((Date.now() - startedAt) / 1000).toFixed(1)} s ${note}`);
                        }
                    }
                }
            } catch {
                /* the API may be busy; the next poll tells */
            }
            await new Promise((r) => setTimeout(r, 2000));
        }
    };
    const done = poll();
    return { stop: async () => { running = false; await done; return notes; } };
}

async function main(cycles: number): Promise<void> {
    const logsDir = fs.mkdtempSync("/tmp/airgap-destroy-logs-");
    const times: number[] = [];
    await withBenchStack("destroy", { workers: 1, logsDir }, async ({ cluster, ws, gitea }) => {
        const config = ["--config-file", ws.configFile];
        for (let i = 1; i <= cycles; i++) {
            if (i > 1) {
                await giveAdminPassword(ws, gitea);
            }
            const up = await timedPulumi(ws, ["up", "--yes", "--skip-preview", ...config]);
            const custom = customDependencies(JSON.parse((await ws.mustPulumi(["stack", "export"])).stdout).deployment.resources);
            const startedAt = Date.now();
            const watch = watchTerminatingNamespaces(cluster, startedAt);
            const destroy = await timedPulumi(ws, ["destroy", "--yes", ...config]);
            const notes = await watch.stop();
            times.push(destroy.seconds);
            const slowest = slowestSteps(destroy, custom, 3);
            console.log(`cycle ${i}: up ${up.seconds.toFixed(1)} s, destroy ${destroy.seconds.toFixed(1)} s; slowest: `
                + slowest.map((s) => `${shortUrn(s.urn)} ${(s.end - s.start).toFixed(1)} s`).join(", "));
            for (const note of notes) {
                console.log(`    ${note}`);
            }
        }
        const sorted = [...times].sort((a, b) => a - b);
        console.log(`\n${cycles} destroys (s): ${times.map((t) => t.toFixed(1)).join(", ")}; median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)}, max ${sorted[sorted.length - 1].toFixed(1)}`);
        console.log(`component logs: ${path.join(logsDir)} (copied when the cluster stops)`);
    });
}

if (require.main === module) {
    main(Number(process.argv[2] ?? 10)).catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
