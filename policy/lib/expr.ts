// Copyright 2026, airgap-platform authors.
//
// A parser for the expression language Argo Rollouts evaluates successCondition and failureCondition
// with: github.com/antonmedv/expr v1.15.5 in controller v1.8/v1.9 (expr-lang/expr v1.17 on master).
// It accepts the grammar of both versions (literals, member and index access, slices, calls,
// predicates with `#`, unary and binary operators with expr's precedences, `?:`, `??`, pipes, `let`,
// comments) and rejects what the compiler rejects at parse time, plus names that are not in the
// controller's environment (`result`, `asInt`, `asFloat`, `isNaN`, `isInf`, `isNil`, `default`) or
// among expr's builtins, which the compiler also rejects because the controller passes expr.Env.
// It only parses; it never evaluates.

/** A syntax tree node. */
export type Node =
    | { readonly t: "num"; readonly v: number }
    | { readonly t: "str"; readonly v: string }
    | { readonly t: "bool"; readonly v: boolean }
    | { readonly t: "nil" }
    | { readonly t: "id"; readonly name: string; readonly pos: number }
    | { readonly t: "ptr"; readonly name: string }
    | { readonly t: "un"; readonly op: string; readonly x: Node }
    | { readonly t: "bin"; readonly op: string; readonly l: Node; readonly r: Node }
    | { readonly t: "cond"; readonly c: Node; readonly a: Node; readonly b: Node }
    | { readonly t: "member"; readonly x: Node; readonly prop: string; readonly optional: boolean }
    | { readonly t: "index"; readonly x: Node; readonly i: Node; readonly optional: boolean }
    | { readonly t: "slice"; readonly x: Node; readonly from?: Node; readonly to?: Node }
    | { readonly t: "call"; readonly f: Node; readonly args: readonly Node[] }
    | { readonly t: "arr"; readonly items: readonly Node[] }
    | { readonly t: "map"; readonly entries: ReadonlyArray<readonly [Node, Node]> }
    | { readonly t: "closure"; readonly body: Node }
    | { readonly t: "let"; readonly name: string; readonly value: Node; readonly body: Node };

/** A parse error with the 1-based column where it was found. */
export class ExprError extends Error {
    constructor(message: string, readonly column: number) {
        super(`${message} (column ${column})`);
        this.name = "ExprError";
    }
}

/** Names the Argo Rollouts controller puts in the environment (utils/evaluate/evaluate.go). */
export const CONTROLLER_ENV: ReadonlySet<string> = new Set(["result", "asInt", "asFloat", "isNaN", "isInf", "isNil", "default"]);

/** expr's builtin functions (v1.15 and v1.17). */
export const EXPR_BUILTINS: ReadonlySet<string> = new Set([
    "all", "none", "any", "one", "filter", "map", "count", "sum", "find", "findIndex", "findLast", "findLastIndex",
    "groupBy", "sortBy", "reduce", "len", "type", "abs", "ceil", "floor", "round", "int", "float", "string",
    "trim", "trimPrefix", "trimSuffix", "upper", "lower", "split", "splitAfter", "replace", "repeat", "join",
    "indexOf", "lastIndexOf", "hasPrefix", "hasSuffix", "max", "min", "mean", "median", "toJSON", "fromJSON",
    "toBase64", "fromBase64", "now", "duration", "date", "timezone", "first", "last", "get", "keys", "values",
    "toPairs", "fromPairs", "sort", "concat", "flatten", "uniq", "bitand", "bitor", "bitxor", "bitnand",
    "bitnot", "bitshl", "bitshr", "bitushr",
]);

type TokKind = "num" | "str" | "id" | "op" | "eof";
interface Token {
    readonly k: TokKind;
    readonly v: string;
    readonly pos: number;
    readonly num?: number;
}

const OPERATORS = [
    "?.", "??", "..", "==", "!=", "<=", ">=", "&&", "||", "**",
    "<", ">", "+", "-", "*", "/", "%", "^", "!", "?", ":", "(", ")", "[", "]", "{", "}", ",", ".", "|", "#", ";", "=",
];

