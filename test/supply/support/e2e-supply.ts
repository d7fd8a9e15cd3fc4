// Copyright 2026, airgap-platform authors.
//
// The local (e2e) stack's supply, made the way an operator makes dev's in the connected zone: a throwaway
// "upstream" registry on a spare port gets small images made here, the test charts as OCI and a Trivy
// database stand-in; `artifacts:find --write` locks them (sources filled in as a person would), `bundle`
// copies them into the stack's supply.bundle. `pulumi up` then seeds 127.0.0.1:15000 from it.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findArtifacts } from "../../../supply/artifacts-find";
import { makeBundle } from "../../../supply/bundle";
import { formatLock, readLock } from "../../../supply/lock";
import { stackSettings } from "../../../supply/stack";
import { PROJECT_DIR } from "../../../supply/tools";
import { startRegistry } from "./registry";
import { populateUpstream, withUpstreamSources } from "./upstream";

/** Writes the lock and the bundle named by the stack file's supply section; returns the lock's path. */
export async function prepareE2eSupply(stackFileName: string): Promise<string> {
    const stackFile = path.join(PROJECT_DIR, stackFileName);
    const settings = stackSettings(stackFile);
    const lock = path.resolve(PROJECT_DIR, settings.supply.lock);
    const upstream = await startRegistry("e2e-upstream");
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-e2e-supply-"));
    const plainHttp = process.env.AIRGAP_SUPPLY_PLAIN_HTTP;
    process.env.AIRGAP_SUPPLY_PLAIN_HTTP = upstream.address;
    try {
        await populateUpstream(upstream.address, settings, work);
        const options = { stackFile, lock, offline: true, write: true, chartCache: path.join(work, "charts"), log: () => undefined };
        await findArtifacts(options);
        fs.writeFileSync(lock, formatLock(withUpstreamSources(readLock(lock).lock, upstream.address)));
        const resolved = await findArtifacts({ ...options, offline: false });
        if (resolved.problems.length > 0) {
            throw new Error(`the e2e stack's lock is not complete:\n${resolved.problems.join("\n")}`);
        }
        await makeBundle({ lock, out: path.resolve(PROJECT_DIR, settings.supply.bundle), jobs: 4, chartCache: options.chartCache, log: () => undefined });
        return lock;
    } finally {
        if (plainHttp === undefined) {
            delete process.env.AIRGAP_SUPPLY_PLAIN_HTTP;
        } else {
            process.env.AIRGAP_SUPPLY_PLAIN_HTTP = plainHttp;
        }
        await upstream.stop();
        fs.rmSync(work, { recursive: true, force: true });
    }
}
