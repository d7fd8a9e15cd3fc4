// Copyright 2026, airgap-platform authors.
//
// What `pulumi up` runs: package.json's main is this file compiled (dist/program.js; Pulumi.yaml turns
// TypeScript off), so no run compiles TypeScript. A source edited since the build is rebuilt first, and
// index.ts (the program) is loaded only after that check: a run never uses stale JavaScript.

import { rebuildStaleDist } from "./lib/fresh-build";

rebuildStaleDist();
// The stack's outputs are the exports of this module: index.ts's.
export = require("./index");
