import { getSession } from "../../lib/session";
import { logout } from "../actions";
import { NameForm } from "./name-form";

const time = (ms: number) => new Date(ms).toISOString();

export default async function Dashboard() {
  // The proxy already sent logged-out visitors to /login and renewed this session.
  const session = await getSession();
  const notice = session.get("notice"); // a flash: shown once
  return (
    <>
      <h1>Dashboard</h1>
      {notice && <p className="notice" data-testid="flash">{notice}</p>}
      <p>
        Signed in as <strong data-testid="user">{session.get("name")}</strong> (<code>{session.get("userId")}</code>).
      </p>
      <dl>
        <dt>Created</dt>
        <dd data-testid="created">{time(session.createdAt)}</dd>
        <dt>Last seen</dt>
        <dd data-testid="last-seen">{time(session.lastSeenAt)}</dd>
        <dt>Expires</dt>
        <dd data-testid="expires">{time(session.expiresAt)}</dd>
        <dt>Expires (ms)</dt>
        <dd data-testid="expires-ms">{session.expiresAt}</dd>
      </dl>
      <NameForm name={session.get("name") ?? ""} />
      <p>
        <a href="/dashboard/guide">Members&apos; guide</a>
      </p>
      <form action={logout}>
        <button type="submit">Log out</button>
      </form>
    </>
  );
}
