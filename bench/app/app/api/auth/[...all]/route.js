// better-auth's handler mounted where its Next.js docs put it; the bench signs in here once.
import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "../../../../lib/betterauth";

export const { GET, POST } = toNextJsHandler(auth);
