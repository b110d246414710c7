import { useEffect, useState } from "react";

import { useApi } from "../api/ApiContext";
import { friendlyMessage } from "../api/errors";
import type { Options } from "../api/types";

/** The choices with their labels and what is recommended for this run's drawing. */
export function useOptions(runId: string) {
  const api = useApi();
  const [options, setOptions] = useState<Options | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    api.options(runId).then(
      (loaded) => current && setOptions(loaded),
      (caught: unknown) => current && setError(friendlyMessage(caught)),
    );
    return () => {
      current = false;
    };
  }, [api, runId, attempt]);
  const retry = () => {
    setError(null);
    setAttempt((value) => value + 1);
  };
  return { options, error, retry };
}
