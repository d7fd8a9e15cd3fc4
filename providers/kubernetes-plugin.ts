// Copyright 2026, airgap-platform authors.
//
// The kubernetes provider plugin is built here from the one source commit the Go module proxy serves, so
// its version is not the npm SDK's. Every k8s.Provider names it explicitly; tools/providers/pins.txt,
// which scripts/setup-toolchain.sh builds from, is the one place it is written.

import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../lib/repo-root";

const PINS = path.join(REPO_ROOT, "tools", "providers", "pins.txt");

/** The version of the kubernetes plugin that scripts/setup-toolchain.sh installs. */
export function kubernetesPluginVersion(pinsFile = PINS): string {
    const line = fs.readFileSync(pinsFile, "utf8").split("\n").map((l) => l.trim())
        .find((l) => l.startsWith("kubernetes "));
    // NAME MODULE VERSION PACKAGE ...: the plugin version is the Go module version without its leading v.
    const version = line?.split(/\s+/)[2];
    if (!version?.startsWith("v")) {
        throw new Error(`${pinsFile} has no 'kubernetes <module> v<plugin-version> <package>' line`);
    }
    return version.slice(1);
}
