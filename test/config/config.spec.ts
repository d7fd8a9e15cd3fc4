// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PLATFORM_NAMESPACES, validateSettings } from "../../config";
import { imageProblems, resolveImage } from "../../lib/image";
import { ConfigError } from "../../lib/issues";
import { runPlatform, stackConfig, TEST_SSH_KEY, toConfigMap } from "../helpers/program-harness";

const P = "airgap-platform";
const DEV: Record<string, string> = { ...stackConfig("Pulumi.dev.yaml"), [`${P}:sshPrivateKey`]: TEST_SSH_KEY };
const devSection = (key: string) => JSON.parse(DEV[`${P}:${key}`] ?? "{}");

/** A bad setting: what to change, which key the error must name, and words the message must contain. */
interface BadCase {
    title: string;
    change: Record<string, unknown>;
    key: string;
    says: RegExp;
}

const section = (name: string, patch: Record<string, unknown>) => ({ [`${P}:${name}`]: { ...devSection(name), ...patch } });
const app = (patch: Record<string, unknown>) => ({ name: "lumen-app", path: "03-airgap-zone/manifests/app", namespace: "lumen", ...patch });

const BAD: BadCase[] = [
    { title: "an image without a tag", change: section("gitea", { image: "gitea" }), key: `${P}:gitea.image`, says: /no tag/ },
    { title: "an image tagged latest", change: section("argoRollouts", { image: "argoproj/argo-rollouts:latest" }), key: `${P}:argoRollouts.image`, says: /latest/ },
    { title: "a runner image tagged latest", change: section("actRunner", { image: "gitea/act_runner:latest" }), key: `${P}:actRunner.image`, says: /latest/ },
    { title: "a job image from Docker Hub", change: section("actRunner", { jobImage: "docker.io/library/golang:1.26" }), key: `${P}:actRunner.jobImage`, says: /internal registry 192\.168\.2\.2:5000/ },
    { title: "a monitoring image from quay.io", change: section("monitoring", { images: { prometheus: "quay.io/prometheus/prometheus:v3.14.0" } }), key: `${P}:monitoring.images.prometheus`, says: /internal registry/ },
    { title: "a malformed digest", change: section("argocd", { image: "argoproj/argocd@sha256:abc" }), key: `${P}:argocd.image`, says: /64 hex/ },
    { title: "a digest where the argo-cd chart needs a tag", change: section("argocd", { redisImage: `docker/library/redis@sha256:${"b".repeat(64)}` }), key: `${P}:argocd.redisImage`, says: /must use a tag/ },
    { title: "a registry tarball that does not exist", change: section("registry", { imageTarball: "/nonexistent/registry-2.8.3.tar" }), key: `${P}:registry.imageTarball`, says: /does not exist: docker mode loads the registry image from it/ },
    { title: "a registry image without a tag", change: section("registry", { image: "registry" }), key: `${P}:registry.image`, says: /no tag/ },
    { title: "a registry that is not host:port", change: section("registry", { address: "192.168.2.2" }), key: `${P}:registry.address`, says: /host:port/ },
    { title: "a registry URL with a scheme", change: section("registry", { address: "http://192.168.2.2:5000" }), key: `${P}:registry.address`, says: /host:port/ },
    { title: "a registry port out of range", change: section("registry", { address: "192.168.2.2:99999" }), key: `${P}:registry.address`, says: /1-65535/ },
    { title: "an unknown registry mode", change: section("registry", { mode: "podman" }), key: `${P}:registry.mode`, says: /docker|package/ },
    { title: "a relative data directory", change: section("registry", { dataDir: "var/lib/registry" }), key: `${P}:registry.dataDir`, says: /absolute/ },
    { title: "a node without runtimes", change: section("registry", { nodes: [{ name: "node-1", host: "192.168.2.2", runtimes: [] }] }), key: `${P}:registry.nodes[0].runtimes`, says: /at least one runtime/ },
    { title: "an unknown node runtime", change: section("registry", { nodes: [{ name: "node-1", host: "192.168.2.2", runtimes: ["crio"] }] }), key: `${P}:registry.nodes[0].runtimes[0]`, says: /k3s/ },
    { title: "duplicate node names", change: section("registry", { nodes: [{ name: "n", host: "a", runtimes: ["k3s"] }, { name: "n", host: "b", runtimes: ["k3s"] }] }), key: `${P}:registry.nodes[1].name`, says: /duplicate node/ },
    { title: "an SSH port out of range", change: section("registry", { sshPort: 0 }), key: `${P}:registry.sshPort`, says: /greater than or equal to 1|>=\s*1/ },
    { title: "a NodePort below the range", change: section("gitea", { nodePort: 3000 }), key: `${P}:gitea.nodePort`, says: /30000 and 32767/ },
    { title: "a NodePort above the range", change: section("gitea", { nodePort: 40000 }), key: `${P}:gitea.nodePort`, says: /30000 and 32767/ },
    { title: "a NodePort that is not a number", change: section("gitea", { nodePort: "30300" }), key: `${P}:gitea.nodePort`, says: /expected number/ },
    { title: "an unknown component", change: { [`${P}:grafana`]: { enabled: true } }, key: `${P}:grafana`, says: /unknown component.*known: .*gitea/ },
    { title: "a misspelt setting", change: section("gitea", { nodeport: 30300 }), key: `${P}:gitea.nodeport`, says: /unknown setting/ },
    { title: "a chart version range with ^", change: section("argoRollouts", { chartVersion: "^2.40.0" }), key: `${P}:argoRollouts.chartVersion`, says: /exact chart version/ },
    { title: "a chart version range with ~", change: section("gitea", { chartVersion: "~12.7" }), key: `${P}:gitea.chartVersion`, says: /not a range/ },
    { title: "a wildcard chart version", change: section("monitoring", { chartVersion: "88.x" }), key: `${P}:monitoring.chartVersion`, says: /exact chart version/ },
    { title: "a chart from a public repository URL", change: section("argocd", { chart: "https://argoproj.github.io/argo-helm/argo-cd" }), key: `${P}:argocd.chart`, says: /outside the airgap/ },
    { title: "an OCI chart on another registry", change: section("monitoring", { chart: "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack" }), key: `${P}:monitoring.chart`, says: /internal registry/ },
    { title: "the registry enabled without an SSH key", change: { [`${P}:sshPrivateKey`]: "" }, key: `${P}:sshPrivateKey`, says: /required while registry\.enabled/ },
    { title: "duplicate Application names", change: section("argocd", { applications: [app({}), app({ path: "other" })] }), key: `${P}:argocd.applications[1].name`, says: /duplicate Application name 'lumen-app'/ },
    { title: "an Application path outside the repository", change: section("argocd", { applications: [app({ path: "../etc" })] }), key: `${P}:argocd.applications[0].path`, says: /relative folder/ },
    { title: "an Application name that is not a DNS label", change: section("argocd", { applications: [app({ name: "Lumen_App" })] }), key: `${P}:argocd.applications[0].name`, says: /DNS label/ },
    { title: "a Prometheus URL outside the cluster", change: section("monitoring", { enabled: false, prometheusUrl: "http://prometheus.example.com:9090" }), key: `${P}:monitoring.prometheusUrl`, says: /in-cluster service URL/ },
    { title: "a Prometheus URL with monitoring enabled", change: section("monitoring", { prometheusUrl: "http://prom.monitoring.svc:9090" }), key: `${P}:monitoring.prometheusUrl`, says: /derives its own URL/ },
    { title: "monitoring disabled without a Prometheus URL", change: section("monitoring", { enabled: false }), key: `${P}:monitoring.prometheusUrl`, says: /required when monitoring is disabled/ },
    { title: "a namespace that is not a DNS label", change: section("gitea", { namespace: "Gitea_NS" }), key: `${P}:gitea.namespace`, says: /DNS label/ },
    { title: "a namespace longer than 63 characters", change: section("argocd", { namespace: "a".repeat(64) }), key: `${P}:argocd.namespace`, says: /DNS label/ },
    { title: "an Application namespace that is not a DNS label", change: section("argocd", { applications: [app({ namespace: "-lumen" })] }), key: `${P}:argocd.applications[0].namespace`, says: /DNS label/ },
    { title: "the default AppProject", change: section("argocd", { project: "default" }), key: `${P}:argocd.project`, says: /must not be 'default'/ },
    { title: "act_runner without Gitea", change: section("gitea", { enabled: false }), key: `${P}:actRunner.enabled`, says: /enable gitea or disable actRunner/ },
    { title: "Gitea's content without Gitea", change: { ...section("gitea", { enabled: false }), ...section("actRunner", { enabled: false }) }, key: `${P}:giteaContent.enabled`, says: /enable gitea or disable giteaContent/ },
    { title: "act_runner without Gitea's content (no organisation token)", change: section("giteaContent", { enabled: false }), key: `${P}:actRunner.enabled`, says: /token that giteaContent obtains/ },
    { title: "a machine user named like the admin", change: section("giteaContent", { argocdUser: "Gitea-Admin" }), key: `${P}:giteaContent.argocdUser`, says: /already gitea\.adminUsername: users and organisations share one namespace/ },
    { title: "a machine user named like the repository's organisation", change: section("giteaContent", { ciUser: "lumen" }), key: `${P}:giteaContent.ciUser`, says: /already the owner in argocd\.gitRepo/ },
    { title: "one machine user for Argo CD and the pipeline", change: section("giteaContent", { argocdUser: "bot", ciUser: "bot" }), key: `${P}:giteaContent.ciUser`, says: /already giteaContent\.argocdUser/ },
    { title: "a Gitea API URL without http(s)", change: section("giteaContent", { apiUrl: "ftp://192.168.2.2:30300" }), key: `${P}:giteaContent.apiUrl`, says: /http\(s\) URL/ },
    { title: "a token rotation counter of 0", change: section("giteaContent", { ciTokenRotation: 0 }), key: `${P}:giteaContent.ciTokenRotation`, says: /raise it by one to rotate/ },
    { title: "Argo CD without Gitea and without a repo URL", change: { ...section("gitea", { enabled: false }), ...section("actRunner", { enabled: false }) }, key: `${P}:argocd.repoUrl`, says: /required when gitea is disabled/ },
    { title: "a storage size that is not a quantity", change: section("gitea", { storageSize: "ten gigs" }), key: `${P}:gitea.storageSize`, says: /quantity/ },
    { title: "Gitea's reserved admin name", change: section("gitea", { adminUsername: "admin" }), key: `${P}:gitea.adminUsername`, says: /reserved/ },
    { title: "an admin e-mail that is not one", change: section("gitea", { adminEmail: "root" }), key: `${P}:gitea.adminEmail`, says: /e-mail/ },
    { title: "a section that is not an object", change: { [`${P}:gitea`]: "yes" }, key: `${P}:gitea`, says: /expected object/ },
    { title: "a section whose JSON is broken", change: { [`${P}:gitea`]: "{\"nodePort\": 30300," }, key: `${P}:gitea`, says: /is not valid JSON/ },
    { title: "enabled that is not a boolean", change: section("argoRollouts", { enabled: "false" }), key: `${P}:argoRollouts.enabled`, says: /expected boolean/ },
    ...PLATFORM_NAMESPACES.map((namespace): BadCase => ({
        title: `an Application in the platform namespace ${namespace}`, change: section("argocd", { applications: [app({ namespace })] }),
        key: `${P}:argocd.applications[0].namespace`, says: new RegExp(`'${namespace}' is a platform namespace`),
    })),
    { title: "an Application in a component's configured namespace", change: { ...section("gitea", { namespace: "git" }), ...section("argocd", { applications: [app({}), app({ name: "b", namespace: "git" })] }) }, key: `${P}:argocd.applications[1].namespace`, says: /'git' is a platform namespace/ },
    { title: "an unknown Pod Security level", change: section("argocd", { applications: [app({ podSecurity: "strict" })] }), key: `${P}:argocd.applications[0].podSecurity`, says: /restricted/ },
    { title: "an Argo CD domain with a scheme", change: section("argocd", { domain: "https://argocd.local" }), key: `${P}:argocd.domain`, says: /without scheme or port/ },
    { title: "a sandbox label equal to the builder label", change: section("actRunner", { sandboxLabel: "lumen-builder" }), key: `${P}:actRunner.sandboxLabel`, says: /must differ from actRunner\.jobLabel/ },
    { title: "a sandbox runner named like the builder", change: section("actRunner", { sandboxRunnerName: "node-1-runner" }), key: `${P}:actRunner.sandboxRunnerName`, says: /register separately/ },
    { title: "a sandbox job image from Docker Hub", change: section("actRunner", { sandboxJobImage: "docker.io/library/golang:1.26" }), key: `${P}:actRunner.sandboxJobImage`, says: /internal registry/ },
    { title: "an API server CIDR that allows any address", change: section("argoRollouts", { apiServerCidrs: ["0.0.0.0/0"] }), key: `${P}:argoRollouts.apiServerCidrs[0]`, says: /\/0 would allow any address/ },
    { title: "an API server address without a prefix", change: section("argoRollouts", { apiServerCidrs: ["192.168.2.2"] }), key: `${P}:argoRollouts.apiServerCidrs[0]`, says: /IP range/ },
    { title: "an API server CIDR that is not an address", change: section("argoRollouts", { apiServerCidrs: ["300.1.1.1/32"] }), key: `${P}:argoRollouts.apiServerCidrs[0]`, says: /IP range/ },
    { title: "an empty API server CIDR list", change: section("argoRollouts", { apiServerCidrs: [] }), key: `${P}:argoRollouts.apiServerCidrs`, says: /at least one CIDR/ },
    { title: "a thanos image from quay.io", change: section("monitoring", { images: { thanos: "quay.io/thanos/thanos:v0.42.4" } }), key: `${P}:monitoring.images.thanos`, says: /internal registry/ },
    { title: "an SSH user that ssh reads as an option", change: section("registry", { sshUser: "-V" }), key: `${P}:registry.sshUser`, says: /not starting with '-'/ },
    { title: "an SSH user with a space", change: section("registry", { sshUser: "ubuntu -oProxyCommand=x" }), key: `${P}:registry.sshUser`, says: /letters, digits/ },
    { title: "an SSH host that ssh reads as an option", change: section("registry", { sshHost: "-oProxyCommand=touch /tmp/p" }), key: `${P}:registry.sshHost`, says: /or an IP address/ },
    { title: "a node host with a shell command", change: section("registry", { nodes: [{ name: "node-1", host: "192.168.2.2;id", runtimes: ["k3s"] }] }), key: `${P}:registry.nodes[0].host`, says: /host name/ },
    { title: "a node SSH user with a quote", change: section("registry", { nodes: [{ name: "node-1", host: "192.168.2.2", runtimes: ["k3s"], sshUser: "a'b" }] }), key: `${P}:registry.nodes[0].sshUser`, says: /user name/ },
    { title: "a node name that is not a Kubernetes node name", change: section("registry", { nodes: [{ name: "$(id)", host: "192.168.2.2", runtimes: ["k3s"] }] }), key: `${P}:registry.nodes[0].name`, says: /Kubernetes node name/ },
    { title: "a data folder that closes the script's quote", change: section("registry", { dataDir: "/x'; touch /tmp/p; echo '" }), key: `${P}:registry.dataDir`, says: /single quote/ },
    { title: "a data folder with a line break and a heredoc delimiter", change: section("registry", { dataDir: "/x\nAIRGAP_EOF\ntouch /tmp/p" }), key: `${P}:registry.dataDir`, says: /line break/ },
    { title: "a config root that closes the script's quote", change: section("registry", { nodeConfigRoot: "/x'; touch /tmp/p; echo '" }), key: `${P}:registry.nodeConfigRoot`, says: /single quote/ },
    { title: "a registry tarball whose name holds a quote", change: section("registry", { imageTarball: "/tmp/reg'istry.tar" }), key: `${P}:registry.imageTarball`, says: /single quote/ },
    { title: "a registry tarball whose name starts with '-'", change: section("registry", { imageTarball: "/tmp/-rf.tar" }), key: `${P}:registry.imageTarball`, says: /must not start with '-'/ },
    { title: "the root folder as registry data", change: section("registry", { dataDir: "/" }), key: `${P}:registry.dataDir`, says: /system folder \// },
    { title: "/etc/ as registry data", change: section("registry", { dataDir: "/etc/" }), key: `${P}:registry.dataDir`, says: /system folder \/etc/ },
    { title: "a registry data folder with ':'", change: section("registry", { dataDir: "/srv/a:/etc" }), key: `${P}:registry.dataDir`, says: /docker -v/ },
    { title: "/usr as the node config root", change: section("registry", { nodeConfigRoot: "/usr/./" }), key: `${P}:registry.nodeConfigRoot`, says: /system folder \/usr/ },
    { title: "/proc as the Trivy cache", change: section("actRunner", { trivyCachePath: "/proc" }), key: `${P}:actRunner.trivyCachePath`, says: /system folder \/proc/ },
    { title: "a path longer than PATH_MAX", change: section("registry", { dataDir: `/${"a".repeat(4096)}` }), key: `${P}:registry.dataDir`, says: /4095 bytes/ },
    { title: "an SSH step deadline of one second", change: section("registry", { sshStepTimeoutSeconds: 1 }), key: `${P}:registry.sshStepTimeoutSeconds`, says: /at least 10 seconds/ },
];

describe("config validation", () => {
    describe("rejects bad settings before anything is created", () => {
        for (const c of BAD) {
            it(`rejects ${c.title}`, async () => {
                const run = await runPlatform({ ...DEV, ...toConfigMap(c.change) }, [`${P}:sshPrivateKey`]);
                assert.ok(run.error instanceof ConfigError, `expected a ConfigError, got ${run.error}`);
                const line = (run.error as ConfigError).problems.find((p) => p.startsWith(`${c.key}:`));
                assert.ok(line, `no problem names ${c.key}; got:\n${run.error!.message}`);
                assert.match(line!, c.says);
                assert.deepStrictEqual(run.resources.map((r) => r.type), [], "resources were registered despite bad config");
            });
        }
    });

    it("lists every problem at once, one line per key", async () => {
        const run = await runPlatform({
            ...DEV,
            ...toConfigMap({ ...section("gitea", { nodePort: 80, image: "gitea:latest" }), ...section("argoRollouts", { chartVersion: ">=2" }) }),
        });
        const problems = (run.error as ConfigError).problems;
        assert.deepStrictEqual(problems.map((p) => p.split(":").slice(0, 2).join(":")), [
            `${P}:gitea.nodePort`, `${P}:argoRollouts.chartVersion`,
        ].concat(problems.length === 3 ? [`${P}:gitea.image`] : []));
        assert.match(run.error!.message, /Invalid configuration \(\d problems\); nothing was created/);
    });

    it("accepts IP literals as SSH hosts, the root as the config root, and shell characters that stay literal in paths", () => {
        const { settings, problems } = validateSettings({
            registry: { mode: "package", sshHost: "fd00::2", dataDir: "/srv/$(id) `x` ; && données", nodeConfigRoot: "/",
                nodes: [{ name: "node-1.lan", host: "192.168.2.2", runtimes: ["k3s"], sshUser: "svc_deploy.1" }] },
            actRunner: { nodeName: "node-1.lan" },
        }, true);
        assert.deepStrictEqual(problems, []);
        assert.strictEqual(settings!.registry.dataDir, "/srv/$(id) `x` ; && données");
        assert.strictEqual(settings!.registry.sshStepTimeoutSeconds, 300);
    });

    it("reports the cross-setting problems once every single setting is well-formed", () => {
        const { problems } = validateSettings({ registry: { mode: "package" }, gitea: { image: "gitea:latest" } }, true);
        assert.deepStrictEqual(problems, [`${P}:gitea.image: 'gitea:latest' uses the floating tag 'latest': pin a version tag or a digest`]);
    });

    it("accepts the dev stack and fills every default", () => {
        const raw = Object.fromEntries(Object.entries(DEV).filter(([k]) => !k.endsWith("sshPrivateKey"))
            .map(([k, v]) => [k.slice(P.length + 1), JSON.parse(v)]));
        const { settings, problems } = validateSettings(raw, true);
        assert.deepStrictEqual(problems, []);
        assert.strictEqual(settings!.gitea.nodePort, 30300);
        assert.strictEqual(settings!.argoRollouts.chartVersion, "2.40.9");
        assert.strictEqual(settings!.actRunner.image, "gitea/act_runner:0.2.11");
        assert.deepStrictEqual(settings!.argocd.applications.map((a) => [a.name, a.syncWave, a.targetRevision]), [["lumen-app", 3, "main"]]);
        assert.deepStrictEqual(
            [settings!.gitea.namespace, settings!.monitoring.namespace, settings!.argoRollouts.namespace, settings!.argocd.namespace],
            ["gitea", "monitoring", "argo-rollouts", "argocd"]);
    });

    it("checks a local chart folder's version against the pinned one", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chart-"));
        fs.writeFileSync(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: gitea\nversion: 12.6.0\n");
        const { problems } = validateSettings({ registry: { mode: "package" }, gitea: { chart: dir, chartVersion: "12.7.0" } }, true);
        assert.deepStrictEqual(problems, [`${P}:gitea.chartVersion: is 12.7.0 but the chart at ${dir} is version 12.6.0`]);
    });

    describe("a local chart whose Chart.yaml cannot be read gives a ConfigError naming <component>.chart, not a raw error", () => {
        const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(", ")}]`), "version: 2.40.9"].join("\n");
        const cases: Array<{ title: string; make: (chartYaml: string) => void; says: RegExp }> = [
            { title: "malformed YAML", make: (f) => fs.writeFileSync(f, "apiVersion: v2\nname: argo-rollouts\nversion: [2.40.9\n"), says: /has an unreadable Chart\.yaml: / },
            { title: "a folder", make: (f) => fs.mkdirSync(f), says: /is not a chart: its Chart\.yaml is not a file$/ },
            { title: "a YAML bomb", make: (f) => fs.writeFileSync(f, bomb), says: /has an unreadable Chart\.yaml: .*alias/i },
        ];
        for (const c of cases) {
            it(`Chart.yaml is ${c.title}`, async () => {
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chart-"));
                c.make(path.join(dir, "Chart.yaml"));
                const run = await runPlatform({ ...DEV, ...toConfigMap(section("argoRollouts", { chart: dir })) }, [`${P}:sshPrivateKey`]);
                fs.rmSync(dir, { recursive: true, force: true });
                assert.ok(run.error instanceof ConfigError, `expected a ConfigError, got ${run.error}`);
                const line = (run.error as ConfigError).problems.find((p) => p.startsWith(`${P}:argoRollouts.chart:`));
                assert.ok(line, run.error.message);
                assert.match(line, c.says);
                assert.ok(line.includes(`the chart at ${dir} `), line);
            });
        }
    });

    describe("image references", () => {
        it("prefixes paths with the internal registry and keeps full references", () => {
            assert.deepStrictEqual(resolveImage("argoproj/argocd:v3.4.4", "r:5000"), { registry: "r:5000", repository: "argoproj/argocd", tag: "v3.4.4", digest: undefined });
            assert.deepStrictEqual(resolveImage("r:5000/gitea:1.27.0-rootless", "r:5000"), { registry: "r:5000", repository: "gitea", tag: "1.27.0-rootless", digest: undefined });
            assert.strictEqual(resolveImage(`lumen-api@sha256:${"a".repeat(64)}`, "r:5000").digest, `sha256:${"a".repeat(64)}`);
        });

        it("accepts a pinned digest and rejects an upper-case repository", () => {
            assert.deepStrictEqual(imageProblems(`lumen-api@sha256:${"a".repeat(64)}`, "r:5000"), []);
            assert.match(imageProblems("Lumen/API:v1", "r:5000")[0], /not a valid repository path/);
        });
    });
});
