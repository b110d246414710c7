import { useState } from "react";
import { Link, useNavigate } from "react-router";

import { useFileUrl } from "../api/useFileUrl";
import { LIMITS, type DrawingAnalysis, type RunView } from "../api/types";
import { ErrorNotice } from "../components/ErrorNotice";
import { PageTitle } from "../components/PageTitle";
import { ProgressMeter } from "../components/ProgressMeter";
import { TextField } from "../components/TextField";
import { useDraft } from "./drafts";
import { RunGate } from "./RunGate";
import { StepCount } from "./StepCount";
import { STAGE_LABELS, analysisProblem, formatList, parseList, stepPath } from "./steps";
import type { RunState } from "./useRun";

export function RecognisePage() {
  return <RunGate step="recognise">{(run, state) => <Recognise run={run} state={state} />}</RunGate>;
}

function Recognise({ run, state }: { run: RunView; state: RunState }) {
  const drawing = useFileUrl(run.drawing_key);
  return (
    <div className="page stack">
      <StepCount step={2} />
      <PageTitle>What we saw</PageTitle>
      {drawing.url && <img className="drawing-thumb" src={drawing.url} alt="Your child's drawing" />}
      {run.status === "failed" ? (
        <ErrorNotice message={run.error?.message ?? "We couldn't look at this drawing properly."}>
          <Link className="button button--primary" to="/new">
            Try another photo
          </Link>
        </ErrorNotice>
      ) : run.drawing_analysis ? (
        <AnalysisForm run={run} analysis={run.drawing_analysis} />
      ) : (
        <>
          <p className="lead">We're having a good look at the drawing. This takes a few seconds.</p>
          <ProgressMeter label={STAGE_LABELS.vision} percent={state.progress?.percent ?? 0} />
        </>
      )}
    </div>
  );
}

function AnalysisForm({ run, analysis: recognised }: { run: RunView; analysis: DrawingAnalysis }) {
  const navigate = useNavigate();
  const [draft, updateDraft] = useDraft(run.run_id);
  const analysis = draft.analysis ?? recognised;
  const problem = analysisProblem(analysis);
  const unsure = analysis.subject_unsure ?? false;

  function change(changes: Partial<DrawingAnalysis>) {
    updateDraft({ analysis: { ...analysis, ...changes } });
  }

  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        if (!problem) navigate(stepPath(run.run_id, "customise", "style"));
      }}
    >
      <p className="lead">This is what we think the drawing shows. Change anything we got wrong: the story is built from it.</p>
      <TextField
        label="What it is"
        id="subject"
        value={analysis.subject}
        max={LIMITS.subject}
        highlighted={unsure}
        hint={unsure ? "What did your child draw? We couldn't tell from the shapes, so tell us: the story will be about it." : undefined}
        // Once the parent has named it, the subject is theirs and sure.
        onChange={(subject) => change({ subject, subject_unsure: false, subject_confidence: 1 })}
      />
      <TextField label="Where it is" id="setting" value={analysis.setting} max={LIMITS.setting} onChange={(setting) => change({ setting })} />
      <ListField
        label="Details"
        id="details"
        list={analysis.details ?? []}
        hint="Separate them with commas, e.g. “a red hat, a big smile”."
        onChange={(details) => change({ details })}
      />
      <TextField label="Mood" id="mood" value={analysis.mood} max={LIMITS.mood} onChange={(mood) => change({ mood })} />
      <ListField label="Colours" id="colours" list={analysis.colors ?? []} hint="Separate them with commas." onChange={(colors) => change({ colors })} />
      {problem && run.drawing_analysis && (
        <p className="hint hint--warning" id="analysis-problem">
          {problem}
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={problem !== null} aria-describedby={problem ? "analysis-problem" : undefined}>
        Looks good
      </button>
    </form>
  );
}

interface ListFieldProps {
  label: string;
  id: string;
  list: string[];
  hint: string;
  onChange: (list: string[]) => void;
}

/** A list typed with commas between its items: the parent's typing stays as typed while the list follows it. */
function ListField({ label, id, list, hint, onChange }: ListFieldProps) {
  const [text, setText] = useState(() => formatList(list));
  return (
    <TextField
      label={label}
      id={id}
      value={text}
      hint={hint}
      onChange={(value) => {
        setText(value);
        onChange(parseList(value));
      }}
    />
  );
}
