import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";

import { Loading } from "../components/Loading";
import { Unavailable } from "../components/Unavailable";
import { useAuth } from "./AuthContext";

/** Every route but sign-in: signed-out parents go to sign in, and come back here after. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const location = useLocation();
  if (auth.status === "starting") return <Loading label="Getting things ready" />;
  if (auth.status === "unavailable") return <Unavailable onRetry={auth.retry} />;
  if (auth.status === "signed-out") {
    const from = `${location.pathname}${location.search}`;
    return <Navigate to="/sign-in" replace state={{ from }} />;
  }
  return <>{children}</>;
}
