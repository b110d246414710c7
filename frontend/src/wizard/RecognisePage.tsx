import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";

import { useFileUrl } from "../api/useFileUrl";
import { LIMITS, type DrawingAnalysis, type RunView } from "../api/types";
import { ErrorNotice } from "../components/ErrorNotice";
import { PageTitle } from "../components/PageTitle";
import { ProgressMeter } from "../components/ProgressMeter";
import { useDraft } from "./drafts";
import { RunGate } from "./RunGate";
import { StepCount } from "./StepCount";
import { STAGE_LABELS, analysisProblem, formatList, parseList, stepPath } from "./steps";
import { useRun, type RunState } from "./useRun";

export function RecognisePage() {
  const { runId = "" } = useParams();
  const state = useRun(runId);
  return (
    <RunGate state={state} step="recognise">
      {(run) => <Recognise run={run} state={state} />}
    </RunGate>
  );
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
  const [details, setDetails] = useState(() => formatList(analysis.details));
  const [colours, setColours] = useState(() => formatList(analysis.colors));
  const problem = analysisProblem(analysis);

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
      <TextField label="What it is" id="subject" value={analysis.subject} max={LIMITS.subject} onChange={(subject) => change({ subject })} />
      <TextField label="Where it is" id="setting" value={analysis.setting} max={LIMITS.setting} onChange={(setting) => change({ setting })} />
      <div className="field">
        <label htmlFor="details">Details</label>
        <input
          id="details"
          value={details}
          aria-describedby="details-hint"
          onChange={(event) => {
            setDetails(event.target.value);
            change({ details: parseList(event.target.value) });
          }}
        />
        <p className="hint" id="details-hint">
          Separate them with commas, e.g. “a red hat, a big smile”.
        </p>
      </div>
      <TextField label="Mood" id="mood" value={analysis.mood} max={LIMITS.mood} onChange={(mood) => change({ mood })} />
      <div className="field">
        <label htmlFor="colours">Colours</label>
        <input
          id="colours"
          value={colours}
          aria-describedby="colours-hint"
          onChange={(event) => {
            setColours(event.target.value);
            change({ colors: parseList(event.target.value) });
          }}
        />
        <p className="hint" id="colours-hint">
          Separate them with commas.
        </p>
      </div>
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

interface TextFieldProps {
  label: string;
  id: string;
  value: string;
  max: number;
  onChange: (value: string) => void;
}

function TextField({ label, id, value, max, onChange }: TextFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} maxLength={max} onChange={(event) => onChange(event.target.value)} aria-describedby={`${id}-count`} />
      <p className="hint hint--count" id={`${id}-count`}>
        {value.length}/{max}
      </p>
    </div>
  );
}
