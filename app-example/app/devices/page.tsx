import { getSession, sessions } from "../../lib/session";
import { serverSideStore } from "../../lib/store";
import { logout, logoutDevice, logoutOtherDevices } from "../actions";

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
  // This device first, then the most recently seen.
  list.sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt - a.lastSeenAt);
  return (
    <>
      <h1>Devices</h1>
      <ul>
        {list.map((device) => (
          <li key={device.handle} data-testid="device">
            <strong data-testid="device-label">{device.device?.label ?? "Unknown device"}</strong>
            {device.current && " (this device)"}
            {device.device?.ip && <span data-testid="device-ip"> from {device.device.ip}</span>}
            <br />
            Signed in {time(device.createdAt)}, last seen {time(device.lastSeenAt)}{" "}
            <form action={device.current ? logout : logoutDevice} className="inline">
              <input type="hidden" name="handle" value={device.handle} />
              <button type="submit">Log out this device</button>
            </form>
          </li>
        ))}
      </ul>
      <form action={logoutOtherDevices}>
        <button type="submit">Log out all other devices</button>
      </form>
    </>
  );
}
