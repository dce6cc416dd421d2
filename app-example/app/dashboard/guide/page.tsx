// A members-only page that never reads the session: it trusts the proxy's gate (proxy.ts), so
// the gate must fail closed when the store is down (it answers 503 then, see proxy.ts).
export default function Guide() {
  return (
    <>
      <h1>Members&apos; guide</h1>
      <p data-testid="members-only">Only signed-in members see this page.</p>
    </>
  );
}
