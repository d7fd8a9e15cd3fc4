// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import { documentProblem, documentsOf, objectsOf, parseDocument, parsePiece, piecesOf, splitDocuments } from "../../../policy/cli/manifest-reader";
import { PARALLEL_MIN_BYTES, parsePieces, PieceInput } from "../../../policy/cli/parse-pool";

function values(text: string): unknown[] {
    const result = parseDocument(text, "yaml");
    assert.ok("values" in result, JSON.stringify(result));
    return result.values;
}

function failure(text: string, format: "yaml" | "json" = "yaml"): string {
    const result = parseDocument(text, format);
    assert.ok("error" in result, JSON.stringify(result));
    return result.error.message;
}

describe("manifest reader", () => {
    describe("merge keys, as sigs.k8s.io/yaml v1.6.0 (go.yaml.in/yaml/v2 v2.4.2, kubectl's and Argo CD's reader) gives them", () => {
        // Each expected value is what YAMLToJSON printed for the same text (docs/manifest-linter.md).
        const cases: Array<[string, unknown]> = [
            ["a: explicit\n<<: {a: merged, b: merged}\n", { a: "merged", b: "merged" }],
            ["<<: {a: merged, b: merged}\na: explicit\n", { a: "explicit", b: "merged" }],
            ["<<: [{a: first}, {a: second, c: second}]\n", { a: "first", c: "second" }],
            ["spec:\n  <<: {initContainers: [{image: docker.io/x:latest}]}\n  containers: [{image: r/x:1}]\n", { spec: { containers: [{ image: "r/x:1" }], initContainers: [{ image: "docker.io/x:latest" }] } }],
            ["a: <<\nb: [<<]\n\"<<\": {q: 1}\n", { "<<": { q: 1 }, a: "<<", b: ["<<"] }],
            ["<<: {a: 1}\n<<: {b: 2}\n", { a: 1, b: 2 }],
        ];
        for (const [text, expected] of cases) {
            it(JSON.stringify(text), () => {
                assert.deepStrictEqual(values(text), [expected]);
            });
        }

        it("refuses a merge of something other than mappings, with the Go reader's words", () => {
            assert.strictEqual(failure("<<: [1]\n"), "map merge requires map or sequence of maps as the value");
        });

        it("merges through aliases without changing the anchored mapping", () => {
            const [doc] = values("base: &base {image: a, name: x}\none: {<<: *base, name: one}\ntwo: {<<: *base}\n") as Array<Record<string, unknown>>;
            assert.deepStrictEqual(doc, { base: { image: "a", name: "x" }, one: { image: "a", name: "one" }, two: { image: "a", name: "x" } });
        });
    });

    describe("documents", () => {
        it("are cut at `---` lines as kubectl cuts them, numbered without the empty ones, with CRLF and a BOM", () => {
            const text = "\ufeff# header\n---\na: 1\n---   \r\nb: 2\n--- # a comment may follow\nc: 3\n---\n# only a comment\n---\nd: [\n";
            const docs = splitDocuments(text);
            assert.deepStrictEqual(docs.map((d) => [d.index, d.text]), [[1, "a: 1\n"], [2, "b: 2\n"], [3, "c: 3\n"], [4, "d: [\n"]]);
            const broken = parseDocument(docs[3].text, "yaml");
            assert.ok("error" in broken);
            assert.strictEqual(documentProblem(text, docs[3], broken.error), "document 4 (line 11): YAML error at line 12, column 1: unexpected end of the stream within a flow collection");
        });

        it("keep YAML's .inf and .nan, and expand kind: List into its items", () => {
            assert.deepStrictEqual(values("a: .inf\nb: -.Inf\nc: .nan\n"), [{ a: Infinity, b: -Infinity, c: NaN }]);
            assert.deepStrictEqual(objectsOf(values("kind: List\nitems: [{kind: A}, {kind: B}]\n")), [{ kind: "A" }, { kind: "B" }]);
        });

        it("read YAML 1.2 scalars as before (no timestamps, no yes/no booleans) and refuse duplicate keys", () => {
            assert.deepStrictEqual(values("t: 2026-01-01\ny: yes\nn: ~\no: 0o17\n"), [{ t: "2026-01-01", y: "yes", n: null, o: 15 }]);
            assert.strictEqual(failure("a: 1\na: 2\n"), "duplicated mapping key");
        });

        it("refuse a YAML bomb quickly instead of expanding it", () => {
            const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
            for (let i = 1; i < 9; i++) {
                lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);
            }
            const start = Date.now();
            assert.match(failure(`${lines.join("\n")}\n`), /^its aliases expand it to \d\.\de\+9 values \(more than 1,000,000\): a YAML bomb, refused$/);
            assert.ok(Date.now() - start < 2000, `took ${Date.now() - start} ms`);
        });

        it("refuse nesting beyond 1000 levels without overflowing the stack", () => {
            assert.match(failure(`${"[".repeat(5000)}${"]".repeat(5000)}\n`), /nesting exceeded maxDepth \(1000\)/);
        });

        it("read a JSON file as one object, with line and column on errors, and refuse an array", () => {
            assert.deepStrictEqual(documentsOf("\n  \n", "json"), []);
            assert.deepStrictEqual(parseDocument('{"kind": "Service", "__proto__": {"x": 1}}', "json"), { values: [JSON.parse('{"kind": "Service", "__proto__": {"x": 1}}')] });
            const broken = parseDocument('{\n  "kind": "Service"\n  "metadata": {}\n}', "json");
            assert.deepStrictEqual(broken, { error: { message: "Expected ',' or '}' after property value", syntax: "JSON", line: 3, column: 3 } });
            assert.strictEqual(failure("[{}]", "json"), "a JSON manifest is one object (Argo CD reads each *.json file as one resource), not an array");
        });
    });

    describe("pieces (runs of documents parsed in one call)", () => {
        const file = ["# a stream", "---", "kind: A", "---", "---", "kind: B", "--- # two", "kind: [C", "---", "kind: D", "x: .inf", ""].join("\n");

        it("cover every document once, and re-split into the same documents", () => {
            const documents = splitDocuments(file);
            for (const max of [1, 10, 25, 1000]) {
                const pieces = piecesOf(file, documents, max);
                assert.deepStrictEqual(pieces.map((p) => p.first), pieces.map((_p, i) => pieces.slice(0, i).reduce((n, q) => n + q.count, 0)));
                assert.strictEqual(pieces.reduce((n, p) => n + p.count, 0), documents.length);
                for (const piece of pieces) {
                    assert.deepStrictEqual(splitDocuments(piece.text).map((d) => d.text), documents.slice(piece.first, piece.first + piece.count).map((d) => d.text));
                }
            }
        });

        it("give all values in one go, or each document's own result when one is broken", () => {
            assert.deepStrictEqual(parsePiece("kind: A\n---\n---\nkind: B\n", "yaml"), { values: [{ kind: "A" }, null, { kind: "B" }] });
            const [piece] = piecesOf(file, splitDocuments(file), 1000);
            const result = parsePiece(piece.text, "yaml");
            assert.ok("documents" in result);
            assert.deepStrictEqual(result.documents.map((d) => ("error" in d ? `error: ${d.error.message}` : d.values)), [
                [{ kind: "A" }], [{ kind: "B" }], "error: unexpected end of the stream within a flow collection", [{ kind: "D", x: Infinity }],
            ]);
        });
    });

    describe("parsing on worker threads", () => {
        it("gives exactly what one thread gives, errors and non-JSON numbers included", async function () {
            this.timeout(60000);
            const pieces: PieceInput[] = [];
            let chars = 0;
            for (let i = 0; chars <= PARALLEL_MIN_BYTES * 1.1; i++) {
                const text = i % 97 === 0 ? `kind: Broken\nmetadata: [${i}\n---\nkind: Fine\n` : i % 101 === 0 ? `kind: X\nspec: {limit: .inf, n: ${i}}\n` : Array.from({ length: 20 }, (_v, k) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}-${k}, labels: &l {app: a${i}}}\ndata: {<<: *l, key: "${"v".repeat((i + k) % 300)}"}\n`).join("---\n");
                pieces.push({ text, format: i % 13 === 0 ? "json" : "yaml" });
                chars += text.length;
            }
            const serial = await parsePieces(pieces, 1);
            const parallel = await parsePieces(pieces, 3);
            assert.deepStrictEqual(parallel, serial);
            assert.ok(serial.filter((r) => "documents" in r && r.documents.some((d) => "error" in d)).length > 10);
        });
    });
});
