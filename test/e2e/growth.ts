// Copyright 2026, airgap-platform authors.
//
// `npm run bench:growth`: how preview and a no-op up grow with the stack, on the local cluster. The local stack
// is brought up with 1, 10 and 100 Argo CD Applications, then with 1, 5 and 20 registry nodes (every node is the
// test sshd on 127.0.0.1 under its own name); at each size it times a policy-checked preview, the up that adds
// the items and a no-op up. Besides each wall time it prints the time per item and the marginal time of each
// added item since the previous size: a marginal time that grows with the size is a superlinear step.
// It also prints how many SSH steps ran at the same time, to show the nodes are configured concurrently.

import * as fs from "fs";
import { parseDocument } from "yaml";
import { POLICY, REGISTRY, withBenchStack } from "./support/fixture";
import { Workspace } from "./support/pulumi";
import { maxConcurrent, stepTimes, TimedCommand, timedPulumi } from "./support/timing";

const APPLICATION_COUNTS = [1, 10, 100];
const NODE_COUNTS = [1, 5, 20];

interface Row {
    items: number;
    preview: TimedCommand;
    up: TimedCommand;
    noOpUp: TimedCommand;
}

/** Sets one section field of the workspace's copied stack file (its secrets stay as they are). */
function setSection(ws: Workspace, section: string, field: string, value: unknown): void {
    const doc = parseDocument(fs.readFileSync(ws.configFile, "utf8"));
    doc.setIn(["config", `airgap-platform:${section}`, field], doc.createNode(value));
    fs.writeFileSync(ws.configFile, doc.toString());
}

const applications = (count: number) => Array.from({ length: count }, (_, i) => ({
    name: `growth-app-${i + 1}`,
    path: `apps/growth-app-${i + 1}`,
    namespace: "lumen",
}));

/** node-1 as in the stack file, then node-2..node-N: the same sshd, each its own SSH steps. */
const nodes = (count: number) => Array.from({ length: count }, (_, i) => ({
    name: `node-${i + 1}`,
    host: REGISTRY.sshHost,
    runtimes: ["containerd"],
}));

function printTable(title: string, rows: Row[]): void {
    console.log(`\n${title}`);
    console.log("items   preview  per item  marginal |       up  marginal | no-op up  per item  marginal");
    rows.forEach((row, i) => {
        const previous = rows[i - 1];
        const marginal = (pick: (r: Row) => TimedCommand) => previous
            ? ((pick(row).seconds - pick(previous).seconds) / (row.items - previous.items)).toFixed(3).padStart(8)
            : "       -";
        console.log(`${String(row.items).padStart(5)} ${row.preview.seconds.toFixed(2).padStart(9)} ${(row.preview.seconds / row.items).toFixed(3).padStart(9)}`
            + ` ${marginal((r) => r.preview)} | ${row.up.seconds.toFixed(2).padStart(8)} ${marginal((r) => r.up)}`
            + ` | ${row.noOpUp.seconds.toFixed(2).padStart(8)} ${(row.noOpUp.seconds / row.items).toFixed(3).padStart(9)} ${marginal((r) => r.noOpUp)}`);
    });
}

async function measure(ws: Workspace, items: number): Promise<Row> {
    const config = ["--config-file", ws.configFile];
    const preview = await timedPulumi(ws, ["preview", ...POLICY, ...config]);
    const up = await timedPulumi(ws, ["up", "--yes", "--skip-preview", ...config]);
    const noOpUp = await timedPulumi(ws, ["up", "--yes", "--skip-preview", "--expect-no-changes", ...config]);
    console.error(`[growth] ${items} items: preview ${preview.seconds.toFixed(1)} s, up ${up.seconds.toFixed(1)} s, no-op up ${noOpUp.seconds.toFixed(1)} s`);
    return { items, preview, up, noOpUp };
}

async function main(): Promise<void> {
    await withBenchStack("growth", { workers: 1 }, async ({ ws }) => {

        const appRows: Row[] = [];
        for (const count of APPLICATION_COUNTS) {
            setSection(ws, "argocd", "applications", applications(count));
            appRows.push(await measure(ws, count));
        }
        setSection(ws, "argocd", "applications", applications(1));

        const nodeRows: Row[] = [];
        for (const count of NODE_COUNTS) {
            setSection(ws, "registry", "nodes", nodes(count));
            nodeRows.push(await measure(ws, count));
        }

        printTable("Argo CD Applications (seconds)", appRows);
        printTable("registry nodes (seconds)", nodeRows);
        console.log("\nSSH steps of the registry nodes in the up that added them (start, end: seconds into the up):");
        for (const row of nodeRows.slice(1)) {
            const trust = [...stepTimes(row.up).values()].filter((s) => /RemoteCommand::registry-trust-/.test(s.urn) && s.op === "create");
            const span = trust.length ? Math.max(...trust.map((s) => s.end)) - Math.min(...trust.map((s) => s.start)) : 0;
            const longest = trust.length ? Math.max(...trust.map((s) => s.end - s.start)) : 0;
            console.log(`  ${row.items} nodes: ${trust.length} trust steps created, at most ${maxConcurrent(trust)} at once,`
                + ` all within ${span.toFixed(2)} s (the longest alone ${longest.toFixed(2)} s)`);
        }
    });
}

if (require.main === module) {
    main().catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
