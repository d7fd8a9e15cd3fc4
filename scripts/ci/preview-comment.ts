// Copyright 2026, airgap-platform authors.
//
// The pull request's one comment, as Markdown, from what the preview step collected: per stack the preview
// JSON of `pulumi preview --json` (display.PreviewDigest of pulumi 3.260: steps with op, urn, old/new state,
// diffReasons, replaceReasons, detailedDiff), the policy pack's violations (policyEvent lines of the engine's
// event log: `--json` leaves them out), and the manifest linter's JSON output. Pure functions: no I/O.
//
// Secrets: the CLI already masks secret values as "[secret]" in the preview JSON; this renderer still never
// prints a value found under a secret (the "[secret]" string or Pulumi's secret signature object), so a
// property inside a secret shows as [secret] on both sides.

/** Hidden marker that finds the comment again on later pushes. */
export const COMMENT_MARKER = "<!-- airgap-platform:pr-preview -->";

/**
 * Where the comment is cut. Gitea 1.26 stores a comment body as LONGTEXT and its API binding only requires it
 * to be non-empty, but its Markdown renderer stops at 3 x [ui] MAX_DISPLAY_FILE_SIZE of HTML (24 MiB by
 * default) and a pull request page with a multi-megabyte comment is unusable: the comment is cut far below
 * that (docs/pr-previews.md).
 */
export const DEFAULT_MAX_CHARS = 60_000;

/** Pulumi's marker of a secret value in serialized state. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export interface PreviewStep {
    op: string;
    urn: string;
    oldState?: { type?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
    newState?: { type?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
    diffReasons?: string[];
    replaceReasons?: string[];
    detailedDiff?: Record<string, { kind: string; inputDiff?: boolean }> | null;
}

export interface PreviewDigest {
    steps?: PreviewStep[];
    diagnostics?: { urn?: string; message?: string; severity?: string }[];
    changeSummary?: Record<string, number>;
}

export interface Violation {
    level: "mandatory" | "advisory";
    /** Resource name (URN's last part) or kind/namespace/name for the linter. */
    resource: string;
    rule: string;
    message: string;
}

export interface StackResult {
    stack: string;
    /** Parsed preview JSON; absent when the CLI printed none (it failed before the preview). */
    preview?: PreviewDigest;
    /** Policy violations reported by the pack during the preview. */
    violations: Violation[];
    /** Why the preview failed, when it did for a reason other than a mandatory violation. */
    error?: string;
}

export interface LintResult {
    paths: string[];
    violations: Violation[];
    /** Why the linter could not check (exit 2: unreadable input, no resources). */
    error?: string;
}

export interface CommentInput {
    stacks: StackResult[];
    lint?: LintResult;
    /** Commit the preview ran on. */
    commit?: string;
    /** Where the full output is (the job's log URL); named in the cut note. */
    fullOutput?: string;
}

export interface RenderedComment {
    body: string;
    /** The job must fail: a mandatory violation, a failed preview or a linter that could not check. */
    failed: boolean;
    /** Why, one line each (also at the top of the comment). */
    reasons: string[];
    truncated: boolean;
}

/** Order of the table: deletes and replaces first. */
const OP_ORDER: Record<string, number> = { delete: 0, replace: 1, create: 2, import: 3, update: 4 };
const OP_LABEL: Record<string, string> = { delete: "delete", replace: "replace", create: "create", import: "import", update: "update" };

/** The displayed operation of a step, or undefined for steps that change nothing shown. */
function displayOp(op: string): string | undefined {
    switch (op) {
        case "delete":
        case "delete-replaced":
        case "discard":
        case "discard-replaced":
            return "delete";
        case "replace":
        case "create-replacement":
        case "read-replacement":
        case "import-replacement":
            return "replace";
        case "create":
            return "create";
        case "import":
            return "import";
        case "update":
            return "update";
        default:
            return undefined;
    }
}

/** `name` and `type` of a URN (urn:pulumi:stack::project::[parent$]type::name). */
export function urnParts(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    const name = parts.length >= 4 ? parts.slice(3).join("::") : urn;
    const types = (parts[2] ?? "").split("$");
    return { type: types[types.length - 1] || "?", name };
}

function isSecret(v: unknown): boolean {
    return v === "[secret]" || (typeof v === "object" && v !== null && SECRET_SIG in (v as Record<string, unknown>));
}

