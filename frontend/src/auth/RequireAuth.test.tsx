import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { describe, expect, it, vi } from "vitest";

import { AuthProvider } from "./AuthContext";
import { RequireAuth } from "./RequireAuth";
import type { AuthService } from "./service";
import { SignInPage } from "./SignInPage";

function fakeAuth(signedIn: boolean): AuthService & { signedIn: boolean } {
  const service = {
    signedIn,
    currentUser: vi.fn(async () => (service.signedIn ? { username: "parent@example.com" } : null)),
    signIn: vi.fn(async (_email: string, password: string) => {
      if (password !== "right") throw Object.assign(new Error("Incorrect username or password."), { name: "NotAuthorizedException" });
      service.signedIn = true;
      return "done" as const;
    }),
    confirmNewPassword: vi.fn(async () => "done" as const),
    signOut: vi.fn(async () => {
      service.signedIn = false;
    }),
    accessToken: vi.fn(async () => (service.signedIn ? "token" : null)),
  };
  return service;
}

function renderApp(service: AuthService, path: string, prepare = async () => {}) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <AuthProvider service={service} prepare={prepare}>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route
            path="/runs/:runId/script"
            element={
              <RequireAuth>
                <p>The script of the run</p>
              </RequireAuth>
            }
          />
        </Routes>
      </AuthProvider>
    </MemoryRouter>,
  );
}

describe("the auth guard", () => {
  it("sends a signed-out parent to sign in, and back to the run after", async () => {
    const service = fakeAuth(false);
    renderApp(service, "/runs/r1/script");
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.queryByText("The script of the run")).not.toBeInTheDocument();
    expect(screen.getByText(/There is no sign-up here/)).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText("Email"), "parent@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "right");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("The script of the run")).toBeInTheDocument();
  });

  it("shows a signed-in parent the page they asked for", async () => {
    renderApp(fakeAuth(true), "/runs/r1/script");
    expect(await screen.findByText("The script of the run")).toBeInTheDocument();
  });

  it("says so when the password is wrong, and stays on sign-in", async () => {
    const service = fakeAuth(false);
    renderApp(service, "/sign-in");
    await userEvent.type(await screen.findByLabelText("Email"), "parent@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "wrong");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("email and password don't match");
    expect(screen.getByRole("heading", { name: "Sign in" })).toBeInTheDocument();
  });

  it("asks for a new password when Cognito requires one", async () => {
    const service = fakeAuth(false);
    service.signIn = vi.fn(async () => "new-password" as const);
    renderApp(service, "/sign-in");
    await userEvent.type(await screen.findByLabelText("Email"), "new@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "Temporary1");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("heading", { name: "Choose your own password" })).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("New password"), "Mine4Good");
    await userEvent.type(screen.getByLabelText("New password again"), "Different4");
    await userEvent.click(screen.getByRole("button", { name: "Save and continue" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("aren't the same");
    expect(service.confirmNewPassword).not.toHaveBeenCalled();
  });

  it("offers to try again when the sign-in service cannot be reached", async () => {
    const prepare = vi.fn().mockRejectedValueOnce(new TypeError("Failed to fetch")).mockResolvedValue(undefined);
    renderApp(fakeAuth(true), "/runs/r1/script", prepare);
    const retry = await screen.findByRole("button", { name: "Try again" });
    await userEvent.click(retry);
    expect(await screen.findByText("The script of the run")).toBeInTheDocument();
  });
});
