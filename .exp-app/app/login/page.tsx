import { LoginForm } from "./form";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <>
      <h1>Log in</h1>
      <p>
        Demo accounts: <code>ada</code> / <code>lovelace</code> and <code>alan</code> / <code>turing</code>.
      </p>
      <LoginForm next={next ?? "/dashboard"} />
    </>
  );
}
