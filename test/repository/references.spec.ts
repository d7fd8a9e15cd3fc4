// Copyright 2026, airgap-platform authors.
//
// A clone of the repository is all a user has: no file may point at documents outside it (a sibling
// "shared" folder of notes, or the absolute path of the machine it was written on). Facts the code relies
// on live in docs/.

import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/** What points outside the repository. Built from parts so that this file does not match itself. */
const OUTSIDE: ReadonlyArray<{ what: string; pattern: RegExp }> = [
    { what: "a sibling shared/ folder", pattern: new RegExp(["\\.\\.", "shared"].join("/")) },
    { what: "the notes or seeds of a shared/ folder", pattern: new RegExp(`\\bshared/(${["notes", "seeds"].join("|")})\\b`) },
    { what: "an absolute path on the build machine", pattern: new RegExp(`(^|[\\s"'\`(=:,]|file://)/${"work"}/`) },
];

/** The repository's files: tracked ones and new ones not ignored (node_modules/ and dist/ are ignored). */
function repositoryFiles(): string[] {
    const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
    return listed.split("\0").filter((f) => f !== "" && fs.existsSync(path.join(ROOT, f)));
}

/** `file:line: what` for every line of the text files (relative to `root`) that points outside. */
function referencesOutside(root: string, files: readonly string[]): string[] {
    const found: string[] = [];
    for (const file of files) {
        const content = fs.readFileSync(path.join(root, file));
        if (content.includes(0)) {
            continue; // binary
        }
        content.toString("utf8").split("\n").forEach((line, i) => {
            for (const rule of OUTSIDE.filter((r) => r.pattern.test(line))) {
                found.push(`${file}:${i + 1}: ${rule.what}`);
            }
        });
    }
    return found;
}

describe("repository references", () => {
    it("lists the repository's files, this one included, and none under node_modules/ or dist/", () => {
        const files = repositoryFiles();
        assert.ok(files.includes("test/repository/references.spec.ts"));
        assert.ok(files.includes("package.json"));
        assert.deepStrictEqual(files.filter((f) => /^(node_modules|dist)\//.test(f)), []);
    });

    it("has no file that points at documents outside the repository", () => {
        assert.deepStrictEqual(referencesOutside(ROOT, repositoryFiles()), []);
    });

    it("recognises each kind of outside reference", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "references-"));
        try {
            const samples = [
                `see ../${"shared"}/${"notes"}/argo-facts.md`,
                `facts in shared/${"seeds"}/000.txt`,
                `cd /${"work"}/main && npm test`,
                `url: file:///${"work"}/x`,
                `a path such as /srv/${"work"}/x, or docs/argo-rollouts.md, is fine`,
            ];
            fs.writeFileSync(path.join(dir, "sample.md"), samples.join("\n"));
            fs.writeFileSync(path.join(dir, "blob.bin"), Buffer.from(`\0${samples[0]}`));
            assert.deepStrictEqual(referencesOutside(dir, ["sample.md", "blob.bin"]), [
                "sample.md:1: a sibling shared/ folder",
                "sample.md:1: the notes or seeds of a shared/ folder",
                "sample.md:2: the notes or seeds of a shared/ folder",
                "sample.md:3: an absolute path on the build machine",
                "sample.md:4: an absolute path on the build machine",
            ]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
