import { useEffect, useState } from "react";

import { useApi } from "./ApiContext";

/** A link to one of the parent's files (a drawing, a thumbnail, a video), or null until there is one. */
export function useFileUrl(s3Key: string | null | undefined): { url: string | null; failed: boolean } {
  const api = useApi();
  const [link, setLink] = useState<{ key: string; url: string | null; failed: boolean } | null>(null);
  useEffect(() => {
    if (!s3Key) return;
    let current = true;
    api.fileUrl(s3Key).then(
      (url) => current && setLink({ key: s3Key, url, failed: false }),
      () => current && setLink({ key: s3Key, url: null, failed: true }),
    );
    return () => {
      current = false;
    };
  }, [api, s3Key]);
  if (!s3Key || link?.key !== s3Key) return { url: null, failed: false };
  return { url: link.url, failed: link.failed };
}
