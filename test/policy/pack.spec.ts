// Copyright 2026, airgap-platform authors.
//
// Checks over the whole pack: the rule list against the rule folders, names, descriptions, levels,
// config schemas, one spec file per rule, the README and the example policy config.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { defaultLevels, rules } from "../../policy/engine";
import { validateConfigFile } from "../../policy/lib/config";
import { Rule, rulesOf } from "../../policy/lib/rule";
import { policies } from "../../policy/policies";
import { RULE_SUBJECTS } from "../../policy/rules";

const ROOT = path.join(__dirname, "..", "..");
const POLICY_DIR = path.join(ROOT, "policy");
/** Folders of policy/ that hold the pack's machinery rather than rules. */
const MACHINERY = new Set(["bench", "cli", "lib", "node_modules"]);

/** What the rule folders under `root` hold, and where they disagree with the registered rules. */
interface RuleTree {
    /** The file of each rule found, by rule name. */
    readonly files: Map<string, string>;
    readonly problems: string[];
}

/**
 * Walks every rule folder of `root` (each subfolder except the machinery): each folder's index.ts
 * must re-export every file and subfolder beside it, each other file must export exactly one rule,
 * and the rules found must be the registered ones, both ways.
 */
function readRuleTree(root: string, registered: ReadonlyArray<Rule<any>>): RuleTree {
    const files = new Map<string, string>();
    const problems: string[] = [];
    const found = new Set<Rule<any>>();
    const visit = (dir: string): void => {
        const entries = fs.readdirSync(dir, { withFileTypes: true });
        const siblings = entries.filter((e) => e.isDirectory() || (e.name.endsWith(".ts") && e.name !== "index.ts"))
            .map((e) => `./${e.name.replace(/\.ts$/, "")}`);
        const index = path.join(dir, "index.ts");
        const exported = fs.existsSync(index)
            ? [...fs.readFileSync(index, "utf8").matchAll(/^export \* from "(\.\/[^"]+)";$/gm)].map((m) => m[1])
            : [];
        for (const sibling of siblings.filter((s) => !exported.includes(s))) {
            problems.push(`${path.relative(root, index)} does not export "${sibling}"`);
        }
        for (const entry of entries) {
            const file = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                visit(file);
            } else if (entry.name.endsWith(".ts") && entry.name !== "index.ts") {
                const own = rulesOf(require(file));
                if (own.length !== 1) {
                    problems.push(`${path.relative(root, file)} exports ${own.length} rules, not one`);
                }
                for (const rule of own) {
                    found.add(rule);
                    files.set(rule.name, file);
                    if (!registered.includes(rule)) {
                        problems.push(`rule "${rule.name}" of ${path.relative(root, file)} is not registered`);
                    }
                }
            }
        }
    };
    for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
        if (entry.isDirectory() && !MACHINERY.has(entry.name)) {
            visit(path.join(root, entry.name));
        }
    }
    for (const rule of registered.filter((r) => !found.has(r))) {
        problems.push(`registered rule "${rule.name}" comes from no rule file`);
    }
    return { files, problems };
}

