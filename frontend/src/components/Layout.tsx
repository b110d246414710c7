import { useState } from "react";
import { Link, NavLink, Outlet, useNavigate } from "react-router";

import { useAuth } from "../auth/AuthContext";

/** The signed-in frame: the brand, where to go, and a way out. */
export function Layout() {
  const auth = useAuth();
  const navigate = useNavigate();
  const [signingOut, setSigningOut] = useState(false);

  async function signOut() {
    setSigningOut(true);
    try {
      await auth.signOut();
    } finally {
      navigate("/sign-in", { replace: true });
    }
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/new" className="brand">
          <img src="/favicon.svg" alt="" width="32" height="32" />
          NoComelon
        </Link>
        <nav aria-label="Main">
          <NavLink to="/new" className="nav-link">
            New
          </NavLink>
          <NavLink to="/library" className="nav-link">
            Library
          </NavLink>
          <button type="button" className="nav-link nav-link--button" onClick={signOut} disabled={signingOut}>
            Sign out
          </button>
        </nav>
      </header>
      <main id="main">
        <Outlet />
      </main>
    </>
  );
}
