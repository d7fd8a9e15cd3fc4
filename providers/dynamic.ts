// Copyright 2026, airgap-platform authors.
//
// The base of every dynamic resource of this program. `pulumi.dynamic.Resource` stores its provider in the
// resource as a serialised copy of the provider object and everything it reaches: at every run the SDK
// walks that closure and parses each of its functions with TypeScript, and the engine's dynamic-provider
// host compiles the copy again (with 14 providers, about a second of the program's CPU and half a second of
// the host's, before and between steps: docs/bootstrap-speed.md). Here the resource stores a handler that
// loads the provider from its module instead: every provider is a named export of one of the program's
// modules, named relative to the project folder, which is the working directory of the program and of the
// engine's plugins alike.
//
// What the engine sees is what `pulumi.dynamic.Resource` gives it: the same type tokens
// (`pulumi-nodejs:dynamic/MODULE:TYPE`), the same `__provider` input holding CommonJS text whose `handler()`
// returns the provider. Like a provider plugin (and unlike a serialised copy), the code that runs is the
// checkout's: a `destroy` or `refresh`, which run no program, first rebuild a stale `dist/` like the program does.

import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { REPO_ROOT } from "../lib/repo-root";

/** The input in which the dynamic-provider host finds the provider (`@pulumi/pulumi/dynamic`'s own name for it). */
const PROVIDER_KEY = "__provider";

/** Where the engine's dynamic-provider host finds a provider, as paths relative to the project folder. */
export interface ProviderExport {
    /** The provider's module, '/'-separated, relative to the project folder (the program's and the plugins' working directory). */
    module: string;
    /** The name it is exported under. */
    name: string;
    /** dist/lib/fresh-build.js, when the module is compiled into dist/: the host checks the build before loading it. */
    buildCheck?: string;
}

/**
 * The module of the repository (node_modules excluded) that exports `provider` as its own, relative to `cwd`.
 * A provider that is not a module's export could only be copied, which this program does not do: that is an error.
 */
export function providerExport(provider: object, root: string = REPO_ROOT, cwd: string = process.cwd()): ProviderExport {
    const fromCwd = (file: string) => path.relative(cwd, file).split(path.sep).join("/");
    for (const [file, loaded] of Object.entries(require.cache)) {
        const inRepository = path.relative(root, file);
        if (loaded === undefined || inRepository.startsWith("..") || inRepository.split(path.sep).includes("node_modules")) {
            continue;
        }
        // Only the module that defines it: a barrel's `export *` re-exports through getters, and loading the barrel
        // would load everything it gathers.
        const name = Object.keys(loaded.exports ?? {}).find((key) => Object.getOwnPropertyDescriptor(loaded.exports, key)?.value === provider);
        if (name !== undefined) {
            const compiled = inRepository.split(path.sep)[0] === "dist";
            return { module: fromCwd(file), name, ...(compiled ? { buildCheck: fromCwd(path.join(root, "dist", "lib", "fresh-build.js")) } : {}) };
        }
    }
    throw new Error("a dynamic provider must be a named export of one of the program's modules (providers/dynamic.ts)");
}

/**
 * The text stored as the resource's `__provider`: CommonJS whose `handler()` loads the provider from the project
 * folder, after rebuilding a stale dist/ (compiled modules) or with ts-node's transpiler (a program run from its
 * TypeScript sources, as the test projects are).
 */
export function providerHandler(ref: ProviderExport): string {
    const module = JSON.stringify(ref.module);
    const name = JSON.stringify(ref.name);
    const prepare = ref.buildCheck !== undefined
        ? `\n    require(path.resolve(${JSON.stringify(ref.buildCheck)})).rebuildStaleDist();`
        : ref.module.endsWith(".ts") ? `\n    if (require.extensions[".ts"] === undefined) { require("ts-node").register({ transpileOnly: true }); }` : "";
    return `exports.handler = function () {
    const path = require("path");${prepare}
    const provider = require(path.resolve(${module}))[${name}];
    if (provider === undefined) {
        throw new Error("the dynamic provider " + ${name} + " is no longer exported by " + ${module} + " in " + process.cwd());
    }
    return provider;
};
`;
}

/** A dynamic resource whose provider is loaded from its module by the engine: `pulumi.dynamic.Resource`'s arguments. */
export class DynamicResource extends pulumi.CustomResource {
    constructor(provider: pulumi.dynamic.ResourceProvider, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined,
        module: string, type: string) {
        if (PROVIDER_KEY in props) {
            throw new Error(`a dynamic resource must not define the ${PROVIDER_KEY} input`);
        }
        super(`pulumi-nodejs:dynamic/${module}:${type}`, name, { ...props, [PROVIDER_KEY]: providerHandler(providerExport(provider)) }, opts);
    }
}
