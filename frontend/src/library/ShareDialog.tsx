import { useEffect, useRef, useState } from "react";

import { useApi } from "../api/ApiContext";
import { friendlyMessage } from "../api/errors";
import type { LibraryEntry, NewShare, Share } from "../api/types";
import { ErrorNotice } from "../components/ErrorNotice";
import { TextField } from "../components/TextField";
import { formatDate } from "./format";

const LASTS = [
  { days: 1, label: "1 day" },
  { days: 7, label: "1 week" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
];

/** Family links for one saved storybook: make one (who for, how long), copy it, see how often each was opened, end one. */
export function ShareDialog({ entry, onClose }: { entry: LibraryEntry; onClose: () => void }) {
  const api = useApi();
  const [links, setLinks] = useState<Share[] | null>(null);
  const [label, setLabel] = useState("");
  const [days, setDays] = useState(30);
  const [made, setMade] = useState<NewShare | null>(null);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);

  useEffect(() => {
    let current = true;
    api.shares(entry.id).then(
      (found) => current && setLinks(found),
      (caught: unknown) => current && setError(friendlyMessage(caught)),
    );
    return () => {
      current = false;
    };
  }, [api, entry.id, attempt]);

  async function make() {
    setBusy(true);
    setError(null);
    setCopied(false);
    try {
      setMade(await api.share(entry.id, { expires_in_days: days, label: label.trim() || null }));
      setLabel("");
      setAttempt((value) => value + 1);
    } catch (caught) {
      setError(friendlyMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(link: Share) {
    setError(null);
    try {
      await api.revokeShare(entry.id, link.id);
      if (made?.id === link.id) setMade(null);
      setAttempt((value) => value + 1);
    } catch (caught) {
      setError(friendlyMessage(caught));
    }
  }

  async function copy(url: string) {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setError("We couldn't copy the link here. Select it and copy it by hand.");
    }
  }

  return (
    <div className="modal" role="dialog" aria-modal="true" aria-labelledby={`share-${entry.id}`}>
      <section className="card stack">
      <h2 id={`share-${entry.id}`} ref={heading} tabIndex={-1}>
        Share “{entry.title}” with family
      </h2>
      <p className="hint">Anyone with the link can watch it and print the book, without signing in, until it ends or you end it.</p>
      {error && <ErrorNotice message={error} />}
      {made ? (
        <div className="stack">
          <label htmlFor={`share-url-${entry.id}`}>The link (shown only now: copy it)</label>
          <div className="share-link">
            <input id={`share-url-${entry.id}`} type="url" readOnly value={made.url} onFocus={(event) => event.target.select()} />
            <button type="button" className="button button--small" onClick={() => copy(made.url)}>
              Copy link
            </button>
          </div>
          <p className="hint" role="status">
            {copied ? "Copied. Paste it in a message to family." : `It works until ${formatDate(made.expires_at)}.`}
          </p>
        </div>
      ) : (
        <div className="stack">
          <TextField id={`share-label-${entry.id}`} label="Who is it for? (optional)" max={40} value={label} hint="Like “Grandma”; only you see it." onChange={setLabel} />
          <div className="field">
            <label htmlFor={`share-days-${entry.id}`}>How long it works</label>
            <select id={`share-days-${entry.id}`} value={days} onChange={(event) => setDays(Number(event.target.value))}>
              {LASTS.map((choice) => (
                <option key={choice.days} value={choice.days}>
                  {choice.label}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      {links && links.length > 0 && (
        <ul className="share-list" aria-label="Links that work now">
          {links.map((link) => (
            <li key={link.id}>
              <span>
                {link.label ?? "A link"} · opened {link.views} {link.views === 1 ? "time" : "times"} · until {formatDate(link.expires_at)}
              </span>
              <button type="button" className="button button--small button--quiet" onClick={() => revoke(link)}>
                End<span className="visually-hidden"> the link{link.label ? ` for ${link.label}` : ""}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="actions actions--split">
        <button type="button" className="button" onClick={onClose}>
          Done
        </button>
        {made ? (
          <button type="button" className="button" onClick={() => setMade(null)}>
            Make another link
          </button>
        ) : (
          <button type="button" className="button button--primary" onClick={make} disabled={busy}>
            {busy ? "Making the link…" : "Make a link"}
          </button>
        )}
      </div>
      </section>
    </div>
  );
}
