// Copyright 2026, airgap-platform authors.

import * as fs from "fs";
import * as path from "path";

/**
 * The repository's root folder, from this file's place: lib/repo-root.ts under ts-node, or
 * dist/lib/repo-root.js once compiled (tsconfig.build.json's outDir), whose parent has no package.json.
 */
export const REPO_ROOT = ((above: string) => fs.existsSync(path.join(above, "package.json")) ? above : path.dirname(above))(path.resolve(__dirname, ".."));
