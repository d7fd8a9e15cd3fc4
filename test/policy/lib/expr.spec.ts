// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import { callsIsNaN, parseCondition, unguardedElementRead, unknownNames } from "../../../policy/lib/expr";

function ast(source: string) {
    const parsed = parseCondition(source);
    if (!parsed.ok) {
        assert.fail(`${source}: ${parsed.error}`);
    }
    return parsed.ast;
}

describe("expr parser", () => {
    const valid = [
        "len(result) == 0 || result[0] >= 0.95",
        "result[0] >= .95 and result[0] <= 1.",
        "asInt(result) in 200..299",
        "result.status not in ['error', 'failed']",
        "all(result, # > 0.9) && any(result, {#index > 0})",
        "map(result, .value)[0] ?? 0 > 1",
        "len(result) > 0 ? result[0] > 0.9 : true",
        "result[1:3][0] > 0 // trailing comment",
        "let x = result[0]; x > 0.5 && x < 1",
        "result | filter(# > 0) | len() > 2",
        "{\"a\": 1, b: [1, 2,]}.a == 1",
        "result[0] ** 2 ^ 2 > -1 && !isInf(result[0])",
        "`raw ${string}` matches '^r' && \"x\\\"y\" startsWith 'x'",
        "0x1F + 0b11 + 1_000 + 1e3 > 0",
    ];
    for (const source of valid) {
        it(`parses ${source}`, () => {
            ast(source);
        });
    }

    const invalid: Array<[string, string]> = [
        ["(result[0] > 1", "expected \")\""],
        ["result[0] => 1", "unexpected token \"=\""],
        ["result[0] >", "unexpected end of expression"],
        ["result[0] >= 0.95 &&", "unexpected end of expression"],
        ["'unterminated", "unterminated string literal"],
        ["result[0] @ 2", "unexpected character \"@\""],
        ["1abc > 0", "invalid number literal"],
        ["", "empty expression"],
    ];
    for (const [source, message] of invalid) {
        it(`rejects ${JSON.stringify(source)}`, () => {
            const parsed = parseCondition(source);
            assert.ok(!parsed.ok && parsed.error.includes(message), JSON.stringify(parsed));
        });
    }

    it("lists names outside the controller's environment, but not let-bound names or members", () => {
        assert.deepStrictEqual(unknownNames(ast("let y = result; y.x > threshold && len(res) > 0")), ["threshold", "res"]);
    });

    it("finds element reads that no len(result) test guards", () => {
        assert.strictEqual(unguardedElementRead(ast("len(result) == 0 || result[0] >= 0.95")), undefined);
        assert.strictEqual(unguardedElementRead(ast("len(result) > 0 && (result[0] > 1 || result[1] > 1)")), undefined);
        assert.strictEqual(unguardedElementRead(ast("len(result) == 0 ? true : result[0] > 1")), undefined);
        assert.strictEqual(unguardedElementRead(ast("len(result) > 0 ? true : result[0] > 1")), "result[...]");
        assert.strictEqual(unguardedElementRead(ast("isNaN(result[0]) || len(result) == 0")), "result[...]");
        assert.strictEqual(unguardedElementRead(ast("sum(result) > 1")), "sum(result, ...)");
    });

    it("sees isNaN anywhere in the condition", () => {
        assert.ok(callsIsNaN(ast("len(result) == 0 || isNaN(result[0]) || result[0] > 1")));
        assert.ok(!callsIsNaN(ast("len(result) == 0 || result[0] > 1")));
    });
});
