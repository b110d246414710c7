import { useState } from "react";
import { Link, useNavigate } from "react-router";

import { useApi } from "../api/ApiContext";
import { friendlyMessage } from "../api/errors";
import type { RunView, Scene, SceneRedoRequest, Style } from "../api/types";
import { useFileUrl } from "../api/useFileUrl";
import { BookLinks } from "../components/BookLinks";
import { ChoiceCards } from "../components/ChoiceCards";
import { ErrorNotice } from "../components/ErrorNotice";
import { PageTitle } from "../components/PageTitle";
import { ProgressMeter } from "../components/ProgressMeter";
import { StoryVideo } from "../components/StoryVideo";
import { TextField } from "../components/TextField";
import { clearDraft } from "./drafts";
import { RunGate } from "./RunGate";
import { StepCount } from "./StepCount";
import { STAGE_LABELS } from "./steps";
import { useOptions } from "./useOptions";
import type { RunState } from "./useRun";

export function PreviewPage() {
  return <RunGate step="preview">{(run, state) => <Preview run={run} state={state} />}</RunGate>;
}

type Panel = "none" | "new-look" | "redo" | "discard";

function Preview({ run, state }: { run: RunView; state: RunState }) {
  const api = useApi();
  const navigate = useNavigate();
  const [panel, setPanel] = useState<Panel>("none");
  const [busy, setBusy] = useState<"save" | "new-look" | "redo" | "retry" | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const complete = run.status === "complete" && run.video_result !== null;
  const video = useFileUrl(complete ? run.video_result?.video_key : null);

  async function act(kind: "save" | "new-look" | "redo" | "retry", action: () => Promise<void>) {
    if (busy) return;
    setBusy(kind);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(friendlyMessage(caught));
    } finally {
      setBusy(null);
    }
  }

  /** The run's files keep their keys when they are made again: links to the old ones must not be reused. */
  function madeAgain() {
    const made = run.video_result;
    if (made) for (const key of [made.video_key, made.thumbnail_key, ...Object.values(made.book_keys ?? {})]) api.forgetFile(key);
    setSaved(false);
    setPanel("none");
    state.refresh();
  }

  function remake(style: Style) {
    const { story_script: story, drawing_analysis: drawing, options } = run;
    if (!story || !drawing || !options) return Promise.resolve();
    return api.generateVideo({ run_id: run.run_id, story, drawing, style, voice_type: options.voice }).then(madeAgain);
  }

  function redo(scene: number, request: SceneRedoRequest) {
    return api.redoScene(run.run_id, scene, request).then(madeAgain);
  }

  const progress = state.progress;
  return (
    <div className="page stack">
      <StepCount step={5} />
      <PageTitle>{complete ? run.story_script?.title ?? "Your storybook" : "Making your storybook"}</PageTitle>

      {run.status === "failed" ? (
        <ErrorNotice message={run.error?.message ?? "We couldn't finish the video."}>
          <button
            type="button"
            className="button button--primary"
            disabled={busy !== null}
            onClick={() => act("retry", () => remake(run.options?.style ?? "storybook"))}
          >
            Try again
          </button>
          <Link className="button" to={`/runs/${run.run_id}/script`}>
            Back to the story
          </Link>
        </ErrorNotice>
      ) : complete ? (
        <>
          <ProgressMeter label="Your storybook is ready" percent={100} />
          {video.url ? (
            // The file streams from storage: it starts playing before it has all arrived.
            <StoryVideo
              src={video.url}
              title={run.story_script?.title ?? "your storybook"}
              captionsKey={run.video_result?.captions_key}
              language={run.options?.language}
              preload="metadata"
            />
          ) : video.failed ? (
            <ErrorNotice message="We couldn't open the video just now.">
              <button type="button" className="button" onClick={state.refresh}>
                Try again
              </button>
            </ErrorNotice>
          ) : (
            <div className="video video--placeholder" aria-hidden="true" />
          )}
        </>
      ) : (
        <>
          <p className="lead">We're painting the pictures, recording the narrator and putting it all together. It takes about a minute; you can keep this page open or come back to it.</p>
          <ProgressMeter label={progress ? STAGE_LABELS[progress.stage] : "Starting"} percent={progress?.percent ?? 0} />
        </>
      )}

      {error && <ErrorNotice message={error} />}

      {complete && panel === "none" && <BookLinks bookKeys={run.video_result?.book_keys} title={run.story_script?.title ?? "your storybook"} />}

      {complete && panel === "none" && (
        <div className="actions actions--stacked">
          {saved ? (
            <p className="success" role="status">
              Saved to your library. <Link to="/library">Open the library</Link>
            </p>
          ) : (
            <button type="button" className="button button--primary" disabled={busy !== null} onClick={() => act("save", () => api.saveToLibrary(run.run_id).then(() => setSaved(true)))}>
              {busy === "save" ? "Saving…" : "Save to my library"}
            </button>
          )}
          <button type="button" className="button" onClick={() => setPanel("new-look")} disabled={busy !== null}>
            Try a different look
          </button>
          <button type="button" className="button" onClick={() => setPanel("redo")} disabled={busy !== null}>
            Change one page
          </button>
          <button type="button" className="button button--quiet" onClick={() => setPanel("discard")} disabled={busy !== null}>
            Discard
          </button>
        </div>
      )}

      {complete && panel === "new-look" && (
        <NewLook
          run={run}
          busy={busy === "new-look"}
          onCancel={() => setPanel("none")}
          onMake={(style) => act("new-look", () => remake(style))}
        />
      )}

      {complete && panel === "redo" && run.story_script && (
        <RedoPage
          scenes={run.story_script.scenes}
          saved={saved}
          busy={busy === "redo"}
          onCancel={() => setPanel("none")}
          onRedo={(scene, request) => act("redo", () => redo(scene, request))}
        />
      )}

      {complete && panel === "discard" && (
        <section className="card confirm stack" aria-labelledby="discard-title">
          <h2 id="discard-title">Discard this storybook?</h2>
          <p>{saved ? "It stays in your library; this only leaves the page." : "It isn't saved, so it will be gone."}</p>
          <div className="actions actions--split">
            <button type="button" className="button" onClick={() => setPanel("none")}>
              Keep it
            </button>
            <button
              type="button"
              className="button button--danger"
              onClick={() => {
                clearDraft(run.run_id);
                navigate("/new");
              }}
            >
              Discard
            </button>
          </div>
        </section>
      )}
    </div>
  );
}

