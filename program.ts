// Copyright 2026, airgap-platform authors.
//
// What `pulumi up` runs: package.json's main is this file compiled (dist/program.js; Pulumi.yaml turns
// TypeScript off), so no run compiles TypeScript. A source edited since the build is rebuilt first, and
// index.ts (the program) is loaded only after that check: a run never uses stale JavaScript.

import { rebuildStaleDist } from "./lib/fresh-build";

// The SDK's runner installs source-map-support, which then maps every stack trace the SDK takes (one per promise
// it tracks, one per resource for its source position) through the source maps @pulumi/pulumi ships: about a
// second of CPU per run, all before the first step. dist/ has no source maps, so the program's own positions are
// the same either way: V8's own formatting is put back (docs/bootstrap-speed.md).
Reflect.deleteProperty(Error, "prepareStackTrace");
rebuildStaleDist();
// The stack's outputs are the exports of this module: index.ts's.
export = require("./index");
