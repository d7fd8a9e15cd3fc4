// The lumen app as the platform delivers it: rendered by the app stack (apps/lumen/release.sh, the real
// Pulumi CLI and policy pack) into a folder of YAML files, then applied as Argo CD applies the folder it
// watches. The platform's lumen-app Application sets no ServerSideApply sync option, so Argo CD applies
// every file client-side (kubectl's three-way merge against the last-applied annotation). A later release
// is the same folder with the Rollout's image tag changed, the one line `npm run release -- <tag>` changes
// in that file (test/apps/lumen-render.e2e.ts checks that).
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { Cluster } from "./cluster";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const APP_DIR = path.join(ROOT, "apps", "lumen");

/** The field manager Argo CD's application controller uses for server-side apply (ServerSideApply=true). */
export const ARGOCD_FIELD_MANAGER = "argocd-controller";

export interface RenderedApp {
    readonly dir: string;
    /** The YAML files of the folder, sorted. */
    readonly files: readonly string[];
    /** One object per file, in the order of files. */
    readonly objects: readonly any[];
    /** Seconds the render took (0 for a release copy). */
    readonly renderSeconds: number;
}

function readFolder(dir: string, renderSeconds: number): RenderedApp {
    const files = fs.readdirSync(dir).filter((n) => n.endsWith(".yaml")).sort().map((n) => path.join(dir, n));
    return { dir, files, objects: files.map((f) => parseYaml(fs.readFileSync(f, "utf8"))), renderSeconds };
}

/** The one object of a kind in the folder. */
export function objectOf(app: RenderedApp, kind: string): any {
    const found = app.objects.filter((o) => o.kind === kind);
    if (found.length !== 1) {
        throw new Error(`expected one ${kind} in ${app.dir}, found ${found.length}`);
    }
    return found[0];
}

/** Renders Pulumi.<stack>.yaml with `release.sh --render --stack <stack> --output <outputDir>`. */
export function renderLumenApp(stack: string, outputDir: string): Promise<RenderedApp> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const p = spawn("bash", [path.join(APP_DIR, "release.sh"), "--render", "--stack", stack, "--output", outputDir], {
            cwd: APP_DIR, env: { ...process.env, INIT_CWD: APP_DIR }, stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        p.stdout.on("data", (d) => { out += d; });
        p.stderr.on("data", (d) => { out += d; });
        p.on("error", reject);
        p.on("close", (code) => {
            if (code !== 0) {
                reject(new Error(`apps/lumen/release.sh --render --stack ${stack} failed (exit ${code}):\n${out.slice(-4000)}`));
                return;
            }
            resolve(readFolder(outputDir, (Date.now() - started) / 1000));
        });
    });
}

/**
 * The folder as a release of `imageTag` renders it: a copy in which only the Rollout's image line names the
 * new tag. Refuses a folder whose Rollout image does not appear exactly once.
 */
export function releaseOf(app: RenderedApp, imageTag: string, dir: string): RenderedApp {
    fs.mkdirSync(dir, { recursive: true });
    const image: string = objectOf(app, "Rollout").spec.template.spec.containers[0].image;
    const repository = image.slice(0, image.lastIndexOf(":"));
    for (const file of app.files) {
        let text = fs.readFileSync(file, "utf8");
        if (parseYaml(text).kind === "Rollout") {
            const line = `image: ${image}`;
            if (text.split(line).length !== 2) {
                throw new Error(`${file}: expected the line '${line}' once`);
            }
            text = text.replace(line, `image: ${repository}:${imageTag}`);
        }
        fs.writeFileSync(path.join(dir, path.basename(file)), text);
    }
    return readFolder(dir, 0);
}

const fileArgs = (app: RenderedApp) => app.files.flatMap((f) => ["-f", f]);

/** Applies every file of the folder as Argo CD's default sync does: client-side apply. */
export async function applyAsArgoCd(cluster: Cluster, app: RenderedApp): Promise<void> {
    await cluster.kubectl(["apply", ...fileArgs(app)], { timeoutMs: 60_000 });
}

/**
 * What a sync with ServerSideApply=true would say now: a server-side dry run of the folder as Argo CD's
 * field manager, without forcing conflicts. Resolves with kubectl's error output, or "" when it would apply.
 */
export async function serverSideApplyConflicts(cluster: Cluster, app: RenderedApp): Promise<string> {
    try {
        await cluster.kubectl(["apply", "--server-side", "--dry-run=server", `--field-manager=${ARGOCD_FIELD_MANAGER}`, ...fileArgs(app)], { timeoutMs: 60_000 });
        return "";
    } catch (e) {
        return (e as { stderr?: string }).stderr ?? String(e);
    }
}

/**
 * The ServiceMonitor CRD, which kube-prometheus-stack installs on the platform. Here only its names, with a
 * schema that keeps every field: the app's ServiceMonitor must be accepted, not acted on (no operator
 * runs; the exporter copies its podTargetLabels as the operator's relabeling would).
 */
export async function installServiceMonitorCrd(cluster: Cluster): Promise<void> {
    const crd = {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "servicemonitors.monitoring.coreos.com" },
        spec: {
            group: "monitoring.coreos.com",
            scope: "Namespaced",
            names: { kind: "ServiceMonitor", listKind: "ServiceMonitorList", plural: "servicemonitors", singular: "servicemonitor" },
            versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
        },
    };
    await cluster.kubectl(["apply", "--server-side", "--field-manager=airgap-e2e", "-f", "-"], { input: JSON.stringify(crd) });
    await cluster.kubectl(["wait", "--for=condition=Established", "--timeout=60s", "crd/servicemonitors.monitoring.coreos.com"], { timeoutMs: 70_000 });
}
