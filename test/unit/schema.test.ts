import type { StandardSchemaV1 } from "@standard-schema/spec";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { SessionValidationError } from "../../src/errors.js";
import { TestJar } from "./jar.js";
import { setup } from "./kit.js";

const schemas: Array<[string, StandardSchemaV1]> = [
  ["zod 4", z.object({ userId: z.string().optional(), profile: z.object({ age: z.number() }).optional() })],
  ["valibot", v.object({ userId: v.optional(v.string()), profile: v.optional(v.object({ age: v.number() })) })],
];

/** The same shapes with `userId` required. */
const strict = new Map<string, StandardSchemaV1>([
  ["zod 4", z.object({ userId: z.string(), profile: z.object({ age: z.number() }).optional() })],
  ["valibot", v.object({ userId: v.string(), profile: v.optional(v.object({ age: v.number() })) })],
]);

describe.each(schemas)("schema with %s", (_name, schema) => {
  const options = { schema: schema as StandardSchemaV1<never, never> };

  it("saves valid data", async () => {
    const { open, seed } = setup(options);
    expect((await open(await seed({ userId: "u1", profile: { age: 30 } }))).session.data).toEqual({ userId: "u1", profile: { age: 30 } });
  });

  it("throws SessionValidationError naming the failing path at set, and changes nothing", async () => {
    const { open } = setup(options);
    const { session } = await open(new TestJar());
    let error: unknown;
    try {
      session.set("profile", { age: "thirty" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SessionValidationError);
    expect((error as Error).message).toMatch(/profile\.age: /);
    expect((error as SessionValidationError).issues[0]!.path).toEqual(["profile", "age"]);
    expect(session.has("profile")).toBe(false);
    expect(session.status).toBe("unchanged");
  });

  it("checks the whole data at save (a key not set in this request may be what fails), writing nothing", async () => {
    const { open } = setup({ schema: strict.get(_name)! as StandardSchemaV1<never, never> });
    const jar = new TestJar();
    const { session } = await open(jar);
    session.set("profile", { age: 30 }); // fine for this key; `userId` is still missing
    const error = await session.save().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SessionValidationError);
    expect((error as Error).message).toMatch(/userId: /);
    expect(jar.writes).toEqual([]);
  });

  it("treats stored data that fails it as no session, reported as invalid-data", async () => {
    const jar = await setup().seed({ userId: 42 });
    const { open, events } = setup(options);
    const { session, stale } = await open(jar);
    expect(session.isNew).toBe(true);
    expect(stale).toBe(true);
    expect(events).toEqual([{ type: "invalid-data", reason: "schema" }]);
  });
});
