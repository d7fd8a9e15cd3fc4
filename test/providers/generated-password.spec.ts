// Copyright 2026, airgap-platform authors.

import * as assert from "assert";
import * as bcrypt from "bcryptjs";
import { bcryptOf, passwordProvider, randomAlphanumeric } from "../../providers/generated-password";

describe("GeneratedPassword provider", () => {
    it("draws letters and digits only, at the requested length, differently each time", () => {
        const a = randomAlphanumeric(48);
        const b = randomAlphanumeric(48);
        assert.match(a, /^[A-Za-z0-9]{48}$/);
        assert.notStrictEqual(a, b);
    });

    it("uses the whole alphabet without bias towards its first characters", () => {
        const counts = new Map<string, number>();
        for (const ch of randomAlphanumeric(62 * 400)) {
            counts.set(ch, (counts.get(ch) ?? 0) + 1);
        }
        assert.strictEqual(counts.size, 62);
        // Each character is expected 400 times; a modulo bias would push the first eight near 500.
        for (const [ch, n] of counts) {
            assert.ok(n > 300 && n < 500, `${ch} drawn ${n} times`);
        }
    });

    it("hashes with bcrypt under the $2a$ prefix that Argo CD reads", () => {
        const hash = bcryptOf("correct horse battery staple");
        assert.match(hash, /^\$2a\$10\$/);
        assert.ok(bcrypt.compareSync("correct horse battery staple", hash));
        assert.ok(!bcrypt.compareSync("wrong", hash));
    });

    it("creates once and then reports no change, so re-runs keep the password", async () => {
        const created = await passwordProvider.create({ length: 32 });
        assert.strictEqual(created.outs!.result.length, 32);
        assert.ok(bcrypt.compareSync(created.outs!.result, created.outs!.bcryptHash));
        const same = await passwordProvider.diff!(created.id, created.outs!, { length: 32 });
        assert.deepStrictEqual(same, { changes: false, replaces: [], deleteBeforeReplace: false });
        const longer = await passwordProvider.diff!(created.id, created.outs!, { length: 40 });
        assert.deepStrictEqual(longer.replaces, ["length"]);
    });
});