function NewLook({ run, busy, onCancel, onMake }: { run: RunView; busy: boolean; onCancel: () => void; onMake: (style: Style) => void }) {
  const { options, error } = useOptions(run.run_id);
  const [style, setStyle] = useState<Style | undefined>(undefined);
  const styles = options?.styles.filter((choice) => choice.value !== run.options?.style);
  return (
    <section className="card stack" aria-labelledby="new-look-title">
      <h2 id="new-look-title">Try a different look</h2>
      <p>Same story and narrator, painted in another style.</p>
      {error && <ErrorNotice message={error} />}
      {styles && (
        <ChoiceCards
          legend="Pick a look"
          name="new-style"
          choices={styles}
          value={style}
          onChange={setStyle}
          picture={(choice) => <img className="choice__picture" src={`/styles/${choice.value}.jpg`} alt="" width="320" height="180" />}
        />
      )}
      <div className="actions actions--split">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button button--primary" disabled={!style || busy} onClick={() => style && onMake(style)}>
          {busy ? "Starting…" : "Make it"}
        </button>
      </div>
    </section>
  );
}

interface RedoProps {
  scenes: Scene[];
  saved: boolean;
  busy: boolean;
  onCancel: () => void;
  onRedo: (scene: number, request: SceneRedoRequest) => void;
}

/** One page made again: a new picture, new words (narrated again), or both; every other page stays as it is. */
function RedoPage({ scenes, saved, busy, onCancel, onRedo }: RedoProps) {
  const [number, setNumber] = useState(1);
  const [picture, setPicture] = useState(false);
  const scene = scenes.find((each) => each.number === number) ?? scenes[0];
  const [texts, setTexts] = useState<Record<number, string>>({});
  const text = texts[scene.number] ?? scene.text;
  const reworded = text.trim().split(/\s+/).join(" ") !== scene.text.trim().split(/\s+/).join(" ");
  return (
    <section className="card stack" aria-labelledby="redo-title">
      <h2 id="redo-title">Change one page</h2>
      <p>
        Only this page is made again; the others stay exactly as they are.
        {saved && " The storybook in your library stays as it is: save this one as a new version if you like it better."}
      </p>
      <div className="field">
        <label htmlFor="redo-page">Which page</label>
        <select id="redo-page" value={number} onChange={(event) => setNumber(Number(event.target.value))}>
          {scenes.map((each) => (
            <option key={each.number} value={each.number}>
              Page {each.number}: {each.text.length > 40 ? `${each.text.slice(0, 40)}…` : each.text}
            </option>
          ))}
        </select>
      </div>
      <label className="check" htmlFor="redo-picture">
        <input id="redo-picture" type="checkbox" checked={picture} onChange={(event) => setPicture(event.target.checked)} />
        <span>Paint a new picture for this page</span>
      </label>
      <TextField
        id="redo-text"
        label="The page's words"
        rows={4}
        max={600}
        value={text}
        hint="Change them and the narrator reads the new words."
        onChange={(value) => setTexts({ ...texts, [scene.number]: value })}
      />
      <div className="actions actions--split">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={busy || (!picture && !reworded) || text.trim() === ""}
          onClick={() => onRedo(scene.number, { picture, ...(reworded ? { text: text.trim() } : {}) })}
        >
          {busy ? "Starting…" : "Make this page again"}
        </button>
      </div>
    </section>
  );
}
