import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";

import { ApiProvider } from "./api/ApiContext";
import { ApiClient } from "./api/client";
import { App } from "./App";
import { amplifyAuth, configureAmplify } from "./auth/amplify";
import { AuthProvider } from "./auth/AuthContext";
import "./styles.css";

// Empty: the gateway that served the app. Set VITE_API_URL at build time to use another.
const API_URL = import.meta.env.VITE_API_URL ?? "";

async function prepareAuth() {
  const config = await new ApiClient({ baseUrl: API_URL, getToken: async () => null }).authConfig();
  configureAmplify(config);
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <BrowserRouter>
      <AuthProvider service={amplifyAuth} prepare={prepareAuth}>
        <ApiProvider baseUrl={API_URL}>
          <App />
        </ApiProvider>
      </AuthProvider>
    </BrowserRouter>
  </StrictMode>,
);
