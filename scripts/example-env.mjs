// What `npm run example` tells app-example about how it is served. `next start` serves plain
// http on localhost, and WebKit (Safari) refuses Secure cookies over plain http, even on
// localhost (Chromium and Firefox accept them there). So the example, not the library's
// defaults, asks for a cookie without Secure; a deployment behind HTTPS never sets this.
export const plainHttpEnv = { EXAMPLE_PLAIN_HTTP: "1" };
