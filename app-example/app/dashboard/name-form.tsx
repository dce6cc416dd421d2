"use client";
import { useActionState } from "react";
import { rename, type NameState } from "../actions";

/** The display name, changed only after a recent login; otherwise the password is asked again. */
export function NameForm({ name }: { name: string }) {
  const [state, action, pending] = useActionState<NameState, FormData>(rename, {});
  return (
    <form action={action}>
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
      {state.saved && <p className="notice" data-testid="name-saved">Display name saved.</p>}
      <label>
        Display name <input name="name" defaultValue={state.name ?? name} key={state.name ?? name} required />
      </label>
      {state.needsPassword && (
        <>
          <p data-testid="reauth">Your last login was more than five minutes ago: enter your password to change your name.</p>
          <label>
            Password <input name="password" type="password" autoComplete="current-password" required autoFocus />
          </label>
        </>
      )}
      <button type="submit" disabled={pending}>
        Rename
      </button>
    </form>
  );
}
