// Copyright 2026, airgap-platform authors.
//
// The lumen app stack (apps/lumen): its config, its program under mocks, the manifests it renders and the
// publish step of release.sh. The real render (Pulumi CLI) is checked end to end in test/apps/lumen-render.e2e.ts.

import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml, stringify } from "yaml";
import { APP_CONFIG_NAMESPACE, appStackSchema, validateAppConfig } from "../../apps/lumen/config";
import { HEADER, objectKeys, publishRendered, RENDERED_LIST } from "../../apps/lumen/publish";
import { NAMESPACED_KINDS } from "../../components/argocd";
import { progressiveAppManifests } from "../../components/progressive-app";
import { ConfigError } from "../../lib/issues";
import { evaluatePulumiResources } from "../../policy/engine";
import { kubernetesPluginVersion } from "../../providers/kubernetes-plugin";
import { APP_DIR, appConfigMap, PROGRAM, projectConfig, STACK_FILE } from "./helpers/lumen";
import { ROOT, runProgram } from "../helpers/program-harness";

const K = (key: string) => `${APP_CONFIG_NAMESPACE}:${key}`;

/** Runs `npm run lint:manifests -- paths`; returns the exit code and output. */
function lintManifests(...paths: string[]): { code: number; out: string } {
    const r = spawnSync("npm", ["run", "--silent", "lint:manifests", "--", ...paths], {
        cwd: ROOT, encoding: "utf8", env: { ...process.env, PATH: `${path.join(ROOT, "node_modules", ".bin")}:${process.env.PATH}`, INIT_CWD: ROOT },
    });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** The objects the committed stack config renders, from the component's own builders. */
function stackManifests(overrides: Record<string, unknown> = {}) {
    const { config, problems } = validateAppConfig(appConfigMap(STACK_FILE, overrides));
    assert.deepStrictEqual(problems, []);
    return progressiveAppManifests(config!.app, config!.app.prometheusUrl);
}

describe("lumen app stack", () => {
    describe("config", () => {
        it("accepts the committed stack file", () => {
            const { config, problems } = validateAppConfig(appConfigMap());
            assert.deepStrictEqual(problems, []);
            assert.strictEqual(config!.app.image, "lumen-api:v1.5.3");
            assert.strictEqual(config!.app.name, "lumen-api");
            assert.strictEqual(config!.app.namespace, "lumen");
            assert.strictEqual(config!.app.prometheusUrl, "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090");
        });

        it("declares every key in Pulumi.yaml, with the defaults the program applies", () => {
            const declared = projectConfig();
            assert.deepStrictEqual(Object.keys(declared).sort(), Object.keys(appStackSchema.shape).sort());
            const defaults = appStackSchema.parse({ imageTag: "v1.0.0" }) as Record<string, unknown>;
            for (const [key, decl] of Object.entries(declared)) {
                assert.ok(decl.description, `${key} has no description`);
                if (key === "imageTag") {
                    assert.strictEqual(decl.default, undefined, "imageTag must stay required");
                } else if (typeof decl.default === "object") {
                    assert.deepStrictEqual(decl.default, {}, `${key}: sections default to {} (all the component's defaults)`);
                } else {
                    assert.strictEqual(decl.default, defaults[key], `${key}'s default differs from the program's`);
                }
            }
        });

        const BAD: Array<{ title: string; change: Record<string, unknown>; key: string; says: RegExp }> = [
            { title: "canary weights 20 then 10", change: { canary: { weights: [20, 10, 100] } }, key: "canary.weights[1]", says: /not above 20.*must increase/ },
            { title: "the image tag latest", change: { imageTag: "latest" }, key: "imageTag", says: /release version.*latest/ },
            { title: "no image tag", change: { imageTag: undefined }, key: "imageTag", says: /is required/ },
            { title: "a lenient failureLimit 3 of 5", change: { analysis: { count: 5, failureLimit: 3 } }, key: "analysis.failureLimit", says: /at most 2/ },
            { title: "an image repository on Docker Hub", change: { imageRepository: "docker.io/library/nginx" }, key: "imageRepository", says: /internal registry/ },
            { title: "an image repository with a tag", change: { imageRepository: "lumen-api:v1" }, key: "imageRepository", says: /without a tag/ },
            { title: "a Prometheus outside the cluster", change: { prometheusUrl: "http://192.168.2.2:30090" }, key: "prometheusUrl", says: /in-cluster Service URL/ },
            { title: "replicas that are not a number", change: { replicas: "two" }, key: "replicas", says: /expected number/ },
            { title: "an unknown key", change: { replica: 3 }, key: "replica", says: /unknown setting/ },
            { title: "a misspelt analysis field", change: { analysis: { failurelimit: 1 } }, key: "analysis.failurelimit", says: /unknown setting/ },
            { title: "an unknown strategy", change: { strategy: "recreate" }, key: "strategy", says: /canary or blueGreen/ },
        ];
        for (const c of BAD) {
            it(`rejects ${c.title}, naming ${K(c.key)}`, () => {
                const { config, problems } = validateAppConfig(appConfigMap(STACK_FILE, c.change));
                assert.strictEqual(config, undefined);
                const line = problems.find((p) => p.startsWith(`${K(c.key)}: `));
                assert.ok(line, `no problem names ${K(c.key)}; got:\n${problems.join("\n")}`);
                assert.match(line!, c.says);
            });
        }
    });

    describe("program (mocks)", () => {
        it("registers the app under a render-only provider writing to renderDir", async () => {
            const run = await runProgram(PROGRAM, { config: appConfigMap(), project: "lumen-app", stack: "airgap" });
            assert.ifError(run.error);
            const providers = run.resources.filter((r) => r.type === "pulumi:providers:kubernetes");
            assert.strictEqual(providers.length, 1);
            assert.strictEqual(providers[0].inputs.renderYamlToDirectory, path.join(APP_DIR, ".render"));
            assert.strictEqual(providers[0].inputs.kubeconfig, undefined);
            assert.strictEqual(providers[0].version, kubernetesPluginVersion(), "the provider must name the plugin the toolchain installs");
            const component = run.resources.find((r) => r.type === "airgap:index:ProgressiveApp");
            assert.ok(component?.providers.kubernetes?.startsWith(`${providers[0].urn}::`));
            const objects = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
            assert.strictEqual(objects.length, 7);
            for (const o of objects) {
                assert.ok(o.provider.startsWith(`${providers[0].urn}::`), `${o.type} ${o.name} uses ${o.provider}`);
            }
            assert.strictEqual(run.outputs.image, "192.168.2.2:5000/lumen-api:v1.5.3");
            assert.strictEqual(run.outputs.rollout, "lumen-api");
        });

        it("passes the policy pack as CrossGuard sees the stack, with apps/lumen/policy-config.json", async () => {
            const run = await runProgram(PROGRAM, { config: appConfigMap(), project: "lumen-app", stack: "airgap" });
            assert.ifError(run.error);
            const policyConfig = JSON.parse(fs.readFileSync(path.join(APP_DIR, "policy-config.json"), "utf8"));
            assert.deepStrictEqual(evaluatePulumiResources(run.resources, policyConfig).map((f) => `${f.rule}: ${f.message}`), []);
            // Without it, only the CRD-dependency rule fires: the CRDs come from the platform stack, not this one.
            const rules = new Set(evaluatePulumiResources(run.resources).map((f) => f.rule));
            assert.deepStrictEqual([...rules], ["stack-enforce-crd-dependency"]);
        });

        for (const [title, change] of [
            ["weights 20 then 10", { canary: { weights: [20, 10, 100] } }],
            ["image tag latest", { imageTag: "latest" }],
        ] as const) {
            it(`rejects ${title} before anything is registered, not even the provider`, async () => {
                const run = await runProgram(PROGRAM, { config: appConfigMap(STACK_FILE, change), project: "lumen-app", stack: "airgap" });
                assert.ok(run.error instanceof ConfigError, `expected ConfigError, got ${run.error}`);
                assert.match(run.error!.message, /nothing was created/);
                assert.deepStrictEqual(run.resources.map((r) => r.type), []);
            });
        }
    });

    describe("rendered manifests", () => {
        let dir: string;
        before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "lumen-manifests-")); });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("pass npm run lint:manifests with no finding, also as blue-green with an HPA", function () {
            this.timeout(60000);
            const sets: Array<[string, Record<string, unknown>]> = [["canary", {}], ["bluegreen", { strategy: "blueGreen", hpa: { enabled: true } }]];
            for (const [name, change] of sets) {
                const sub = path.join(dir, name);
                fs.mkdirSync(sub);
                for (const m of stackManifests(change)) {
                    fs.writeFileSync(path.join(sub, `${m.kind.toLowerCase()}-${m.metadata.name}.yaml`), stringify(m));
                }
            }
            const r = lintManifests(dir);
            assert.strictEqual(r.code, 0, r.out);
            assert.match(r.out, /^0 findings \(0 mandatory, 0 advisory\) in 15 resources from 15 files/m);
        });

        it("are committed as the stack file renders them (apps/lumen/rendered), and that folder lints clean", function () {
            this.timeout(60000);
            const committed = path.join(APP_DIR, "rendered", "03-airgap-zone", "manifests", "app");
            const listed = fs.readFileSync(path.join(committed, RENDERED_LIST), "utf8").trim().split("\n");
            assert.deepStrictEqual(fs.readdirSync(committed).filter((n) => n !== RENDERED_LIST).sort(), listed);
            const key = (m: any) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`;
            const files = listed.map((n) => fs.readFileSync(path.join(committed, n), "utf8"));
            files.forEach((text) => assert.ok(text.startsWith(HEADER)));
            const onDisk = files.map((text) => parseYaml(text)).sort((a, b) => key(a).localeCompare(key(b)));
            const expected = JSON.parse(JSON.stringify(stackManifests())).sort((a: any, b: any) => key(a).localeCompare(key(b)));
            assert.deepStrictEqual(onDisk, expected, "the committed render is stale: run npm run release -- --render");
            const r = lintManifests(committed);
            assert.strictEqual(r.code, 0, r.out);
        });

        it("only uses kinds the platform's AppProject lets Argo CD sync", () => {
            const allowed = new Set(NAMESPACED_KINDS.map((k) => `${k.group}/${k.kind}`));
            for (const change of [{}, { strategy: "blueGreen", hpa: { enabled: true } }]) {
                for (const m of stackManifests(change)) {
                    const group = m.apiVersion.includes("/") ? m.apiVersion.split("/")[0] : "";
                    assert.ok(allowed.has(`${group}/${m.kind}`), `${group}/${m.kind} is not in the AppProject's namespaceResourceWhitelist`);
                }
            }
        });

        it("makes npm run lint:manifests fail when the stack had weights 20 then 10 (what the config check prevents)", function () {
            this.timeout(60000);
            const bad = stackManifests();
            const rollout = bad.find((m) => m.kind === "Rollout")!;
            rollout.spec.strategy.canary.steps[2] = { setWeight: 10 };
            const file = path.join(dir, "bad.yaml");
            fs.writeFileSync(file, bad.map((m) => stringify(m)).join("---\n"));
            const r = lintManifests(file);
            assert.strictEqual(r.code, 1, r.out);
            assert.match(r.out, /rollout-enforce-weight-progression: \[mandatory\]/);
        });
    });

    describe("publish (release.sh step 3)", () => {
        let work: string;
        let renderDir: string;
        let out: string;
        const render = (files: Record<string, string>, crds: Record<string, string> = {}) => {
            fs.rmSync(renderDir, { recursive: true, force: true });
            fs.mkdirSync(path.join(renderDir, "1-manifest"), { recursive: true });
            fs.mkdirSync(path.join(renderDir, "0-crd"), { recursive: true });
            for (const [n, t] of Object.entries(files)) {
                fs.writeFileSync(path.join(renderDir, "1-manifest", n), t);
            }
            for (const [n, t] of Object.entries(crds)) {
                fs.writeFileSync(path.join(renderDir, "0-crd", n), t);
            }
        };
        const yaml = (kind: string, name: string, namespace = "lumen") => stringify({ apiVersion: "v1", kind, metadata: { name, namespace } });
        const snapshot = () => Object.fromEntries(fs.readdirSync(out).sort().map((n) => [n, fs.readFileSync(path.join(out, n), "utf8")]));

        beforeEach(() => {
            work = fs.mkdtempSync(path.join(os.tmpdir(), "lumen-publish-"));
            renderDir = path.join(work, "render");
            out = path.join(work, "03-airgap-zone", "manifests", "app");
        });
        afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

        it("writes the rendered files flat, with a header, and lists them", () => {
            render({ "v1-service-lumen-a.yaml": yaml("Service", "a"), "v1-service-lumen-b.yaml": yaml("Service", "b") });
            const result = publishRendered(renderDir, out);
            assert.deepStrictEqual(result.written, ["v1-service-lumen-a.yaml", "v1-service-lumen-b.yaml"]);
            assert.deepStrictEqual(Object.keys(snapshot()), [RENDERED_LIST, ...result.written]);
            assert.ok(snapshot()["v1-service-lumen-a.yaml"].startsWith(HEADER));
            assert.deepStrictEqual(objectKeys(snapshot()["v1-service-lumen-a.yaml"]), ["Service/lumen/a"]);
        });

        it("gives byte-identical files when the same render is published twice", () => {
            render({ "v1-service-lumen-a.yaml": yaml("Service", "a") });
            publishRendered(renderDir, out);
            const first = snapshot();
            publishRendered(renderDir, out);
            assert.deepStrictEqual(snapshot(), first);
        });

        it("removes files it published before that are no longer rendered, and keeps hand-written ones", () => {
            render({ "v1-service-lumen-a.yaml": yaml("Service", "a"), "v1-service-lumen-b.yaml": yaml("Service", "b") });
            fs.mkdirSync(out, { recursive: true });
            fs.writeFileSync(path.join(out, "01-ingressroute.yaml"), yaml("IngressRoute", "lumen-api"));
            publishRendered(renderDir, out);
            render({ "v1-service-lumen-a.yaml": yaml("Service", "a") });
            const result = publishRendered(renderDir, out);
            assert.deepStrictEqual(result.removed, ["v1-service-lumen-b.yaml"]);
            assert.deepStrictEqual(Object.keys(snapshot()), [RENDERED_LIST, "01-ingressroute.yaml", "v1-service-lumen-a.yaml"]);
        });

        it("refuses a hand-written file that defines a rendered object, and changes nothing", () => {
            render({ "argoproj.io_v1alpha1-rollout-lumen-lumen-api.yaml": yaml("Rollout", "lumen-api") });
            fs.mkdirSync(out, { recursive: true });
            fs.writeFileSync(path.join(out, "03-lumen-api.yaml"), yaml("Rollout", "lumen-api", ""));
            const before = snapshot();
            assert.throws(() => publishRendered(renderDir, out), /03-lumen-api\.yaml defines Rollout\/\/lumen-api, which is now rendered/);
            assert.deepStrictEqual(snapshot(), before);
        });

        it("refuses to overwrite a hand-written file of the same name", () => {
            render({ "v1-service-lumen-a.yaml": yaml("Service", "a") });
            fs.mkdirSync(out, { recursive: true });
            fs.writeFileSync(path.join(out, "v1-service-lumen-a.yaml"), "# mine\n");
            assert.throws(() => publishRendered(renderDir, out), /was not published by this script/);
        });

        it("refuses CRDs and an empty render", () => {
            render({ "v1-service-lumen-a.yaml": yaml("Service", "a") }, { "crd.yaml": "kind: CustomResourceDefinition\n" });
            assert.throws(() => publishRendered(renderDir, out), /must not ship CRDs/);
            render({});
            assert.throws(() => publishRendered(renderDir, out), /no rendered manifest/);
            assert.ok(!fs.existsSync(out));
        });
    });

    describe("release.sh", () => {
        const release = (...args: string[]) => spawnSync("bash", [path.join(APP_DIR, "release.sh"), ...args], { encoding: "utf8", cwd: ROOT });

        for (const tag of ["latest", "v1.5", "main", "1.5.4;rm"]) {
            it(`refuses the tag '${tag}' before touching the stack file`, () => {
                const before = fs.readFileSync(STACK_FILE, "utf8");
                const r = release(tag);
                assert.strictEqual(r.status, 1, r.stderr);
                // The stack config's own imageTag message (release-tag.ts), not a copy of the rule.
                assert.match(r.stderr, /is not a release tag: must be a release version such as v1\.5\.4/);
                assert.strictEqual(fs.readFileSync(STACK_FILE, "utf8"), before);
            });
        }

        it("checks a tag with the rule the stack config uses for imageTag", () => {
            const check = (tag: string) => spawnSync(path.join(ROOT, "node_modules", ".bin", "ts-node"), ["--transpile-only", path.join(APP_DIR, "release-tag.ts"), tag], { encoding: "utf8" });
            for (const tag of ["v1.5.4", "latest"]) {
                const configAccepts = validateAppConfig(appConfigMap(STACK_FILE, { imageTag: tag })).config !== undefined;
                assert.strictEqual(check(tag).status === 0, configAccepts, tag);
            }
        });

        it("needs a version or --render", () => {
            const r = release();
            assert.strictEqual(r.status, 1);
            assert.match(r.stderr, /usage: npm run release -- <vX\.Y\.Z/);
        });
    });
});
