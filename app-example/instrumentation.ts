// Runs once when the server starts: refuse to serve without SESSION_PASSWORD in production
// (instead of failing on the first request), with the message saying what to set.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { password } = await import("./lib/password");
  try {
    password();
  } catch (error) {
    console.error(`[app-example] ${(error as Error).message}`);
    process.exit(1);
  }
}
