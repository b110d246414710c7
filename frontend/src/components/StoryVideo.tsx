import { forwardRef } from "react";

import { useCaptionsTrack } from "../api/useCaptionsTrack";

interface Props {
  src: string;
  title: string;
  captionsKey?: string | null;
  language?: string;
  className?: string;
  preload?: "none" | "metadata" | "auto";
}

/**
 * A storybook's video with its captions track: the words are in the picture already (lit one by one when reading
 * along), so the track starts off; the player's captions button shows it, larger or as the browser is set to.
 */
export const StoryVideo = forwardRef<HTMLVideoElement, Props>(function StoryVideo(
  { src, title, captionsKey, language = "en", className = "video", preload },
  ref,
) {
  const captions = useCaptionsTrack(captionsKey);
  return (
    <video ref={ref} className={className} src={src} controls playsInline preload={preload} aria-label={`Video: ${title}`}>
      {captions && <track kind="captions" src={captions} srcLang={language} label="Captions" />}
    </video>
  );
});
