// Copyright 2026, airgap-platform authors.
//
// Checks over the whole pack: names, descriptions, levels, config schemas, one spec file per rule,
// the README and the example policy config.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { defaultLevels, rules } from "../../policy/engine";
import { validateConfigFile } from "../../policy/lib/config";
import { policies } from "../../policy/policies";

const ROOT = path.join(__dirname, "..", "..");
const POLICY_DIR = path.join(ROOT, "policy");

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir).flatMap((name) => {
        const file = path.join(dir, name);
        if (fs.statSync(file).isDirectory()) {
            return name === "node_modules" ? [] : sourceFiles(file);
        }
        return name.endsWith(".ts") ? [file] : [];
    });
}

describe("policy pack", () => {
    it("has unique kebab-case names that start with the resource and a verb", () => {
        const names = rules.map((r) => r.name);
        assert.strictEqual(new Set(names).size, names.length);
        for (const name of names) {
            assert.match(name, /^(rollout|analysistemplate|workload|horizontalpodautoscaler|application|stack)-(disallow|enable|configure|enforce)-[a-z0-9]+(-[a-z0-9]+)*$/, name);
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
        const files = sourceFiles(POLICY_DIR);
        for (const rule of rules) {
            const file = files.find((f) => fs.readFileSync(f, "utf8").includes(`name: "${rule.name}"`));
            assert.ok(file !== undefined, `source of ${rule.name}`);
            const spec = path.join(ROOT, "test", path.relative(ROOT, file).replace(/\.ts$/, ".spec.ts"));
            assert.ok(fs.existsSync(spec), `${path.relative(ROOT, spec)} exists`);
        }
    });

    it("documents every rule in the README", () => {
        const readme = fs.readFileSync(path.join(POLICY_DIR, "README.md"), "utf8");
        for (const rule of rules) {
            assert.ok(readme.includes(`\`${rule.name}\``), `README mentions ${rule.name}`);
        }
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