function tokenize(src: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    const n = src.length;
    while (i < n) {
        const c = src[i];
        if (c === " " || c === "\t" || c === "\n" || c === "\r") {
            i++;
            continue;
        }
        if (c === "/" && src[i + 1] === "/") {
            while (i < n && src[i] !== "\n") {
                i++;
            }
            continue;
        }
        if (c === "/" && src[i + 1] === "*") {
            const end = src.indexOf("*/", i + 2);
            if (end < 0) {
                throw new ExprError("unterminated comment", i + 1);
            }
            i = end + 2;
            continue;
        }
        if (c >= "0" && c <= "9") {
            const start = i;
            let text: string;
            const radix = /^0[xX][0-9a-fA-F_]+|^0[bB][01_]+|^0[oO][0-7_]+/.exec(src.slice(i));
            if (radix !== null) {
                text = radix[0];
                i += text.length;
                tokens.push({ k: "num", v: text, pos: start, num: Number(text.replace(/_/g, "")) });
                continue;
            }
            while (i < n && /[0-9_]/.test(src[i])) {
                i++;
            }
            // A dot starts the fraction unless a second dot follows, so that `1..5` stays a range.
            if (src[i] === "." && src[i + 1] !== "." && !/[A-Za-z_]/.test(src[i + 1] ?? "")) {
                i++;
                while (i < n && /[0-9_]/.test(src[i])) {
                    i++;
                }
            }
            if ((src[i] === "e" || src[i] === "E") && /[0-9+-]/.test(src[i + 1] ?? "")) {
                i++;
                if (src[i] === "+" || src[i] === "-") {
                    i++;
                }
                if (!/[0-9]/.test(src[i] ?? "")) {
                    throw new ExprError("invalid number exponent", i + 1);
                }
                while (i < n && /[0-9]/.test(src[i])) {
                    i++;
                }
            }
            text = src.slice(start, i);
            if (/[A-Za-z_]/.test(src[i] ?? "")) {
                throw new ExprError(`invalid number literal "${text}${src[i]}"`, start + 1);
            }
            tokens.push({ k: "num", v: text, pos: start, num: Number(text.replace(/_/g, "")) });
            continue;
        }
        if (c === "." && /[0-9]/.test(src[i + 1] ?? "")) {
            // expr reads `.5` as a number.
            const start = i;
            i++;
            while (i < n && /[0-9_]/.test(src[i])) {
                i++;
            }
            const text = src.slice(start, i);
            tokens.push({ k: "num", v: text, pos: start, num: Number(`0${text.replace(/_/g, "")}`) });
            continue;
        }
        if (/[A-Za-z_$]/.test(c)) {
            const start = i;
            while (i < n && /[A-Za-z0-9_$]/.test(src[i])) {
                i++;
            }
            tokens.push({ k: "id", v: src.slice(start, i), pos: start });
            continue;
        }
        if (c === '"' || c === "'") {
            const start = i;
            i++;
            let value = "";
            while (i < n && src[i] !== c) {
                if (src[i] === "\\") {
                    i++;
                    if (i >= n) {
                        break;
                    }
                }
                value += src[i];
                i++;
            }
            if (i >= n) {
                throw new ExprError("unterminated string literal", start + 1);
            }
            i++;
            tokens.push({ k: "str", v: value, pos: start });
            continue;
        }
        if (c === "`") {
            const end = src.indexOf("`", i + 1);
            if (end < 0) {
                throw new ExprError("unterminated raw string literal", i + 1);
            }
            tokens.push({ k: "str", v: src.slice(i + 1, end), pos: i });
            i = end + 1;
            continue;
        }
        const op = OPERATORS.find((o) => src.startsWith(o, i));
        if (op === undefined) {
            throw new ExprError(`unexpected character "${c}"`, i + 1);
        }
        // `?.` followed by a digit is a ternary with a decimal (a ?.5 : 1); expr treats it so too.
        if (op === "?." && /[0-9]/.test(src[i + 2] ?? "")) {
            tokens.push({ k: "op", v: "?", pos: i });
            i += 1;
            continue;
        }
        tokens.push({ k: "op", v: op, pos: i });
        i += op.length;
    }
    tokens.push({ k: "eof", v: "", pos: n });
    return tokens;
}

