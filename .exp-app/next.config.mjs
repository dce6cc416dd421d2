// The example's Next.js configuration lives at the repository root (next.config.mjs); Next
// reads it from the app's own folder, hence this one-line bridge.
export { default } from "../next.config.mjs";
