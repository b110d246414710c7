import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter, Routes } from "react-router";

import { ApiContext } from "../api/ApiContext";
import type { ApiClient } from "../api/client";

/** Opens `path` among `routes`, with `api` (only what the screen calls) in place of the gateway's client. */
export function renderWithApi(api: Partial<Record<keyof ApiClient, unknown>>, path: string, routes: ReactNode) {
  return render(
    <ApiContext.Provider value={api as unknown as ApiClient}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>{routes}</Routes>
      </MemoryRouter>
    </ApiContext.Provider>,
  );
}