/** The value at a detailedDiff path ("spec.containers[0].image", `metadata.labels["a.b/c"]`), or [secret]. */
export function valueAt(root: unknown, path: string): { found: boolean; secret: boolean; value?: unknown } {
    const keys: string[] = [];
    const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
    for (let m = re.exec(path); m; m = re.exec(path)) {
        keys.push(m[1] ?? m[2] ?? JSON.parse(`"${m[3]}"`));
    }
    let cur: unknown = root;
    for (const k of keys) {
        if (isSecret(cur)) {
            return { found: true, secret: true };
        }
        if (cur === null || typeof cur !== "object" || !(k in (cur as object))) {
            return { found: false, secret: false };
        }
        cur = (cur as Record<string, unknown>)[k];
    }
    return isSecret(cur) ? { found: true, secret: true } : { found: true, secret: false, value: cur };
}

/** One value for a table cell: JSON, shortened, with the characters Markdown tables break on escaped. */
function shown(v: { found: boolean; secret: boolean; value?: unknown }): string {
    if (v.secret) {
        return "[secret]";
    }
    if (!v.found) {
        return "(none)";
    }
    const text = JSON.stringify(v.value) ?? "null";
    const short = text.length > 80 ? `${text.slice(0, 77)}...` : text;
    return `\`${short.replace(/`/g, "'")}\``;
}

/** Markdown table cell text: no pipes or line breaks. */
function cell(text: string): string {
    return text.replace(/\r?\n+/g, " ").replace(/\|/g, "\\|").trim();
}

interface Change {
    op: string;
    name: string;
    type: string;
    /** Property paths with their old and new values, in the CLI's order. */
    properties: { path: string; kind: string; before: string; after: string }[];
}

/** The changes of one preview, one per resource, deletes and replaces first. */
export function changesOf(preview: PreviewDigest): Change[] {
    const byUrn = new Map<string, Change & { rank: number; index: number }>();
    (preview.steps ?? []).forEach((step, index) => {
        const op = displayOp(step.op);
        if (!op || step.urn.includes("::pulumi:pulumi:Stack::")) {
            return;
        }
        const existing = byUrn.get(step.urn);
        // A replacement can appear as several steps (create-replacement, replace, delete-replaced): keep one.
        if (existing && OP_ORDER[existing.op] <= OP_ORDER[op]) {
            return;
        }
        const { type, name } = urnParts(step.urn);
        const oldInputs = step.oldState?.inputs;
        const newInputs = step.newState?.inputs;
        const replaceKeys = new Set(step.replaceReasons ?? []);
        const paths = step.detailedDiff ? Object.entries(step.detailedDiff) : (step.diffReasons ?? []).map((k) => [k, replaceKeys.has(k) ? "update-replace" : "update"] as const);
        const properties = op === "create" || op === "delete"
            ? []
            : paths.map(([p, d]) => {
                const kind = typeof d === "string" ? d : d.kind;
                return { path: p, kind, before: shown(valueAt(oldInputs, p)), after: shown(valueAt(newInputs, p)) };
            });
        byUrn.set(step.urn, { op, name, type, properties, rank: OP_ORDER[op], index });
    });
    return [...byUrn.values()].sort((a, b) => a.rank - b.rank || a.index - b.index)
        .map(({ op, name, type, properties }) => ({ op, name, type, properties }));
}

/**
 * A policy event's message is the rule's description, a line break, then what this resource does wrong
 * (CrossGuard joins them); the description is the same for every violation of the rule, so only the rest is kept.
 */
function specificPart(message: string): string {
    const lines = message.trim().split("\n");
    return (lines.length > 1 ? lines.slice(1) : lines).join(" ").trim();
}

/** Violations from an engine event log (JSON lines): its policyEvent entries. */
export function violationsFromEventLog(text: string): Violation[] {
    const out: Violation[] = [];
    for (const line of text.split("\n")) {
        if (!line.includes("\"policyEvent\"")) {
            continue;
        }
        const e = JSON.parse(line).policyEvent as { resourceUrn?: string; message: string; policyName: string; enforcementLevel: string };
        out.push({
            level: e.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
            resource: e.resourceUrn ? urnParts(e.resourceUrn).name : "(stack)",
            rule: e.policyName,
            message: specificPart(e.message),
        });
    }
    return out;
}

