// Copyright 2026, airgap-platform authors.
//
// A generated password kept in the stack's state as a Pulumi secret. It stands where @pulumi/random's
// RandomPassword would: that provider cannot be built here (the Go module proxy refuses its source), and a
// dynamic provider runs inside the Node.js SDK, so nothing has to be downloaded at `pulumi up` time.

import { randomBytes, randomUUID } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./dynamic";

/** Arguments of {@link GeneratedPassword}. */
export interface GeneratedPasswordArgs {
    /** Number of characters, letters and digits only (safe in URLs, YAML and shell). Changing it replaces the password. */
    readonly length: number;
}

interface PasswordState {
    length: number;
    result: string;
    bcryptHash: string;
}

/** Draws `length` characters from [A-Za-z0-9] with the CSPRNG, without modulo bias. */
export function randomAlphanumeric(length: number): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let out = "";
    while (out.length < length) {
        for (const byte of randomBytes(length * 2)) {
            // 248 = 4 * 62: bytes at or above it would favour the first characters.
            if (byte < 248 && out.length < length) {
                out += alphabet[byte % 62];
            }
        }
    }
    return out;
}

/** bcrypt (cost 10) with the `$2a$` prefix that Argo CD and most Go services expect. */
export function bcryptOf(password: string): string {
    // Loaded when a password is drawn (in the dynamic-provider host), not at every start of the program.
    const bcrypt = require("bcryptjs");
    return (bcrypt.hashSync(password, 10) as string).replace(/^\$2b\$/, "$2a$");
}

export const passwordProvider: pulumi.dynamic.ResourceProvider<{ length: number }, PasswordState> = {
    async create(inputs) {
        const result = randomAlphanumeric(inputs.length);
        return { id: randomUUID(), outs: { length: inputs.length, result, bcryptHash: bcryptOf(result) } };
    },
    async diff(_id, olds, news) {
        const changed = olds.length !== news.length;
        return { changes: changed, replaces: changed ? ["length"] : [], deleteBeforeReplace: false };
    },
};

/** A password generated once, then stable across runs; `result` and `bcryptHash` are secrets. */
export class GeneratedPassword extends DynamicResource {
    // `declare`: an ES2022 class field would overwrite, after super(), the output the engine fills in.
    declare public readonly result: pulumi.Output<string>;
    declare public readonly bcryptHash: pulumi.Output<string>;

    constructor(name: string, args: GeneratedPasswordArgs, opts?: pulumi.CustomResourceOptions) {
        if (!Number.isInteger(args.length) || args.length < 16 || args.length > 128) {
            throw new pulumi.ResourceError(`GeneratedPassword ${name}: length must be an integer from 16 to 128, got ${args.length}`, opts?.parent);
        }
        super(passwordProvider, name, { length: args.length, result: undefined, bcryptHash: undefined },
            { ...opts, additionalSecretOutputs: ["result", "bcryptHash"] }, "airgap", "GeneratedPassword");
    }
}
