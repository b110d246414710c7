import { useState, type FormEvent } from "react";
import { Navigate, useLocation } from "react-router";

import { Loading } from "../components/Loading";
import { PageTitle } from "../components/PageTitle";
import { TextField } from "../components/TextField";
import { Unavailable } from "../components/Unavailable";
import { useAuth } from "./AuthContext";
import { signInMessage } from "./messages";

const WORDING = {
  password: {
    title: "Sign in",
    lead: "Turn your child's drawing into a storybook they can watch.",
    action: "Sign in",
    working: "Signing in…",
  },
  "new-password": {
    title: "Choose your own password",
    lead: "You signed in with a temporary password. Please choose a new one to keep.",
    action: "Save and continue",
    working: "Saving…",
  },
};

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
  const wording = WORDING[step];

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
      <form className="card stack" onSubmit={step === "password" ? submitPassword : submitNewPassword} noValidate>
        <PageTitle>{wording.title}</PageTitle>
        <p className="lead">{wording.lead}</p>
        {step === "password" ? (
          <>
            {auth.notice && !error && <p className="notice">{auth.notice}</p>}
            <TextField
              id="email"
              label="Email"
              type="email"
              autoComplete="username"
              inputMode="email"
              required
              value={email}
              onChange={setEmail}
            />
            <TextField
              id="password"
              label="Password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={setPassword}
            />
          </>
        ) : (
          <>
            <TextField
              id="new-password"
              label="New password"
              type="password"
              autoComplete="new-password"
              required
              value={newPassword}
              onChange={setNewPassword}
              hint="At least 8 characters, with upper and lower case letters and a number."
              hintId="password-rules"
            />
            <TextField
              id="repeat-password"
              label="New password again"
              type="password"
              autoComplete="new-password"
              required
              value={repeated}
              onChange={setRepeated}
            />
          </>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button className="button button--primary" type="submit" disabled={busy}>
          {busy ? wording.working : wording.action}
        </button>
      </form>
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
