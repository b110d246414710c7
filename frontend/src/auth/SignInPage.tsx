import { useState, type FormEvent } from "react";
import { Navigate, useLocation } from "react-router";

import { Loading } from "../components/Loading";
import { PageTitle } from "../components/PageTitle";
import { Unavailable } from "../components/Unavailable";
import { useAuth } from "./AuthContext";
import { signInMessage } from "./messages";

export function SignInPage() {
  const auth = useAuth();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/";
  const [step, setStep] = useState<"password" | "new-password">("password");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [repeated, setRepeated] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (auth.status === "starting") return <Loading label="Getting things ready" />;
  if (auth.status === "unavailable") return <Unavailable onRetry={auth.retry} />;
  if (auth.status === "signed-in") return <Navigate to={from} replace />;

  async function attempt(action: () => Promise<"done" | "new-password">) {
    setBusy(true);
    setError(null);
    try {
      // Once done, the signed-in state takes the parent on; only the new-password challenge stays here.
      if ((await action()) === "new-password") setStep("new-password");
    } catch (caught) {
      setError(signInMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  function submitPassword(event: FormEvent) {
    event.preventDefault();
    void attempt(() => auth.signIn(email, password));
  }

  function submitNewPassword(event: FormEvent) {
    event.preventDefault();
    if (newPassword !== repeated) {
      setError("The two passwords aren't the same. Please type them again.");
      return;
    }
    void attempt(() => auth.confirmNewPassword(newPassword));
  }

  return (
    <main className="sign-in" id="main">
      <div className="brand brand--large" aria-hidden="true">
        <img src="/favicon.svg" alt="" width="56" height="56" />
        NoComelon
      </div>
      {step === "password" ? (
        <form className="card stack" onSubmit={submitPassword} noValidate>
          <PageTitle>Sign in</PageTitle>
          <p className="lead">Turn your child's drawing into a storybook they can watch.</p>
          {auth.notice && !error && <p className="notice">{auth.notice}</p>}
          <div className="field">
            <label htmlFor="email">Email</label>
            <input
              id="email"
              type="email"
              autoComplete="username"
              inputMode="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input
              id="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </div>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button className="button button--primary" type="submit" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
      ) : (
        <form className="card stack" onSubmit={submitNewPassword} noValidate>
          <PageTitle>Choose your own password</PageTitle>
          <p className="lead">You signed in with a temporary password. Please choose a new one to keep.</p>
          <div className="field">
            <label htmlFor="new-password">New password</label>
            <input
              id="new-password"
              type="password"
              autoComplete="new-password"
              aria-describedby="password-rules"
              required
              value={newPassword}
              onChange={(event) => setNewPassword(event.target.value)}
            />
            <p className="hint" id="password-rules">
              At least 8 characters, with upper and lower case letters and a number.
            </p>
          </div>
          <div className="field">
            <label htmlFor="repeat-password">New password again</label>
            <input
              id="repeat-password"
              type="password"
              autoComplete="new-password"
              required
              value={repeated}
              onChange={(event) => setRepeated(event.target.value)}
            />
          </div>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button className="button button--primary" type="submit" disabled={busy}>
            {busy ? "Saving…" : "Save and continue"}
          </button>
        </form>
      )}
      <section className="card card--quiet stack stack--tight" aria-labelledby="no-account">
        <h2 id="no-account">No account yet?</h2>
        <p>
          There is no sign-up here: accounts are made for families by whoever runs NoComelon for you (your school, club or the
          person who set it up). Ask them for an invitation; you'll get an email address to sign in with and a first password.
        </p>
      </section>
    </main>
  );
}