/** Binary operators and their precedence (expr parser/operator), with right associativity marked. */
const BINARY: Record<string, { p: number; right?: boolean }> = {
    "or": { p: 10 }, "||": { p: 10 },
    "and": { p: 15 }, "&&": { p: 15 },
    "==": { p: 20 }, "!=": { p: 20 }, "<": { p: 20 }, ">": { p: 20 }, "<=": { p: 20 }, ">=": { p: 20 },
    "in": { p: 20 }, "matches": { p: 20 }, "contains": { p: 20 }, "startsWith": { p: 20 }, "endsWith": { p: 20 },
    "..": { p: 25 },
    "+": { p: 30 }, "-": { p: 30 },
    "*": { p: 60 }, "/": { p: 60 }, "%": { p: 60 },
    "**": { p: 100, right: true }, "^": { p: 100, right: true },
    "??": { p: 500 },
};
const NEGATABLE = new Set(["in", "matches", "contains", "startsWith", "endsWith"]);
const UNARY: Record<string, number> = { "not": 50, "!": 50, "-": 90, "+": 90 };
const RESERVED = new Set(["true", "false", "nil", "not", "and", "or", "in", "matches", "contains", "startsWith", "endsWith", "let"]);

class Parser {
    private i = 0;
    private closureDepth = 0;

    constructor(private readonly tokens: Token[]) {}

    private peek(offset = 0): Token {
        return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
    }

    private next(): Token {
        const token = this.tokens[this.i];
        if (this.i < this.tokens.length - 1) {
            this.i++;
        }
        return token;
    }

    private isOp(v: string, offset = 0): boolean {
        const t = this.peek(offset);
        return t.k === "op" && t.v === v;
    }

    private expect(v: string): Token {
        const t = this.peek();
        if (t.k !== "op" || t.v !== v) {
            throw this.unexpected(t, `expected "${v}"`);
        }
        return this.next();
    }

    private unexpected(t: Token, hint?: string): ExprError {
        const what = t.k === "eof" ? "unexpected end of expression" : `unexpected token "${t.v}"`;
        return new ExprError(hint === undefined ? what : `${what}, ${hint}`, t.pos + 1);
    }

    parseProgram(): Node {
        const node = this.parseSequence();
        const t = this.peek();
        if (t.k !== "eof") {
            throw this.unexpected(t);
        }
        return node;
    }

    /** `let x = a; body`, or an expression. */
    private parseSequence(): Node {
        const t = this.peek();
        if (t.k === "id" && t.v === "let") {
            this.next();
            const name = this.next();
            if (name.k !== "id" || RESERVED.has(name.v)) {
                throw this.unexpected(name, "expected a variable name after let");
            }
            this.expect("=");
            const value = this.parseConditional();
            this.expect(";");
            const body = this.parseSequence();
            return { t: "let", name: name.v, value, body };
        }
        return this.parseConditional();
    }

    private parseConditional(): Node {
        const c = this.parseBinary(0);
        if (this.isOp("?")) {
            this.next();
            // expr also accepts the short form `a ?: b`.
            if (this.isOp(":")) {
                this.next();
                const b = this.parseConditional();
                return { t: "cond", c, a: c, b };
            }
            const a = this.parseConditional();
            this.expect(":");
            const b = this.parseConditional();
            return { t: "cond", c, a, b };
        }
        return c;
    }

    private binaryOp(): { op: string; p: number; right?: boolean; width: number } | undefined {
        const t = this.peek();
        if (t.k === "op" || t.k === "id") {
            if (t.k === "id" && t.v === "not") {
                const after = this.peek(1);
                if (after.k === "id" && NEGATABLE.has(after.v)) {
                    return { op: `not ${after.v}`, p: BINARY[after.v].p, width: 2 };
                }
                return undefined;
            }
            const info = Object.prototype.hasOwnProperty.call(BINARY, t.v) ? BINARY[t.v] : undefined;
            if (info !== undefined) {
                return { op: t.v, ...info, width: 1 };
            }
        }
        return undefined;
    }

    private parseBinary(minPrecedence: number): Node {
        let left = this.parseUnary();
        for (;;) {
            // `x | f(y)` means `f(x, y)`; the pipe binds loosest and the expression goes on after it.
            if (minPrecedence === 0 && this.isOp("|")) {
                this.next();
                const fn = this.next();
                if (fn.k !== "id") {
                    throw this.unexpected(fn, "expected a function name after |");
                }
                const args: Node[] = [left];
                if (this.isOp("(")) {
                    args.push(...this.parseArguments());
                }
                left = { t: "call", f: { t: "id", name: fn.v, pos: fn.pos }, args };
                continue;
            }
            const op = this.binaryOp();
            if (op === undefined || op.p < minPrecedence) {
                return left;
            }
            for (let k = 0; k < op.width; k++) {
                this.next();
            }
            const right = this.parseBinary(op.right === true ? op.p : op.p + 1);
            left = { t: "bin", op: op.op, l: left, r: right };
        }
    }

