import { useState } from "react";
import { Link, useNavigate } from "react-router";

import { useApi } from "../api/ApiContext";
import { friendlyMessage } from "../api/errors";
import { LIMITS, type RunView, type StoryScript } from "../api/types";
import { ErrorNotice } from "../components/ErrorNotice";
import { PageTitle } from "../components/PageTitle";
import { ProgressMeter } from "../components/ProgressMeter";
import { TextField } from "../components/TextField";
import { useDraft } from "./drafts";
import { RunGate } from "./RunGate";
import { StepCount } from "./StepCount";
import { STAGE_LABELS, scriptProblem, stepPath } from "./steps";
import type { RunState } from "./useRun";

export function ScriptPage() {
  return <RunGate step="script">{(run, state) => <Script run={run} state={state} />}</RunGate>;
}

function Script({ run, state }: { run: RunView; state: RunState }) {
  const api = useApi();
  const navigate = useNavigate();
  const [draft, updateDraft] = useDraft(run.run_id);
  const [sending, setSending] = useState<"rewrite" | "approve" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const writing = run.status === "running" && run.current_stage === "story";

  if (writing || !run.story_script) {
    if (run.status === "failed") {
      return (
        <div className="page stack">
          <StepCount step={4} />
          <PageTitle>The story</PageTitle>
          <ErrorNotice message={run.error?.message ?? "We couldn't write the story this time."}>
            <Link className="button button--primary" to={stepPath(run.run_id, "customise", "context")}>
              Try again
            </Link>
          </ErrorNotice>
        </div>
      );
    }
    return (
      <div className="page stack">
        <StepCount step={4} />
        <PageTitle>Writing your story</PageTitle>
        <p className="lead">A few seconds while we write a story from the drawing and your choices.</p>
        <ProgressMeter label={STAGE_LABELS.story} percent={state.progress?.percent ?? 0} />
      </div>
    );
  }

  const script: StoryScript = draft.script ?? run.story_script;
  const problem = scriptProblem(script);
  const { drawing_analysis: analysis, options } = run;

  function edit(changes: Partial<StoryScript>) {
    updateDraft({ script: { ...script, ...changes } });
  }

  async function rewrite() {
    if (!analysis || !options || sending) return;
    setSending("rewrite");
    setError(null);
    try {
      await api.generateStory({ run_id: run.run_id, drawing_analysis: analysis, ...options });
      updateDraft({ script: undefined });
      state.refresh();
    } catch (caught) {
      setError(friendlyMessage(caught));
    } finally {
      setSending(null);
    }
  }

  async function approve() {
    if (!analysis || !options || problem || sending) return;
    setSending("approve");
    setError(null);
    try {
      await api.generateVideo({ run_id: run.run_id, story: script, drawing: analysis, style: options.style, voice_type: options.voice });
      navigate(stepPath(run.run_id, "preview"));
    } catch (caught) {
      setError(friendlyMessage(caught));
      setSending(null);
    }
  }

  return (
    <form
      className="page stack"
      onSubmit={(event) => {
        event.preventDefault();
        void approve();
      }}
    >
      <StepCount step={4} />
      <PageTitle>The story</PageTitle>
      <p className="lead">Read it through and change any words you like. Each scene becomes one page of the video.</p>
      {/* What the story stage tells the parent, e.g. why their personal context was left out, so nothing is dropped silently. */}
      {(run.story_notes ?? []).map((note) => (
        <p className="notice" role="status" key={note}>
          {note}
        </p>
      ))}
      <TextField id="title" label="Title" value={script.title} max={LIMITS.title} onChange={(title) => edit({ title })} />
      {script.scenes.map((scene, index) => (
        <TextField
          key={scene.number}
          id={`scene-${scene.number}`}
          label={`Scene ${scene.number}`}
          rows={4}
          value={scene.text}
          max={LIMITS.sceneText}
          onChange={(text) => edit({ scenes: script.scenes.map((other, at) => (at === index ? { ...other, text } : other)) })}
        />
      ))}
      {problem && (
        <p className="hint hint--warning" id="script-problem">
          {problem}
        </p>
      )}
      {error && <ErrorNotice message={error} />}
      <div className="actions actions--stacked">
        <button type="submit" className="button button--primary" disabled={sending !== null || problem !== null}>
          {sending === "approve" ? "Starting the video…" : "Approve and make the video"}
        </button>
        <button type="button" className="button" onClick={rewrite} disabled={sending !== null}>
          {sending === "rewrite" ? "Asking for a new story…" : "Write a different story"}
        </button>
      </div>
    </form>
  );
}
