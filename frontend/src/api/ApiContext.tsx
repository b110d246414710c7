import { createContext, useContext, useMemo, type ReactNode } from "react";

import { useAuth } from "../auth/AuthContext";
import { ApiClient } from "./client";

export const ApiContext = createContext<ApiClient | null>(null);

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi outside ApiProvider");
  return api;
}

/** The API client of the signed-in parent: their token on every call, and back to sign-in when it is refused. */
export function ApiProvider({ baseUrl, children }: { baseUrl: string; children: ReactNode }) {
  const { accessToken, expire } = useAuth();
  const api = useMemo(() => new ApiClient({ baseUrl, getToken: accessToken, onUnauthorized: expire }), [baseUrl, accessToken, expire]);
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}
