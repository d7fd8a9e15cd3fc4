// Copyright 2026, airgap-platform authors.
//
// Local JSON schemas for kubeconform, so that the benchmark validates strictly without any network:
// the Kubernetes kinds come from the OpenAPI v2 document (api/openapi-spec/swagger.json) of the
// k8s.io/kubernetes module in the Go module cache, the Argo kinds from the CRDs of the argo-rollouts and
// argo-cd modules. The files follow kubeconform's own generator (scripts/openapi2jsonschema.py in
// github.com/yannh/kubeconform) and the layout of its default schema repository:
//   <kind>-<first label of the group>-<version>.json (core kinds: <kind>-<version>.json),
// every $ref expanded in place ("standalone"), int-or-string as string or integer, and, for strict
// validation, `additionalProperties: false` on every object that lists its properties.

import * as fs from "fs";
import * as path from "path";
import { loadAll } from "js-yaml";

type Schema = Record<string, any>;

/** A kind to write a schema for. */
export interface Gvk {
    readonly group: string;
    readonly version: string;
    readonly kind: string;
}

/** The file name kubeconform looks up for a kind (its registry.go, schemaPath). */
export function schemaFileName({ group, version, kind }: Gvk): string {
    return `${kind.toLowerCase()}${group === "" ? "" : `-${group.split(".")[0].toLowerCase()}`}-${version.toLowerCase()}.json`;
}

/** The `-schema-location` argument for a folder of these files. */
export function schemaLocation(dir: string): string {
    return `${dir}/{{ .ResourceKind }}{{ .KindSuffix }}.json`;
}

/** Strict mode: objects that list their properties accept no others (as kubectl's validation did). */
function strict(schema: unknown, isRoot: boolean): unknown {
    if (Array.isArray(schema)) {
        return schema.map((s) => strict(s, false));
    }
    if (typeof schema !== "object" || schema === null) {
        return schema;
    }
    const out: Schema = {};
    for (const [key, value] of Object.entries(schema)) {
        if (key === "description") {
            continue;
        }
        // `properties` maps field names to schemas: its keys are not keywords.
        out[key] = key === "properties" ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, strict(v, false)])) : strict(value, false);
    }
    if (out.format === "int-or-string") {
        return { oneOf: [{ type: "string" }, { type: "integer" }] };
    }
    if ("properties" in out && !("additionalProperties" in out) && !isRoot) {
        out.additionalProperties = false;
    }
    return out;
}

/** The definition with every $ref replaced by its target; a reference back into itself accepts anything. */
function expand(definitions: Record<string, Schema>, name: string, stack: readonly string[] = []): Schema {
    const resolve = (node: unknown): unknown => {
        if (Array.isArray(node)) {
            return node.map(resolve);
        }
        if (typeof node !== "object" || node === null) {
            return node;
        }
        const ref = (node as Schema).$ref;
        if (typeof ref === "string" && ref.startsWith("#/definitions/")) {
            const target = ref.slice("#/definitions/".length);
            return stack.includes(target) ? {} : expand(definitions, target, [...stack, name]);
        }
        return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v)]));
    };
    if (name === "io.k8s.apimachinery.pkg.api.resource.Quantity") {
        return { oneOf: [{ type: "string" }, { type: "number" }] };
    }
    return resolve(definitions[name]) as Schema;
}

/** Writes the schemas of the wanted Kubernetes kinds from swagger.json; returns the files written. */
export function writeOpenApiSchemas(swaggerFile: string, wanted: readonly Gvk[], outDir: string): string[] {
    const swagger = JSON.parse(fs.readFileSync(swaggerFile, "utf8")) as { definitions: Record<string, Schema> };
    const written: string[] = [];
    for (const [name, definition] of Object.entries(swagger.definitions)) {
        const gvks = (definition["x-kubernetes-group-version-kind"] ?? []) as Gvk[];
        for (const gvk of gvks.filter((g) => wanted.some((w) => w.group === g.group && w.version === g.version && w.kind === g.kind))) {
            // Like kubeconform's published strict schemas, the top level of a built-in kind is strict too.
            const schema = strict(expand(swagger.definitions, name), false);
            const file = path.join(outDir, schemaFileName(gvk));
            fs.writeFileSync(file, JSON.stringify(schema));
            written.push(file);
        }
    }
    return written;
}

/** Writes the schema of every version of the CRDs in the files; returns the files written. */
export function writeCrdSchemas(crdFiles: readonly string[], outDir: string): string[] {
    const written: string[] = [];
    for (const crdFile of crdFiles) {
        for (const doc of loadAll(fs.readFileSync(crdFile, "utf8")) as Schema[]) {
            if (doc?.kind !== "CustomResourceDefinition") {
                continue;
            }
            for (const version of doc.spec.versions as Schema[]) {
                const schema = version.schema?.openAPIV3Schema;
                if (schema === undefined) {
                    continue;
                }
                // kubeconform's generator leaves the top level of a CRD open (DENY_ROOT_ADDITIONAL_PROPERTIES unset).
                const file = path.join(outDir, schemaFileName({ group: doc.spec.group, version: version.name, kind: doc.spec.names.kind }));
                fs.writeFileSync(file, JSON.stringify(strict(schema, true)));
                written.push(file);
            }
        }
    }
    return written;
}
