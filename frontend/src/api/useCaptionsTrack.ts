import { useEffect, useState } from "react";

import { useApi } from "./ApiContext";

/**
 * A video's captions as a track the player can load: the WebVTT read through the gateway and handed to the player as
 * a file of this page (a storage link is another origin, which a captions track cannot be read from). Null until
 * then, and when there is none: the video plays without it.
 */
export function useCaptionsTrack(s3Key: string | null | undefined): string | null {
  const api = useApi();
  const [track, setTrack] = useState<{ key: string; url: string } | null>(null);
  useEffect(() => {
    if (!s3Key) return;
    let current = true;
    let url: string | null = null;
    api.captions(s3Key).then(
      (text) => {
        if (!current) return;
        url = URL.createObjectURL(new Blob([text], { type: "text/vtt" }));
        setTrack({ key: s3Key, url });
      },
      () => undefined, // no captions track: the words are in the picture anyway
    );
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [api, s3Key]);
  return s3Key && track?.key === s3Key ? track.url : null;
}