describe("policy pack", () => {
    it("registers exactly the rules its rule folders export, every rule file re-exported by its folder", () => {
        assert.deepStrictEqual(readRuleTree(POLICY_DIR, rules).problems, []);
    });

    it("reports a rule file that its folder does not export, and a registered rule without a file", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "rule-tree-"));
        try {
            const rule = (name: string): string => `export const r = { name: "${name}", scope: "resource", kinds: ["Service"], check: () => undefined };\n`;
            fs.mkdirSync(path.join(root, "lib"));
            fs.writeFileSync(path.join(root, "lib", "helper.ts"), "export const helper = 1;\n");
            fs.mkdirSync(path.join(root, "core", "Service"), { recursive: true });
            fs.writeFileSync(path.join(root, "core", "index.ts"), `export * from "./Service";\n`);
            fs.writeFileSync(path.join(root, "core", "Service", "index.ts"), `export * from "./enforce-a";\n`);
            fs.writeFileSync(path.join(root, "core", "Service", "enforce-a.ts"), rule("service-enforce-a"));
            fs.writeFileSync(path.join(root, "core", "Service", "enforce-b.ts"), rule("service-enforce-b"));
            const registered = rulesOf(require(path.join(root, "core")));
            assert.deepStrictEqual(registered.map((r) => r.name), ["service-enforce-a"]);
            const stray = { ...registered[0], name: "service-enforce-c" };
            assert.deepStrictEqual(readRuleTree(root, [...registered, stray]).problems, [
                `${path.join("core", "Service", "index.ts")} does not export "./enforce-b"`,
                `rule "service-enforce-b" of ${path.join("core", "Service", "enforce-b.ts")} is not registered`,
                `registered rule "service-enforce-c" comes from no rule file`,
            ]);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("has unique kebab-case names that start with the resource and a verb", () => {
        const names = rules.map((r) => r.name);
        assert.strictEqual(new Set(names).size, names.length);
        const pattern = new RegExp(`^(${RULE_SUBJECTS.join("|")})-(disallow|enable|configure|enforce)-[a-z0-9]+(-[a-z0-9]+)*$`);
        for (const name of names) {
            assert.match(name, pattern, name);
        }
    });

    it("describes every rule in full sentences and gives remediation steps", () => {
        for (const rule of rules) {
            for (const sentence of rule.description.split(/(?<=[.?!])\s+/)) {
                assert.match(sentence, /^[A-Z].*[.?!]$/, `${rule.name}: "${sentence}"`);
            }
            assert.match(rule.remediationSteps, /^[A-Z].*\.$/, rule.name);
        }
    });

    it("names no site's address in a remediation: the addresses are the rules' settings", () => {
        for (const rule of rules) {
            assert.doesNotMatch(rule.remediationSteps, /\d+\.\d+\.\d+\.\d+|svc\.cluster\.local/, rule.name);
        }
    });

    it("sets a level on every rule, with the issue's split between mandatory and advisory", () => {
        const advisory = Object.entries(defaultLevels()).filter(([, level]) => level === "advisory").map(([name]) => name).sort();
        assert.deepStrictEqual(advisory, [
            "analysistemplate-disallow-lenient-failure-limit",
            "analysistemplate-enforce-canary-selection",
            "analysistemplate-enforce-nan-guard",
            "rollout-configure-progress-deadline-abort",
            "rollout-configure-revision-history-limit",
            "rollout-configure-scale-down-delay",
            "rollout-disallow-indefinite-pause",
        ]);
        assert.strictEqual(rules.length, 29);
    });

    it("builds one CrossGuard policy per rule, with a config schema whose properties have defaults", () => {
        assert.strictEqual(policies.length, rules.length);
        for (const policy of policies) {
            assert.ok(policy.configSchema !== undefined, policy.name);
            assert.ok(!("enforcementLevel" in policy.configSchema.properties), policy.name);
            for (const [key, property] of Object.entries(policy.configSchema.properties)) {
                assert.ok(typeof property === "object" && property.default !== undefined, `${policy.name}.${key} has a default`);
            }
        }
    });

    it("has a spec file mirroring every rule's file", () => {
        const { files } = readRuleTree(POLICY_DIR, rules);
        for (const rule of rules) {
            const file = files.get(rule.name);
            assert.ok(file !== undefined, `source of ${rule.name}`);
            const spec = path.join(ROOT, "test", path.relative(ROOT, file).replace(/\.ts$/, ".spec.ts"));
            assert.ok(fs.existsSync(spec), `${path.relative(ROOT, spec)} exists`);
        }
    });

    it("documents every rule in the README, one section each, in the order the pack runs them", () => {
        const readme = fs.readFileSync(path.join(POLICY_DIR, "README.md"), "utf8");
        const sections = [...readme.matchAll(/^\*\*`([a-z0-9-]+)`\*\*/gm)].map((m) => m[1]);
        assert.deepStrictEqual(sections, rules.map((r) => r.name));
    });

    it("ships example policy configs that the pack accepts", () => {
        const example = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "policy-config.example.json"), "utf8"));
        assert.deepStrictEqual(validateConfigFile(example, rules), []);
        const local = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "policy-config.local.json"), "utf8"));
        assert.deepStrictEqual(validateConfigFile(local, rules), []);
        assert.ok(validateConfigFile({ "no-such-rule": "advisory" }, rules).length === 1);
    });

    it("is a nodejs pack the Pulumi CLI can load: PulumiPolicy.yaml, package.json with a version, tsconfig", () => {
        const manifest = parse(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8"));
        assert.strictEqual(manifest.runtime, "nodejs");
        const pkg = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8"));
        assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
        assert.strictEqual(pkg.dependencies, undefined, "dependencies resolve from the repository root");
        assert.ok(fs.existsSync(path.join(POLICY_DIR, "tsconfig.json")));
    });
});
