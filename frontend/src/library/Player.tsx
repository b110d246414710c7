import { useEffect, useRef } from "react";

import type { LibraryEntry } from "../api/types";
import { useFileUrl } from "../api/useFileUrl";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { StoryVideo } from "../components/StoryVideo";

/** A saved storybook over the whole screen (and full screen proper where the browser allows it). */
export function Player({ entry, onClose }: { entry: LibraryEntry; onClose: () => void }) {
  const { url, failed } = useFileUrl(entry.video_key);
  const video = useRef<HTMLVideoElement>(null);
  const close = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    close.current?.focus();
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && !document.fullscreenElement && onClose();
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);

  useEffect(() => {
    const element = video.current;
    if (!url || !element) return;
    // Still within the tap that opened the player, so browsers allow both.
    element.requestFullscreen?.().catch(() => undefined);
    element.play().catch(() => undefined);
  }, [url]);

  return (
    <div className="player" role="dialog" aria-modal="true" aria-labelledby="player-title">
      <div className="player__bar">
        <h2 id="player-title">{entry.title}</h2>
        <button ref={close} type="button" className="button button--small" onClick={onClose}>
          Close
        </button>
      </div>
      {failed ? (
        <ErrorNotice message="We couldn't open this video just now. Please try again." />
      ) : url ? (
        <StoryVideo ref={video} className="player__video" src={url} title={entry.title} captionsKey={entry.captions_key} />
      ) : (
        <Loading label="Opening the video" />
      )}
    </div>
  );
}