    private parseUnary(): Node {
        const t = this.peek();
        const key = t.k === "op" || (t.k === "id" && t.v === "not") ? t.v : undefined;
        if (key !== undefined && Object.prototype.hasOwnProperty.call(UNARY, key)) {
            this.next();
            const x = this.parseBinary(UNARY[key]);
            return { t: "un", op: key, x };
        }
        return this.parsePostfix(this.parsePrimary());
    }

    private parseArguments(): Node[] {
        this.expect("(");
        const args: Node[] = [];
        while (!this.isOp(")")) {
            args.push(this.parseArgument());
            if (!this.isOp(",")) {
                break;
            }
            this.next();
        }
        this.expect(")");
        return args;
    }

    /** A call argument; a predicate such as `# > 0.9` or `{# > 0.9}` becomes a closure. */
    private parseArgument(): Node {
        if (this.isOp("{") && this.looksLikeClosure()) {
            this.next();
            this.closureDepth++;
            const body = this.parseSequence();
            this.closureDepth--;
            this.expect("}");
            return { t: "closure", body };
        }
        this.closureDepth++;
        const node = this.parseSequence();
        this.closureDepth--;
        return node;
    }

    /** `{` opens a closure unless it is a map literal (`{}` or `{key: ...}`). */
    private looksLikeClosure(): boolean {
        const a = this.peek(1);
        const b = this.peek(2);
        if (a.k === "op" && a.v === "}") {
            return false;
        }
        if ((a.k === "id" || a.k === "str" || a.k === "num") && b.k === "op" && b.v === ":") {
            return false;
        }
        return true;
    }

    private parsePrimary(): Node {
        const t = this.next();
        switch (t.k) {
            case "num":
                return { t: "num", v: t.num ?? Number.NaN };
            case "str":
                return { t: "str", v: t.v };
            case "id":
                if (t.v === "true" || t.v === "false") {
                    return { t: "bool", v: t.v === "true" };
                }
                if (t.v === "nil") {
                    return { t: "nil" };
                }
                if (RESERVED.has(t.v)) {
                    throw this.unexpected(t);
                }
                return { t: "id", name: t.v, pos: t.pos };
            case "op":
                break;
            case "eof":
                throw this.unexpected(t);
        }
        switch (t.v) {
            case "(": {
                const inner = this.parseSequence();
                this.expect(")");
                return inner;
            }
            case "[": {
                const items: Node[] = [];
                while (!this.isOp("]")) {
                    items.push(this.parseConditional());
                    if (!this.isOp(",")) {
                        break;
                    }
                    this.next();
                }
                this.expect("]");
                return { t: "arr", items };
            }
            case "{": {
                const entries: Array<readonly [Node, Node]> = [];
                while (!this.isOp("}")) {
                    const keyToken = this.next();
                    let key: Node;
                    if (keyToken.k === "id" || keyToken.k === "str") {
                        key = { t: "str", v: keyToken.v };
                    } else if (keyToken.k === "num") {
                        key = { t: "num", v: keyToken.num ?? Number.NaN };
                    } else if (keyToken.k === "op" && keyToken.v === "(") {
                        key = this.parseSequence();
                        this.expect(")");
                    } else {
                        throw this.unexpected(keyToken, "expected a map key");
                    }
                    this.expect(":");
                    entries.push([key, this.parseConditional()]);
                    if (!this.isOp(",")) {
                        break;
                    }
                    this.next();
                }
                this.expect("}");
                return { t: "map", entries };
            }
            case "#": {
                const name = this.peek();
                if (name.k === "id" && (name.v === "index" || name.v === "acc") && name.pos === t.pos + 1) {
                    this.next();
                    return { t: "ptr", name: name.v };
                }
                return { t: "ptr", name: "" };
            }
            case ".": {
                // `.field` inside a predicate is a member of the current element.
                const name = this.next();
                if (name.k !== "id" || this.closureDepth === 0) {
                    throw this.unexpected(t);
                }
                return { t: "member", x: { t: "ptr", name: "" }, prop: name.v, optional: false };
            }
            default:
                throw this.unexpected(t);
        }
    }

