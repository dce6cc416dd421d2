import { getSession, sessions } from "../../lib/session";
import { serverSideStore } from "../../lib/store";
import { logoutOtherDevices } from "../actions";

const time = (ms: number) => new Date(ms).toISOString();

export default async function Devices() {
  const session = await getSession();
  if (!serverSideStore) {
    return (
      <>
        <h1>Devices</h1>
        <p>
          The cookie store keeps sessions only in browsers, so it cannot list or revoke them. Run the
          example with <code>KV_REST_API_URL</code> or <code>REDIS_URL</code> set to try this page.
        </p>
      </>
    );
  }
  const list = await sessions.listSessions(session.get("userId")!, { current: session.id });
  return (
    <>
      <h1>Devices</h1>
      <ul>
        {list.map((device) => (
          <li key={device.handle} data-testid="device">
            Signed in {time(device.createdAt)}, last seen {time(device.lastSeenAt)}
            {device.current && " (this device)"}
          </li>
        ))}
      </ul>
      <form action={logoutOtherDevices}>
        <button type="submit">Log out other devices</button>
      </form>
    </>
  );
}
