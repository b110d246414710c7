import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";

import { useApi } from "../api/ApiContext";
import { friendlyMessage } from "../api/errors";
import type { LibraryEntry } from "../api/types";
import { useFileUrl } from "../api/useFileUrl";
import { BookLinks } from "../components/BookLinks";
import { ErrorNotice } from "../components/ErrorNotice";
import { Icon } from "../components/Icon";
import { Loading } from "../components/Loading";
import { PageTitle } from "../components/PageTitle";
import { RetryNotice } from "../components/RetryNotice";
import { formatDate, formatDuration, spokenDuration } from "./format";
import { Player } from "./Player";
import { ShareDialog } from "./ShareDialog";

export function LibraryPage() {
  const api = useApi();
  const [items, setItems] = useState<LibraryEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [playing, setPlaying] = useState<LibraryEntry | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    api.library().then(
      (page) => {
        if (!current) return;
        setItems(page.items);
        setCursor(page.next_cursor);
      },
      (caught: unknown) => current && setError(friendlyMessage(caught)),
    );
    return () => {
      current = false;
    };
  }, [api, attempt]);

  async function more() {
    if (!cursor) return;
    try {
      const page = await api.library(cursor);
      setItems((shown) => [...(shown ?? []), ...page.items]);
      setCursor(page.next_cursor);
    } catch (caught) {
      setError(friendlyMessage(caught));
    }
  }

  const removed = useCallback((entry: LibraryEntry) => {
    setItems((shown) => shown?.filter((item) => item.id !== entry.id) ?? null);
    setAnnouncement(`“${entry.title}” was deleted.`);
  }, []);
  const closePlayer = useCallback(() => setPlaying(null), []);

  return (
    <div className="page stack">
      <PageTitle>Your library</PageTitle>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      {error && (
        <RetryNotice
          message={error}
          primary={false}
          onRetry={() => {
            setError(null);
            setAttempt((value) => value + 1);
          }}
        />
      )}
      {items === null && !error && <Loading label="Opening your library" />}
      {items?.length === 0 && (
        <div className="empty card stack">
          <p className="empty__icon">
            <Icon name="book" size={48} />
          </p>
          <h2>No storybooks yet</h2>
          <p>Make one from a drawing: it takes a couple of minutes, and it will be kept here to watch again.</p>
          <Link className="button button--primary" to="/new">
            Make your first storybook
          </Link>
        </div>
      )}
      {items && items.length > 0 && (
        <ul className="shelf" aria-label="Saved storybooks, newest first">
          {items.map((entry) => (
            <Book key={entry.id} entry={entry} onPlay={setPlaying} onDeleted={removed} />
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" className="button" onClick={more}>
          Show older storybooks
        </button>
      )}
      {playing && <Player entry={playing} onClose={closePlayer} />}
    </div>
  );
}

interface BookProps {
  entry: LibraryEntry;
  onPlay: (entry: LibraryEntry) => void;
  onDeleted: (entry: LibraryEntry) => void;
}

function Book({ entry, onPlay, onDeleted }: BookProps) {
  const api = useApi();
  const thumbnail = useFileUrl(entry.thumbnail_key);
  const [confirming, setConfirming] = useState(false);
  const [sharing, setSharing] = useState(false);
  const closeShare = useCallback(() => setSharing(false), []);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function remove() {
    setDeleting(true);
    setError(null);
    try {
      await api.deleteFromLibrary(entry.id);
      onDeleted(entry);
    } catch (caught) {
      setError(friendlyMessage(caught));
      setDeleting(false);
    }
  }

  return (
    <li className="book card" aria-labelledby={`book-${entry.id}`}>
      {/* A big target for a thumb; keyboards and screen readers have the Play button below. */}
      <button type="button" className="book__cover" onClick={() => onPlay(entry)} tabIndex={-1} aria-hidden="true">
        {thumbnail.url ? <img src={thumbnail.url} alt="" /> : <span className="book__cover-placeholder" />}
        <span className="book__duration">
          {formatDuration(entry.duration_sec)}
        </span>
        <span className="book__play">
          ▶
        </span>
      </button>
      <div className="book__text">
        <h2 id={`book-${entry.id}`} className="book__title">
          {entry.title}
        </h2>
        <p className="hint">
          {formatDate(entry.created_at)} · <span className="visually-hidden">{spokenDuration(entry.duration_sec)}</span>
          <span aria-hidden="true">{formatDuration(entry.duration_sec)}</span>
        </p>
      </div>
      <BookLinks bookKeys={entry.book_keys} title={entry.title} />
      {error && <ErrorNotice message={error} />}
      {sharing && <ShareDialog entry={entry} onClose={closeShare} />}
      {confirming ? (
        <div className="confirm stack" role="group" aria-label={`Delete “${entry.title}”?`}>
          <p>Delete “{entry.title}”? This can't be undone.</p>
          <div className="actions actions--split">
            <button type="button" className="button" onClick={() => setConfirming(false)} disabled={deleting}>
              Keep it
            </button>
            <button type="button" className="button button--danger" onClick={remove} disabled={deleting}>
              {deleting ? "Deleting…" : "Delete"}
            </button>
          </div>
        </div>
      ) : (
        <div className="actions actions--split">
          <button type="button" className="button button--small" onClick={() => onPlay(entry)}>
            Play<span className="visually-hidden"> “{entry.title}” full screen</span>
          </button>
          <button type="button" className="button button--small" onClick={() => setSharing(true)}>
            Share<span className="visually-hidden"> “{entry.title}” with family</span>
          </button>
          <button type="button" className="button button--small button--quiet" onClick={() => setConfirming(true)}>
            Delete<span className="visually-hidden"> “{entry.title}”</span>
          </button>
        </div>
      )}
    </li>
  );
}
