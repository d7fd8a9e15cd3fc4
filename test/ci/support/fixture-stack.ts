// The throwaway program of test/ci/fixtures/preview-program as a stack on a backend of the test's choosing
// (a file folder or a postgres:// URL): the real pulumi CLI of the toolchain (scripts/pulumi-env.sh), the
// program and its stack file copied into a temporary folder, Kubernetes objects rendered to a folder (no cluster).
import * as fs from "node:fs";
import * as path from "node:path";
import { kubernetesPluginVersion } from "../../../providers/kubernetes-plugin";
import { run } from "../../e2e/harness/cluster";

export const REPO = path.resolve(__dirname, "..", "..", "..");
export const FIXTURE_PROGRAM = path.join(REPO, "test", "ci", "fixtures", "preview-program");
export const FIXTURE_STACK = "fixture";

/** The environment of scripts/pulumi-env.sh (PATH with the toolchain, PULUMI_HOME, no plugin downloads). */
export async function pulumiEnv(): Promise<NodeJS.ProcessEnv> {
    const { stdout } = await run("bash", ["-c", '. "$0/scripts/pulumi-env.sh" >/dev/null && env -0', REPO], { env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    const env: NodeJS.ProcessEnv = {};
    for (const entry of stdout.split("\0")) {
        const eq = entry.indexOf("=");
        if (eq > 0) {
            env[entry.slice(0, eq)] = entry.slice(eq + 1);
        }
    }
    return env;
}

export interface FixtureStack {
    /** Temporary folder: the program's copy (program/, with its stack file) and the rendered objects. */
    dir: string;
    program: string;
    env: NodeJS.ProcessEnv;
    /** pulumi ARGS --stack fixture in the program's folder with this stack's backend and passphrase. */
    pulumi(args: string[], opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ stdout: string; stderr: string }>;
    setPhase(phase: "base" | "change"): Promise<void>;
    setToken(value: string): Promise<void>;
}

/**
 * Copies the program into `dir`/program (node_modules linked to the repository's), creates the stack on
 * `backendUrl` with a secret `token`, and applies phase "base". The passphrase is the test's own (the stack
 * is not one of scripts/pulumi-env.sh's throwaway stacks).
 */
export async function createFixtureStack(dir: string, backendUrl: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<FixtureStack> {
    const program = path.join(dir, "program");
    fs.mkdirSync(path.join(dir, "render"), { recursive: true });
    fs.mkdirSync(program, { recursive: true });
    for (const f of ["Pulumi.yaml", "index.ts"]) {
        fs.copyFileSync(path.join(FIXTURE_PROGRAM, f), path.join(program, f));
    }
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(program, "node_modules"));
    if (backendUrl.startsWith("file://")) {
        fs.mkdirSync(backendUrl.slice("file://".length), { recursive: true });
    }
    const env: NodeJS.ProcessEnv = { ...(await pulumiEnv()), ...extraEnv, PULUMI_BACKEND_URL: backendUrl, PULUMI_CONFIG_PASSPHRASE: "ci-fixture-passphrase" };
    const pulumi: FixtureStack["pulumi"] = (args, o = {}) => run("pulumi", [...args, "--stack", FIXTURE_STACK, "--non-interactive"], {
        cwd: program, env: { ...env, ...o.env }, timeoutMs: o.timeoutMs ?? 300_000,
    });
    // Secret values go through stdin, never an argument.
    const setSecret = (key: string, value: string) => run("pulumi", ["config", "set", "--secret", key, "--stack", FIXTURE_STACK, "--non-interactive"], { cwd: program, env, input: value });
    await run("pulumi", ["stack", "init", FIXTURE_STACK, "--secrets-provider", "passphrase", "--non-interactive"], { cwd: program, env });
    await pulumi(["config", "set", "renderDir", path.join(dir, "render")]);
    await pulumi(["config", "set", "kubernetesPluginVersion", kubernetesPluginVersion()]);
    await pulumi(["config", "set", "phase", "base"]);
    await setSecret("token", "first-token-value");
    await pulumi(["up", "--yes", "--skip-preview"]);
    return {
        dir, program, env, pulumi,
        setPhase: async (phase) => { await pulumi(["config", "set", "phase", phase]); },
        setToken: async (value) => { await setSecret("token", value); },
    };
}
