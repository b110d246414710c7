import { useEffect, useRef, useState } from "react";

import type { Choice, Voice } from "../api/types";

/** A short line read by this narrator, to listen to before choosing. */
export function VoiceSample({ voice }: { voice: Choice<Voice> }) {
  const audio = useRef<HTMLAudioElement | null>(null);
  const [playing, setPlaying] = useState(false);

  useEffect(() => () => audio.current?.pause(), []);

  function toggle() {
    if (!audio.current) {
      audio.current = new Audio(`/voices/${voice.value}.mp3`);
      audio.current.addEventListener("ended", () => setPlaying(false));
      audio.current.addEventListener("pause", () => setPlaying(false));
    }
    if (playing) {
      audio.current.pause();
      return;
    }
    audio.current.currentTime = 0;
    audio.current.play().then(
      () => setPlaying(true),
      () => setPlaying(false),
    );
  }

  return (
    <button type="button" className="button button--small listen" onClick={toggle} aria-pressed={playing}>
      <span aria-hidden="true">{playing ? "■" : "▶"}</span>
      {playing ? "Stop" : "Listen"}
      <span className="visually-hidden"> to the {voice.label} voice</span>
    </button>
  );
}
