import { useState } from "react";
import { Link, Navigate, useNavigate, useParams } from "react-router";

import { useApi } from "../api/ApiContext";
import { friendlyMessage } from "../api/errors";
import type { Choice, RunView, StoryOptions } from "../api/types";
import { ChoiceCards } from "../components/ChoiceCards";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { PageTitle } from "../components/PageTitle";
import { RetryNotice } from "../components/RetryNotice";
import { TextField } from "../components/TextField";
import { useDraft } from "./drafts";
import { RunGate } from "./RunGate";
import { StepCount } from "./StepCount";
import { CHOICES, isChoiceStep, stepPath, type ChoiceStep } from "./steps";
import { useOptions } from "./useOptions";
import { VoiceSample } from "./VoiceSample";

const TITLES: Record<ChoiceStep | "language", string> = {
  style: "Pick a look",
  theme: "What is the story about?",
  voice: "Who reads it?",
  language: "In which language?",
  age: "How old is your child?",
  context: "Anything to weave in?",
};

type ListedChoice = "style" | "theme" | "voice" | "language";

export function CustomisePage() {
  const { runId = "", choice } = useParams();
  if (!isChoiceStep(choice)) return <Navigate to={stepPath(runId, "customise", "style")} replace />;
  return <RunGate step="customise">{(run) => <Customise key={choice} run={run} choice={choice} />}</RunGate>;
}

function Customise({ run, choice }: { run: RunView; choice: ChoiceStep }) {
  const api = useApi();
  const navigate = useNavigate();
  const { options, error, retry } = useOptions(run.run_id);
  const [draft, updateDraft] = useDraft(run.run_id);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);

  if (error) {
    return (
      <div className="page">
        <RetryNotice message={error} onRetry={retry} />
      </div>
    );
  }
  if (!options) return <Loading label="Getting the choices" />;

  // The parent's choices so far, with the recommendation for each one they have not made yet.
  const chosen: StoryOptions = { ...options.recommended, ...draft.options };
  const index = CHOICES.indexOf(choice);
  const previous = index === 0 ? stepPath(run.run_id, "recognise") : stepPath(run.run_id, "customise", CHOICES[index - 1]);
  const last = index === CHOICES.length - 1;

  function choose(changes: Partial<StoryOptions>) {
    updateDraft({ options: { ...draft.options, ...changes } });
  }

  /** The cards for a choice of one word from the gateway's list. */
  const listed = <K extends ListedChoice>(name: K, choices: Choice<StoryOptions[K]>[]) => ({
    legend: TITLES[name],
    name,
    choices,
    value: chosen[name],
    recommended: options.recommended[name],
    onChange: (value: StoryOptions[K]) => choose({ [name]: value }),
  });

  async function writeStory() {
    const analysis = draft.analysis ?? run.drawing_analysis;
    if (!analysis || sending) return;
    setSending(true);
    setSendError(null);
    try {
      await api.generateStory({ run_id: run.run_id, drawing_analysis: analysis, ...chosen });
      updateDraft({ script: undefined }); // a new story replaces any edits of an old one
      navigate(stepPath(run.run_id, "script"));
    } catch (caught) {
      setSendError(friendlyMessage(caught));
      setSending(false);
    }
  }

  const ages: Choice[] = [];
  for (let age = options.age.min; age <= options.age.max; age += 1) ages.push({ value: String(age), label: `${age} years`, description: "" });

  return (
    <form
      className="page stack"
      onSubmit={(event) => {
        event.preventDefault();
        if (last) void writeStory();
        else navigate(stepPath(run.run_id, "customise", CHOICES[index + 1]));
      }}
    >
      <StepCount step={3} />
      <PageTitle>{TITLES[choice]}</PageTitle>
      <p className="hint">
        Choice {index + 1} of {CHOICES.length}
        {choice !== "context" && " · we picked one that suits the drawing; change it if you like"}
      </p>
      {choice === "style" && (
        <ChoiceCards
          {...listed("style", options.styles)}
          picture={(style) => <img className="choice__picture" src={`/styles/${style.value}.jpg`} alt="" width="320" height="180" />}
        />
      )}
      {choice === "theme" && <ChoiceCards {...listed("theme", options.themes)} />}
      {choice === "voice" && options.languages.length > 1 && <ChoiceCards {...listed("language", options.languages)} />}
      {choice === "voice" && <ChoiceCards {...listed("voice", options.voices)} aside={(voice) => <VoiceSample voice={voice} />} />}
      {choice === "age" && (
        <>
          <ChoiceCards
            legend={TITLES.age}
            name="age"
            choices={ages}
            value={String(chosen.age)}
            recommended={String(options.recommended.age)}
            onChange={(age) => choose({ age: Number(age) })}
          />
          <label className="check" htmlFor="read-along">
            <input
              id="read-along"
              type="checkbox"
              checked={chosen.read_along ?? options.age.read_along.includes(chosen.age)}
              aria-describedby="read-along-hint"
              onChange={(event) => choose({ read_along: event.target.checked })}
            />
            <span>
              Read-along: light up each word as it is read
              <span className="hint" id="read-along-hint">
                For children learning to read. It starts on for ages {Math.min(...options.age.read_along)} to{" "}
                {Math.max(...options.age.read_along)}; the words are shown either way.
              </span>
            </span>
          </label>
        </>
      )}
      {choice === "context" && (
        <TextField
          id="personal-context"
          label="Something from your child's life (optional)"
          rows={3}
          max={options.personal_context_max_length}
          value={chosen.personal_context}
          hint="Like “a new baby sister” or “first day at school”. Leave it empty if nothing comes to mind."
          onChange={(personal_context) => choose({ personal_context })}
        />
      )}
      {sendError && <ErrorNotice message={sendError} />}
      <div className="actions actions--split">
        <Link className="button" to={previous}>
          Back
        </Link>
        <button type="submit" className="button button--primary" disabled={sending}>
          {last ? (sending ? "Starting the story…" : "Write the story") : "Next"}
        </button>
      </div>
    </form>
  );
}
