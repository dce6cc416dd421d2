// The same small page for every variant, so the routes differ only in how they get the session.
export function View({ variant, user }) {
  return (
    <main>
      <h1>{variant}</h1>
      <p data-user>{user ? `Signed in as ${user.name} (${user.email}), ${user.cart?.length ?? 0} items in the cart` : "Signed out"}</p>
    </main>
  );
}