    private parsePostfix(node: Node): Node {
        for (;;) {
            if (this.isOp(".") || this.isOp("?.")) {
                const optional = this.next().v === "?.";
                if (optional && this.isOp("[")) {
                    this.next();
                    const i = this.parseSequence();
                    this.expect("]");
                    node = { t: "index", x: node, i, optional };
                    continue;
                }
                const name = this.next();
                if (name.k !== "id") {
                    throw this.unexpected(name, "expected a field name");
                }
                node = { t: "member", x: node, prop: name.v, optional };
                continue;
            }
            if (this.isOp("[")) {
                this.next();
                let from: Node | undefined;
                if (!this.isOp(":")) {
                    from = this.parseSequence();
                }
                if (this.isOp(":")) {
                    this.next();
                    const to = this.isOp("]") ? undefined : this.parseSequence();
                    this.expect("]");
                    node = { t: "slice", x: node, from, to };
                    continue;
                }
                this.expect("]");
                if (from === undefined) {
                    throw this.unexpected(this.peek(-1), "expected an index");
                }
                node = { t: "index", x: node, i: from, optional: false };
                continue;
            }
            if (this.isOp("(")) {
                if (node.t !== "id" && node.t !== "member") {
                    throw this.unexpected(this.peek(), "only functions and methods can be called");
                }
                node = { t: "call", f: node, args: this.parseArguments() };
                continue;
            }
            return node;
        }
    }
}

/** Visits every node of a tree, depth first, parents before children. */
export function walk(node: Node, visit: (n: Node) => void): void {
    visit(node);
    for (const child of childrenOf(node)) {
        walk(child, visit);
    }
}

/** The direct children of a node. */
export function childrenOf(node: Node): Node[] {
    switch (node.t) {
        case "un":
            return [node.x];
        case "bin":
            return [node.l, node.r];
        case "cond":
            return [node.c, node.a, node.b];
        case "member":
            return [node.x];
        case "index":
            return [node.x, node.i];
        case "slice":
            return [node.x, ...(node.from ? [node.from] : []), ...(node.to ? [node.to] : [])];
        case "call":
            return [node.f, ...node.args];
        case "arr":
            return [...node.items];
        case "map":
            return node.entries.flatMap(([k, v]) => [k, v]);
        case "closure":
            return [node.body];
        case "let":
            return [node.value, node.body];
        default:
            return [];
    }
}

/** Names used but neither in the controller's environment, expr's builtins, nor bound by `let`. */
export function unknownNames(root: Node): string[] {
    const out: string[] = [];
    const visit = (node: Node, bound: ReadonlySet<string>): void => {
        if (node.t === "id") {
            if (!CONTROLLER_ENV.has(node.name) && !EXPR_BUILTINS.has(node.name) && !bound.has(node.name) && !out.includes(node.name)) {
                out.push(node.name);
            }
            return;
        }
        if (node.t === "member") {
            visit(node.x, bound);
            return;
        }
        if (node.t === "map") {
            for (const [key, value] of node.entries) {
                if (key.t !== "str" && key.t !== "num") {
                    visit(key, bound);
                }
                visit(value, bound);
            }
            return;
        }
        if (node.t === "let") {
            visit(node.value, bound);
            visit(node.body, new Set([...bound, node.name]));
            return;
        }
        for (const child of childrenOf(node)) {
            visit(child, bound);
        }
    };
    visit(root, new Set());
    return out;
}

/** The outcome of parsing a condition. */
export type ParseResult = { readonly ok: true; readonly ast: Node } | { readonly ok: false; readonly error: string };

const cache = new Map<string, ParseResult>();

/**
 * Parses a condition. `{{args.x}}` placeholders are replaced by a number first, as the controller
 * resolves them before compiling. Results are cached, since the same condition is often repeated.
 */
export function parseCondition(source: string): ParseResult {
    const hit = cache.get(source);
    if (hit !== undefined) {
        return hit;
    }
    let result: ParseResult;
    try {
        const text = source.replace(/\{\{[^}]*\}\}/g, "0");
        if (text.trim() === "") {
            throw new ExprError("empty expression", 1);
        }
        result = { ok: true, ast: new Parser(tokenize(text)).parseProgram() };
    } catch (e) {
        if (!(e instanceof ExprError)) {
            throw e;
        }
        result = { ok: false, error: e.message };
    }
    if (cache.size > 10_000) {
        cache.clear();
    }
    cache.set(source, result);
    return result;
}

// ---------------------------------------------------------------------------------------------
// Questions the rules ask about a parsed condition.

function isResult(node: Node): boolean {
    return node.t === "id" && node.name === "result";
}

