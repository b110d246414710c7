import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

import { clearAllDrafts } from "../wizard/drafts";
import type { AuthService, SignedInUser, SignInStep } from "./service";

export type AuthStatus = "starting" | "unavailable" | "signed-out" | "signed-in";

export interface Auth {
  status: AuthStatus;
  user: SignedInUser | null;
  /** Why the parent was signed out, when it was not their choice (an expired sign-in). */
  notice: string | null;
  signIn(email: string, password: string): Promise<SignInStep>;
  confirmNewPassword(password: string): Promise<SignInStep>;
  signOut(): Promise<void>;
  /** The gateway refused the sign-in: back to the sign-in page with a word why. */
  expire(): void;
  accessToken(): Promise<string | null>;
  retry(): void;
}

const AuthContext = createContext<Auth | null>(null);

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}

interface Props {
  service: AuthService;
  /** Configures the service (Amplify from the gateway's /auth/config) before anything else. */
  prepare: () => Promise<void>;
  children: ReactNode;
}

export function AuthProvider({ service, prepare, children }: Props) {
  const [status, setStatus] = useState<AuthStatus>("starting");
  const [user, setUser] = useState<SignedInUser | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    (async () => {
      try {
        await prepare();
      } catch {
        if (current) setStatus("unavailable");
        return;
      }
      const found = await service.currentUser();
      if (!current) return;
      setUser(found);
      setStatus(found ? "signed-in" : "signed-out");
    })();
    return () => {
      current = false;
    };
  }, [service, prepare, attempt]);

  const finish = useCallback(
    async (step: SignInStep) => {
      if (step === "done") {
        setUser(await service.currentUser());
        setNotice(null);
        setStatus("signed-in");
      }
      return step;
    },
    [service],
  );

  // Stable, so the API client made from them lives as long as the service.
  const accessToken = useCallback(() => service.accessToken(), [service]);
  const expire = useCallback(() => {
    setNotice("Your sign-in has expired. Please sign in again; your work is kept.");
    setUser(null);
    setStatus("signed-out");
    void service.signOut();
  }, [service]);

  const auth = useMemo<Auth>(
    () => ({
      status,
      user,
      notice,
      signIn: async (email, password) => finish(await service.signIn(email, password)),
      confirmNewPassword: async (password) => finish(await service.confirmNewPassword(password)),
      signOut: async () => {
        // Drafts may hold a child's name: they go with the sign-in on a shared phone.
        clearAllDrafts();
        await service.signOut();
        setUser(null);
        setStatus("signed-out");
      },
      expire,
      accessToken,
      retry: () => {
        setStatus("starting");
        setAttempt((value) => value + 1);
      },
    }),
    [status, user, notice, service, finish, expire, accessToken],
  );

  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}
