// iron-session used directly, the way an app gets rolling sessions with it: the proxy re-seals
// (save) on every request so the expiry slides, and the page reads it again through cookies().
export const ironOptions = {
  password: process.env.SESSION_PASSWORD ?? "",
  cookieName: "iron",
  ttl: 7 * 24 * 60 * 60,
};
