// better-auth 1.7 set up as its docs do for a database-less app: no `database`, so it runs in its
// stateless mode, where the session lives in the encrypted cookie cache (`session_data`, JWE)
// beside the signed `session_token`, and `getSession` reads no store. The cookie cache is spelled
// out as its docs' manual stateless setup writes it (these are also the values stateless mode
// defaults to). The bench payload's fields are user `additionalFields`, so the cookie carries the
// same data as the other routes'. Email and password sign-in is on because the bench signs in once
// through the endpoint (app/api/auth/[...all]); the user record that sign-up writes goes to the
// memory adapter better-auth falls back to without a database, which the page never reads.
import { betterAuth } from "better-auth";
import { nextCookies } from "better-auth/next-js";

export const auth = betterAuth({
  secret: process.env.SESSION_PASSWORD,
  emailAndPassword: { enabled: true },
  session: { cookieCache: { enabled: true, maxAge: 7 * 24 * 60 * 60, strategy: "jwe", refreshCache: true } },
  user: {
    additionalFields: {
      role: { type: "string" },
      org: { type: "string" },
      locale: { type: "string" },
      theme: { type: "string" },
      cart: { type: "string[]" },
      flags: { type: "json" },
      csrf: { type: "string" },
      lastOrder: { type: "number" },
    },
  },
  // Its docs: the last plugin, so that auth.api calls in Server Actions can set cookies.
  plugins: [nextCookies()],
});