/** Violations from `npm run lint:manifests -- --format json` (policy/cli/lint-manifests.ts); files shown relative to `root`. */
export function violationsFromLint(json: string, root?: string): Violation[] {
    const relative = (file: string) => (root && file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file);
    const parsed = JSON.parse(json) as { findings: { rule: string; level: string; message: string; kind: string; namespace?: string; name?: string; file?: string }[] };
    return parsed.findings.map((f) => ({
        level: f.level === "mandatory" ? "mandatory" : "advisory",
        resource: `${f.kind} ${[f.namespace, f.name].filter(Boolean).join("/")}${f.file ? ` (${relative(f.file)})` : ""}`,
        rule: f.rule,
        message: f.message.trim(),
    }));
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "1 to delete, 2 to replace, ..." in table order; "no changes" when nothing changes. */
function summaryLine(changes: Change[], unchanged: number): string {
    const counts = Object.keys(OP_ORDER).map((op) => [op, changes.filter((c) => c.op === op).length] as const).filter(([, n]) => n > 0);
    const parts = counts.map(([op, n]) => `${n} to ${OP_LABEL[op]}`);
    return `${parts.length > 0 ? parts.join(", ") : "no changes"}${unchanged > 0 ? `, ${unchanged} unchanged` : ""}`;
}

/** A line of the comment and what it is, to count what a cut leaves out. */
interface Line {
    text: string;
    /** Counted as left out when cut. */
    counts?: "resource" | "property" | "violation";
    /** Opens or closes a <details> block (a cut inside one closes it). */
    details?: "open" | "close";
}

function violationLines(title: string, violations: Violation[]): Line[] {
    const lines: Line[] = [];
    for (const level of ["mandatory", "advisory"] as const) {
        const group = violations.filter((v) => v.level === level);
        if (group.length === 0) {
            continue;
        }
        lines.push({ text: "" }, { text: `**${title}: ${level} (${group.length})**` }, { text: "" },
            { text: "| resource | rule | message |" }, { text: "|---|---|---|" });
        for (const v of group) {
            lines.push({ text: `| \`${cell(v.resource)}\` | \`${v.rule}\` | ${cell(v.message)} |`, counts: "violation" });
        }
    }
    return lines;
}

/**
 * The whole comment as lines, most important first, so that a cut drops the least important: verdict and
 * reasons; per stack its summary line, error and violations; the linter; then per stack the table of changes;
 * then the property changes.
 */
function commentLines(input: CommentInput, reasons: string[]): Line[] {
    const lines: Line[] = [{ text: COMMENT_MARKER }];
    lines.push({ text: `### Pulumi preview and policy check: ${reasons.length > 0 ? "blocked" : "passes"}` }, { text: "" });
    lines.push({ text: [input.commit ? `commit \`${input.commit.slice(0, 12)}\`` : undefined, plural(input.stacks.length, "stack")].filter(Boolean).join(" · ") });
    if (reasons.length > 0) {
        lines.push({ text: "" }, { text: "This pull request cannot be applied as it is:" });
        reasons.forEach((r) => lines.push({ text: `- ${r}` }));
    }
    const changes = new Map(input.stacks.map((s) => [s.stack, s.preview ? changesOf(s.preview) : []]));
    for (const s of input.stacks) {
        lines.push({ text: "" }, { text: `#### Stack \`${s.stack}\`` }, { text: "" });
        if (s.error) {
            lines.push({ text: `The preview failed: ${cell(s.error)}` });
        }
        if (s.preview) {
            const unchanged = (s.preview.steps ?? []).filter((st) => st.op === "same" && !st.urn.includes("::pulumi:pulumi:Stack::")).length;
            lines.push({ text: summaryLine(changes.get(s.stack)!, unchanged) });
        }
        lines.push(...violationLines("Policy", s.violations));
    }
    if (input.lint) {
        const m = input.lint.violations.filter((v) => v.level === "mandatory").length;
        lines.push({ text: "" }, { text: "#### Manifests (`npm run lint:manifests`)" }, { text: "" });
        lines.push({ text: `${input.lint.paths.map((p) => `\`${p}\``).join(", ")}: ${input.lint.error ? `could not be checked: ${cell(input.lint.error)}` : `${m} mandatory, ${input.lint.violations.length - m} advisory`}` });
        lines.push(...violationLines("Linter", input.lint.violations));
    }
    for (const s of input.stacks) {
        const list = changes.get(s.stack)!;
        if (list.length === 0) {
            continue;
        }
        lines.push({ text: "" }, { text: `#### Changes of \`${s.stack}\`` }, { text: "" });
        lines.push({ text: "| | resource | type | properties that change |" }, { text: "|---|---|---|---|" });
        for (const c of list) {
            const props = c.properties.map((p) => `\`${p.path}\`${p.kind.endsWith("replace") ? " (replaces)" : ""}`).join(", ");
            lines.push({ text: `| ${OP_LABEL[c.op]} | \`${cell(c.name)}\` | \`${c.type}\` | ${props} |`, counts: "resource" });
        }
    }
    for (const s of input.stacks) {
        const withProps = changes.get(s.stack)!.filter((c) => c.properties.length > 0);
        if (withProps.length === 0) {
            continue;
        }
        lines.push({ text: "" }, { text: `<details><summary>Property changes of <code>${s.stack}</code></summary>`, details: "open" }, { text: "" });
        for (const c of withProps) {
            lines.push({ text: `- ${OP_LABEL[c.op]} \`${cell(c.name)}\`` });
            for (const p of c.properties) {
                lines.push({ text: `  - \`${p.path}\`: ${p.before} → ${p.after}${p.kind.endsWith("replace") ? " (forces replacement)" : ""}`, counts: "property" });
            }
        }
        lines.push({ text: "" }, { text: "</details>", details: "close" });
    }
    return lines;
}

/** Why the job fails, one line per cause. */
export function failureReasons(input: CommentInput): string[] {
    const reasons: string[] = [];
    for (const s of input.stacks) {
        if (s.error) {
            reasons.push(`the preview of stack \`${s.stack}\` failed`);
        }
        const m = s.violations.filter((v) => v.level === "mandatory");
        if (m.length > 0) {
            reasons.push(`stack \`${s.stack}\`: ${plural(m.length, "mandatory policy violation")} (${[...new Set(m.map((v) => `\`${v.rule}\``))].join(", ")})`);
        }
    }
    if (input.lint?.error) {
        reasons.push("the manifest linter could not check the GitOps folders");
    }
    const lintMandatory = input.lint?.violations.filter((v) => v.level === "mandatory") ?? [];
    if (lintMandatory.length > 0) {
        reasons.push(`manifests: ${plural(lintMandatory.length, "mandatory finding")} (${[...new Set(lintMandatory.map((v) => `\`${v.rule}\``))].join(", ")})`);
    }
    return reasons;
}

/**
 * Renders the comment; over `maxChars` it is cut at a line (a table stays a table, an open <details> is
 * closed) and ends with a note saying how many resources, property changes and violations were left out
 * and where the full output is.
 */
export function renderComment(input: CommentInput, maxChars = DEFAULT_MAX_CHARS): RenderedComment {
    const reasons = failureReasons(input);
    const lines = commentLines(input, reasons);
    const full = lines.map((l) => l.text).join("\n");
    if (full.length <= maxChars) {
        return { body: full, failed: reasons.length > 0, reasons, truncated: false };
    }
    const where = input.fullOutput ? `the job log (${input.fullOutput})` : "the job log";
    const note = (left: Record<string, number>) => {
        const parts = [["resource", "resource row"], ["violation", "policy violation"], ["property", "property change"]]
            .filter(([k]) => left[k] > 0).map(([k, w]) => plural(left[k], w));
        return `\n\n> **Cut:** this comment is longer than ${maxChars.toLocaleString("en-US")} characters; left out: ${parts.join(", ") || "the rest"}. `
            + `The full comment is in ${where}; the step's \`ci-output/\` folder also holds each stack's preview JSON.`;
    };
    // Reserve room for the note (its numbers have at most 7 digits each) and a closing </details>.
    const budget = maxChars - note({ resource: 9e6, violation: 9e6, property: 9e6 }).length - "\n\n</details>".length;
    const kept: string[] = [];
    let size = 0;
    let cutAt = lines.length;
    let open = false;
    for (let i = 0; i < lines.length; i++) {
        const add = lines[i].text.length + 1;
        if (size + add > budget) {
            cutAt = i;
            break;
        }
        kept.push(lines[i].text);
        size += add;
        open = lines[i].details === "open" ? true : lines[i].details === "close" ? false : open;
    }
    const left: Record<string, number> = { resource: 0, violation: 0, property: 0 };
    lines.slice(cutAt).forEach((l) => { if (l.counts) left[l.counts]++; });
    const body = `${kept.join("\n")}${open ? "\n\n</details>" : ""}${note(left)}`;
    return { body, failed: reasons.length > 0, reasons, truncated: true };
}
