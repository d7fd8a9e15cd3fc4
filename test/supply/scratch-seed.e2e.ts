// SCRATCH (not for commit): the seed under the real engine without the fixture's targeted up.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { run, startCluster, Cluster } from "../e2e/harness/cluster";
import { startSshd, Sshd } from "../e2e/harness/sshd";
import { eventSeq, getJson, REGISTRY, STACK_FILE } from "../e2e/support/fixture";
import { readEventLog, Workspace } from "../e2e/support/pulumi";
import { chartTag, readLock } from "../../supply/lock";
import { toolPath } from "../../supply/tools";
import { prepareE2eSupply } from "./support/e2e-supply";

describe("scratch: seed under the real engine", function () {
    this.timeout(30 * 60_000);
    let cluster: Cluster; let sshd: Sshd; let ws: Workspace;
    before(async () => {
        fs.rmSync("/tmp/airgap-e2e", { recursive: true, force: true });
        const t0 = Date.now();
        await prepareE2eSupply(STACK_FILE);
        console.log(`prepareE2eSupply ${(Date.now() - t0) / 1000}s`);
        cluster = await startCluster({ workers: 1 });
        sshd = await startSshd({ port: REGISTRY.sshPort });
        ws = new Workspace("scratch", STACK_FILE, { KUBECONFIG: cluster.kubeconfigPath });
        await ws.init({ "airgap-platform:sshPrivateKey": sshd.privateKey });
        await ws.mustPulumi(["config", "set", "--path", "airgap-platform:registry.sshKnownHosts", sshd.knownHostsLine, "--config-file", ws.configFile]);
    });
    after(async () => {
        await ws?.pulumi(["destroy", "--yes", "--config-file", ws.configFile]);
        ws?.remove();
        await sshd?.stop();
        await cluster?.stop();
    });
    it("up (content may fail: no Gitea), then checks", async () => {
        const events = path.join(ws.dir, "ev.jsonl");
        const r = await ws.pulumi(["up", "--yes", "--skip-preview", "--continue-on-error", "--event-log", events, "--config-file", ws.configFile]);
        console.log(r.stdout.split("\n").filter((l: string) => /error|seed|Seed|chart|supply/i.test(l)).slice(0, 60).join("\n"));
        const lock = readLock("/tmp/airgap-e2e/supply/artifacts.lock.yaml").lock;
        for (const entry of [...lock.images, ...lock.artifacts]) {
            assert.strictEqual((await run(toolPath("crane"), ["digest", "--insecure", entry.internal])).stdout.trim(), entry.digest, entry.internal);
        }
        for (const chart of lock.charts) {
            assert.strictEqual((await run(toolPath("crane"), ["digest", "--insecure", chartTag(chart)])).stdout.trim(), chart.digest, chart.name);
        }
        const deployments = (await getJson(cluster, ["get", "deployments", "-A"])).items;
        const images: string[] = deployments.flatMap((d: any) => [...(d.spec.template.spec.initContainers ?? []), ...d.spec.template.spec.containers].map((c: any) => c.image));
        console.log(images.join("\n"));
        const locked = new Map(lock.images.map((i) => [i.internal, i.digest]));
        for (const image of images) {
            const [ref, digest] = image.split("@");
            assert.strictEqual(digest, locked.get(ref), image);
        }
        const ev = readEventLog(events);
        const seeded = Math.max(...eventSeq(ev, "resOutputsEvent", (_, type) => type.endsWith(":RegistrySeed")));
        const charts = eventSeq(ev, "resourcePreEvent", (_, type) => type === "kubernetes:helm.sh/v4:Chart");
        console.log(`seed done at ${seeded}, charts at ${charts}`);
        assert.ok(charts.length >= 3 && charts.every((s) => s > seeded));
        console.log(fs.readdirSync("/tmp/airgap-e2e/node-1/var/cache/trivy/db"));
        const again = await ws.pulumi(["preview", "--diff", "--config-file", ws.configFile]);
        console.log(again.stdout.split("\n").filter((l: string) => /RegistrySeed|supply/.test(l)).join("\n"));
    });
});