function isLenOfResult(node: Node): boolean {
    return node.t === "call" && node.f.t === "id" && node.f.name === "len" && node.args.length === 1 && isResult(node.args[0]);
}

const FLIP: Record<string, string> = { "==": "==", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<=" };

/** `len(result) OP n` normalised with len on the left, or undefined. */
function lenComparison(node: Node): { op: string; n: number } | undefined {
    if (node.t !== "bin" || FLIP[node.op] === undefined) {
        return undefined;
    }
    if (isLenOfResult(node.l) && node.r.t === "num") {
        return { op: node.op, n: node.r.v };
    }
    if (isLenOfResult(node.r) && node.l.t === "num") {
        return { op: FLIP[node.op], n: node.l.v };
    }
    return undefined;
}

/** True for a test that holds exactly when the result is empty (`len(result) == 0`, `< 1`, `<= 0`). */
function isEmptyTest(node: Node): boolean {
    const c = lenComparison(node);
    return c !== undefined && ((c.op === "==" && c.n === 0) || (c.op === "<" && c.n === 1) || (c.op === "<=" && c.n === 0));
}

/** True for a test that holds exactly when the result is not empty (`> 0`, `!= 0`, `>= 1`). */
function isNonEmptyTest(node: Node): boolean {
    const c = lenComparison(node);
    return c !== undefined && ((c.op === ">" && c.n === 0) || (c.op === "!=" && c.n === 0) || (c.op === ">=" && c.n === 1));
}

/** Builtins that read elements of a collection; on an empty result they error or pass vacuously. */
const ELEMENT_READERS = new Set([
    "all", "none", "any", "one", "filter", "map", "count", "sum", "mean", "median", "max", "min", "first", "last",
    "find", "findIndex", "findLast", "findLastIndex", "reduce", "sort", "sortBy", "groupBy",
]);

function flatten(node: Node, ops: ReadonlySet<string>): Node[] {
    if (node.t === "bin" && ops.has(node.op)) {
        return [...flatten(node.l, ops), ...flatten(node.r, ops)];
    }
    return [node];
}

const OR = new Set(["||", "or"]);
const AND = new Set(["&&", "and"]);

/**
 * Finds the first place where evaluating the condition on an empty result reads an element without
 * a `len(result)` test that short-circuits first. Returns a description of that read, or undefined
 * when the empty result is guarded (or never read element-wise, as with a scalar query).
 */
export function unguardedElementRead(node: Node): string | undefined {
    if (node.t === "bin" && OR.has(node.op)) {
        for (const part of flatten(node, OR)) {
            if (isEmptyTest(part)) {
                return undefined;
            }
            const read = unguardedElementRead(part);
            if (read !== undefined) {
                return read;
            }
        }
        return undefined;
    }
    if (node.t === "bin" && AND.has(node.op)) {
        for (const part of flatten(node, AND)) {
            if (isNonEmptyTest(part)) {
                return undefined;
            }
            const read = unguardedElementRead(part);
            if (read !== undefined) {
                return read;
            }
        }
        return undefined;
    }
    if (node.t === "cond") {
        if (isEmptyTest(node.c)) {
            return unguardedElementRead(node.a);
        }
        if (isNonEmptyTest(node.c)) {
            return unguardedElementRead(node.b);
        }
        return unguardedElementRead(node.c) ?? unguardedElementRead(node.a) ?? unguardedElementRead(node.b);
    }
    if ((node.t === "index" || node.t === "slice") && isResult(node.x)) {
        return "result[...]";
    }
    if (node.t === "call" && node.f.t === "id" && ELEMENT_READERS.has(node.f.name) && node.args.length > 0 && isResult(node.args[0])) {
        return `${node.f.name}(result, ...)`;
    }
    for (const child of childrenOf(node)) {
        const read = unguardedElementRead(child);
        if (read !== undefined) {
            return read;
        }
    }
    return undefined;
}

/** True when the condition reads the result at all. */
export function readsResult(node: Node): boolean {
    let found = false;
    walk(node, (n) => {
        if (isResult(n)) {
            found = true;
        }
    });
    return found;
}

/** True when the condition calls isNaN (on anything); that is how a NaN result is told apart. */
export function callsIsNaN(node: Node): boolean {
    let found = false;
    walk(node, (n) => {
        if (n.t === "call" && n.f.t === "id" && n.f.name === "isNaN") {
            found = true;
        }
    });
    return found;
}
