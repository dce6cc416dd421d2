/**
 * getSession() (src/next/server.ts) over a stand-in for `next/headers`: which request APIs it
 * asks Next for. A Server Component on the cookie store needs neither a handoff nor a write's
 * headers, so it does not call `headers()` (one per page render less); a server-side store
 * still reads the handoff header, and a writable context still gets the headers it needs.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { sessionGetter } from "../../src/next/server.js";
import { memoryStore } from "../../src/stores/memory.js";
import { setup } from "./kit.js";

const next = vi.hoisted(() => ({ cookies: vi.fn(), headers: vi.fn() }));
vi.mock("server-only", () => ({}));
vi.mock("next/headers.js", () => next);

/** Next's cookies() object: a Server Component's shares one throwing function for set and delete. */
function cookiesObject(values: Map<string, string>, writable: boolean) {
  const refuse = () => {
    throw new Error("read-only");
  };
  return {
    get: (name: string) => (values.has(name) ? { name, value: values.get(name)! } : undefined),
    set: writable ? vi.fn() : refuse,
    delete: writable ? vi.fn() : refuse,
  };
}

async function request(options: Parameters<typeof setup>[0], writable: boolean) {
  const kit = setup(options);
  const login = await kit.seed({ userId: "ada" });
  next.cookies.mockResolvedValue(cookiesObject(login.cookies, writable));
  next.headers.mockResolvedValue(new Headers({ "user-agent": "test" }));
  const session = await sessionGetter(() => kit.engine)();
  return { session, headersCalls: next.headers.mock.calls.length };
}

beforeEach(() => {
  next.cookies.mockReset();
  next.headers.mockReset();
});

describe("getSession() asks Next for the request headers only when it needs them", () => {
  it("a Server Component on the cookie store reads the session without headers()", async () => {
    const { session, headersCalls } = await request({}, false);
    expect(session.get("userId")).toBe("ada");
    expect(headersCalls).toBe(0);
  });

  it("a Server Component on a server-side store reads them, for the proxy's handoff", async () => {
    const { session, headersCalls } = await request({ store: memoryStore() }, false);
    expect(session.get("userId")).toBe("ada");
    expect(headersCalls).toBe(1);
  });

  it("a Server Action or Route Handler on the cookie store reads them, for its writes", async () => {
    const { session, headersCalls } = await request({}, true);
    expect(session.get("userId")).toBe("ada");
    expect(headersCalls).toBe(1);
  });
});
