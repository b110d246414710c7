// The parent's unsaved work on a run (corrections, choices, script edits), kept in the browser
// so a refresh, a back button or a phone call never loses it. The run itself lives on the server.

import { useCallback, useState } from "react";

import type { DrawingAnalysis, StoryOptions, StoryScript } from "../api/types";

const PREFIX = "nocomelon.draft.";

export interface RunDraft {
  analysis?: DrawingAnalysis;
  options?: Partial<StoryOptions>;
  script?: StoryScript;
}

export function loadDraft(runId: string): RunDraft {
  try {
    return JSON.parse(localStorage.getItem(PREFIX + runId) ?? "{}") as RunDraft;
  } catch {
    return {};
  }
}

export function saveDraft(runId: string, draft: RunDraft): void {
  try {
    localStorage.setItem(PREFIX + runId, JSON.stringify(draft));
  } catch {
    // Storage full or disabled (private mode): the work still lives in the page until it is sent.
  }
}

export function clearDraft(runId: string): void {
  localStorage.removeItem(PREFIX + runId);
}

export function clearAllDrafts(): void {
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith(PREFIX)) localStorage.removeItem(key);
  }
}

export function useDraft(runId: string): [RunDraft, (change: Partial<RunDraft>) => void] {
  const [draft, setDraft] = useState<RunDraft>(() => loadDraft(runId));
  const [draftOf, setDraftOf] = useState(runId);
  if (draftOf !== runId) {
    // Another run in the same page (back/forward between runs): its own draft.
    setDraftOf(runId);
    setDraft(loadDraft(runId));
  }
  const update = useCallback(
    (change: Partial<RunDraft>) => {
      setDraft((current) => {
        const next = { ...current, ...change };
        saveDraft(runId, next);
        return next;
      });
    },
    [runId],
  );
  return [draft, update];
}
