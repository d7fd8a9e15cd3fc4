// Copyright 2026, airgap-platform authors.
//
// `npm run artifacts:find -- --stack <stack>|--stack-file FILE [--lock FILE] [--write] [--platform os/arch]... [--offline]
//                              [--chart-cache DIR]`
//
// Renders every chart of the stack with the stack's own values, collects every image of every rendered
// object and every image the program names itself, and checks them against the lock: an image in use but
// not locked, or not on the internal registry, fails, naming the image and the object. --write brings the
// lock in line (new entries, unused ones dropped) and, unless --offline, resolves missing digests upstream.
// Exit code: 0 clean, 1 problems found, 2 bad command line.

import * as fs from "fs";
import * as path from "path";
import { PlatformSettings } from "../config";
import { packagedChart, renderChart, stackCharts } from "./charts";
import { compareWithLock, imagesInObjects, updatedLock, UsedImage } from "./find";
import { chartTag, formatLock, Lock, LockFile, readLock, unresolved } from "./lock";
import { pinToLock } from "./pins";
import { artifactNames, chartSettings, ciJobImageBase, coverageProblems, imageSettings } from "./requirements";
import { missingSources, resolveLock } from "./resolve";
import { stackFile, stackSettings } from "./stack";
import { PROJECT_DIR } from "./tools";

export interface FindOptions {
    /** The stack file (Pulumi.<stack>.yaml). */
    stackFile: string;
    /** The lock to check or write; the stack's supply.lock when unset. */
    lock?: string;
    write: boolean;
    /** Resolve nothing upstream and pull no chart: render only charts already in the cache. */
    offline: boolean;
    platforms?: string[];
    chartCache: string;
    log: (line: string) => void;
}

export interface FindResult {
    problems: string[];
    used: UsedImage[];
    lock?: Lock;
}

export async function findArtifacts(o: FindOptions): Promise<FindResult> {
    const settings = stackSettings(o.stackFile);
    const lockPath = path.resolve(PROJECT_DIR, o.lock ?? settings.supply.lock);
    const existing: LockFile | undefined = fs.existsSync(lockPath) ? readLock(lockPath) : undefined;
    if (!existing && !o.write) {
        return { problems: [`${lockPath} does not exist: create it with --write`], used: [] };
    }
    // Render with the digests the stack itself would use, when the lock can give them.
    const rendered = existing && coverageProblems(settings, existing).length === 0 ? pinToLock(settings, existing) : settings;

    const used: UsedImage[] = [...imageSettings(rendered), ciJobImageBase(settings.registry.address)]
        .map((s) => ({ image: s.internal, where: `setting ${s.path.join(".")}` }));
    const problems: string[] = [];
    // Charts come from the lock's sources; a new chart is added (without a source) by --write first.
    let lock = o.write ? updatedLock(existing?.lock, settings.registry.address, [], needed(settings), artifactNames(settings), o.platforms) : existing!.lock;
    for (const chart of stackCharts(rendered)) {
        const objects = await renderStackChart(settings, chart.section, lock, o).then((tgz) => renderChart(tgz, chart))
            .catch((e: Error) => { problems.push(`chart ${chart.section} not rendered: ${e.message}`); return undefined; });
        if (objects) {
            const images = imagesInObjects(objects, `chart ${chart.section}`);
            o.log(`chart ${chart.section}: ${objects.length} objects, ${new Set(images.map((i) => i.image)).size} images`);
            used.push(...images);
        }
    }

    if (o.write) {
        lock = updatedLock(existing?.lock, settings.registry.address, used.filter((u) => !u.base).map((u) => u.image), needed(settings), artifactNames(settings), o.platforms);
        if (!o.offline) {
            lock = await resolveLock(lock, o.chartCache);
        }
        fs.mkdirSync(path.dirname(lockPath), { recursive: true });
        fs.writeFileSync(lockPath, formatLock(lock));
        o.log(`wrote ${lockPath}: ${lock.charts.length} charts, ${lock.images.length} images, ${lock.artifacts.length} artifacts`);
        const sourceless = missingSources(lock);
        problems.push(...sourceless, ...unresolved(lock).filter((u) => !sourceless.includes(`${u} has no source`)).map((u) => `${u} is not resolved yet`));
    } else {
        problems.push(...coverageProblems(settings, existing!).map((p) => p.replace(/ \(npm run artifacts:find -- --write\)$/, "")));
    }
    problems.push(...compareWithLock(used, lock));
    return { problems: [...new Set(problems)], used, lock };
}

/** The OCI charts of the stack, as lock entries name them. */
function needed(settings: PlatformSettings) {
    return chartSettings(settings).map((c) => ({ name: c.name, version: c.version, internal: c.chart }));
}

/** The packaged chart (or local chart folder) to render for a section. */
async function renderStackChart(settings: PlatformSettings, section: string, lock: Lock, o: FindOptions): Promise<string> {
    const configured = (settings as unknown as Record<string, { chart: string }>)[section].chart;
    const oci = chartSettings(settings).find((c) => c.section === section);
    if (!oci) {
        return path.resolve(PROJECT_DIR, configured);
    }
    const entry = lock.charts.find((c) => chartTag(c) === `${oci.chart.slice("oci://".length)}:${oci.version}`);
    if (!entry) {
        throw new Error(`${oci.chart} ${oci.version} is not in the lock`);
    }
    const cached = path.join(o.chartCache, `${entry.name}-${entry.version}.tgz`);
    if (o.offline && !fs.existsSync(cached)) {
        throw new Error(`${entry.name} ${entry.version} is not in ${o.chartCache} and --offline pulls nothing`);
    }
    return (await packagedChart(entry, o.chartCache)).tgz;
}

const USAGE = "usage: npm run artifacts:find -- --stack STACK|--stack-file FILE [--lock FILE] [--write] [--platform os/arch]... [--offline] [--chart-cache DIR]";

export function parseArgs(argv: string[]): Omit<FindOptions, "log"> {
    const o: Omit<FindOptions, "log"> = { stackFile: "", write: false, offline: false, chartCache: path.join(PROJECT_DIR, "airgap-bundle", "charts") };
    const platforms: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) {
                throw new Error(`${argv[i - 1]} needs a value\n${USAGE}`);
            }
            return v;
        };
        switch (argv[i]) {
            case "--stack": o.stackFile = stackFile(value()); break;
            case "--stack-file": o.stackFile = path.resolve(value()); break;
            case "--lock": o.lock = value(); break;
            case "--write": o.write = true; break;
            case "--offline": o.offline = true; break;
            case "--platform": platforms.push(value()); break;
            case "--chart-cache": o.chartCache = path.resolve(value()); break;
            default: throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
        }
    }
    if (!o.stackFile) {
        throw new Error(`--stack or --stack-file is required\n${USAGE}`);
    }
    return { ...o, ...(platforms.length > 0 ? { platforms } : {}) };
}

async function main(): Promise<number> {
    let options: Omit<FindOptions, "log">;
    try {
        options = parseArgs(process.argv.slice(2));
    } catch (e) {
        console.error((e as Error).message);
        return 2;
    }
    const result = await findArtifacts({ ...options, log: (l) => console.log(l) });
    const distinct = new Set(result.used.map((u) => u.image)).size;
    if (result.problems.length > 0) {
        console.error(`${result.problems.length} problem(s):`);
        result.problems.forEach((p) => console.error(`  - ${p}`));
        return 1;
    }
    console.log(`${distinct} images in use, every one locked on ${result.lock?.registry}`);
    return 0;
}

if (require.main === module) {
    main().then((code) => process.exit(code), (e) => { console.error((e as Error).message); process.exit(1); });
}
