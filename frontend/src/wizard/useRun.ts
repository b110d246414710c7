import { useCallback, useEffect, useState } from "react";

import { useApi } from "../api/ApiContext";
import { ApiError, friendlyMessage } from "../api/errors";
import type { RunView, StageName } from "../api/types";
import { activeStage, percentOf } from "./steps";

export interface Progress {
  stage: StageName;
  percent: number;
}

export interface RunState {
  run: RunView | null;
  progress: Progress | null;
  error: string | null;
  notFound: boolean;
  /** Reads the run again and follows it while it is being worked on (after the parent moved it on). */
  refresh: () => void;
}

const RECONNECT_MS = 2000;

/** The run in the URL, kept current: while a stage runs, its live progress from the event stream. Reads only, never POSTs. */
export function useRun(runId: string): RunState {
  const api = useApi();
  const [run, setRun] = useState<RunView | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    (async () => {
      try {
        let current = await api.getRun(runId, { signal });
        setRun(current);
        setError(null);
        setProgress({ stage: activeStage(current), percent: percentOf(current) });
        while (current.status === "running" && !signal.aborted) {
          try {
            const end = await api.followRun(
              runId,
              // The stream first replays every stage's state; the words follow the stage being worked on now.
              (event) => setProgress((latest) => ({ stage: event.status === "running" ? event.stage : (latest?.stage ?? activeStage(current)), percent: event.percent })),
              signal,
            );
            setProgress((latest) => ({ stage: latest?.stage ?? activeStage(current), percent: end.percent }));
          } catch (caught) {
            if (signal.aborted || !(caught instanceof ApiError) || caught.status !== 0) throw caught;
            // The stream dropped (a phone changing networks): read the run again and carry on.
            await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
          }
          current = await api.getRun(runId, { signal });
          setRun(current);
        }
        setProgress({ stage: activeStage(current), percent: percentOf(current) });
      } catch (caught) {
        if (signal.aborted) return;
        setNotFound(caught instanceof ApiError && caught.status === 404);
        setError(friendlyMessage(caught));
      }
    })();
    return () => controller.abort();
  }, [api, runId, generation]);

  const refresh = useCallback(() => setGeneration((value) => value + 1), []);
  return { run, progress, error, notFound, refresh };
}
