// Copyright 2026, airgap-platform authors.
//
// The one way a value enters a shell script that runs on a node. `shellQuote` turns any text into a single
// shell word that bash, dash and every POSIX shell read back byte for byte; `sh` builds scripts from a
// template whose literal text is code and whose every interpolated value goes through `shellQuote`, so a
// configured path, address or name can never become code.

/** Shell code built by {@link sh}: inserted as code, not quoted, when interpolated into another `sh` template. */
export class ShellCode {
    constructor(readonly text: string) {}

    toString(): string {
        return this.text;
    }
}

/** What `sh` accepts: values (quoted, one word each; a list gives one word per item) and code fragments. */
export type ShellPart = string | number | ShellCode | readonly (string | number)[];

/**
 * One shell word that reads back as exactly `value`. Inside single quotes nothing is special but the quote
 * itself, which is closed, written escaped and reopened. NUL cannot be part of any shell word, so it is refused.
 */
export function shellQuote(value: string | number): string {
    const text = String(value);
    if (text.includes("\0")) {
        throw new Error("a NUL character cannot be passed to a shell");
    }
    return `'${text.replace(/'/g, "'\\''")}'`;
}

/** Template tag: literal text is code, every `${value}` is one quoted word (a `ShellCode` fragment stays code). */
export function sh(literals: TemplateStringsArray, ...parts: ShellPart[]): ShellCode {
    let text = literals[0];
    parts.forEach((part, i) => {
        const inserted = part instanceof ShellCode ? part.text
            : Array.isArray(part) ? part.map(shellQuote).join(" ")
                : shellQuote(part as string | number);
        text += inserted + literals[i + 1];
    });
    return new ShellCode(text);
}

/** Script lines, one after another. */
export function shLines(...lines: ShellCode[]): ShellCode {
    return new ShellCode(lines.map((line) => line.text).join("\n"));
}
