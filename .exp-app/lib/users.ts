// Demo accounts (documented in the README). A real app checks a database and a password hash.
const USERS: Record<string, { password: string; name: string }> = {
  ada: { password: "lovelace", name: "Ada Lovelace" },
  alan: { password: "turing", name: "Alan Turing" },
};

/** The user's display name when the credentials match. */
export function checkCredentials(username: string, password: string): string | undefined {
  const user = USERS[username];
  return user && user.password === password ? user.name : undefined;
}
