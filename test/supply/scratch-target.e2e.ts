// SCRATCH (not for commit): does the fixture's targeted up fail without the supply?
import * as fs from "fs";
import { startCluster, Cluster } from "../e2e/harness/cluster";
import { startSshd, Sshd } from "../e2e/harness/sshd";
import { realGiteaFor, REGISTRY, STACK_FILE } from "../e2e/support/fixture";
import { Workspace } from "../e2e/support/pulumi";

describe("scratch: targeted up without the supply", function () {
    this.timeout(30 * 60_000);
    let cluster: Cluster; let sshd: Sshd; let ws: Workspace;
    after(async () => { ws?.remove(); await sshd?.stop(); await cluster?.stop(); });
    it("targeted up", async () => {
        fs.rmSync("/tmp/airgap-e2e", { recursive: true, force: true });
        cluster = await startCluster({ workers: 1 });
        sshd = await startSshd({ port: REGISTRY.sshPort });
        ws = new Workspace("scratch2", STACK_FILE, { KUBECONFIG: cluster.kubeconfigPath });
        await ws.init({ "airgap-platform:sshPrivateKey": sshd.privateKey });
        const set = (k: string, v: string) => ws.mustPulumi(["config", "set", "--path", k, v, "--config-file", ws.configFile]);
        await set("airgap-platform:registry.sshKnownHosts", sshd.knownHostsLine);
        await set("airgap-platform:supply.enabled", "false");
        for (const [s, c] of [["gitea", "gitea"], ["monitoring", "kube-prometheus-stack"], ["argoRollouts", "argo-rollouts"], ["argocd", "argo-cd"]]) {
            await set(`airgap-platform:${s}.chart`, `test/charts/${c}`);
        }
        const g = await realGiteaFor(ws);
        await g.stop();
    });
});
