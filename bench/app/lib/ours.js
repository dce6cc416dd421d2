// next-session-kit with the default cookie store, configured as an app would.
import { createSessions } from "next-session-kit";

export const ours = createSessions({ password: process.env.SESSION_PASSWORD, cookie: { name: "session" } });
