// Auth.js v5 (next-auth 5 beta) set up as its docs do for the JWT strategy: NextAuth() in one
// module exporting `auth`, used as the proxy (middleware) and called in the page. The session
// callback exposes the token's fields (the bench payload) on `session.user`, as apps that keep
// their data in the JWT do. The bench mints the cookie (@auth/core/jwt encode, same secret and
// salt), so the Credentials provider never runs; it is there because Auth.js needs a provider.
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";

export const AUTHJS_COOKIE = "authjs.session-token";

export const { auth } = NextAuth({
  secret: process.env.SESSION_PASSWORD,
  trustHost: true,
  session: { strategy: "jwt" },
  providers: [Credentials({ credentials: { username: {}, password: {} }, authorize: () => null })],
  callbacks: {
    session: ({ session, token }) => ({ ...session, user: { name: token.name, email: token.email, cart: token.cart } }),
  },
});
