import { useEffect, useRef, useState, type DragEvent } from "react";
import { useNavigate } from "react-router";

import { useApi } from "../api/ApiContext";
import { friendlyMessage } from "../api/errors";
import { ErrorNotice } from "../components/ErrorNotice";
import { Icon } from "../components/Icon";
import { PageTitle } from "../components/PageTitle";
import { downscale } from "./downscale";
import { StepCount } from "./StepCount";
import { stepPath } from "./steps";

export function UploadPage() {
  const api = useApi();
  const navigate = useNavigate();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const camera = useRef<HTMLInputElement>(null);
  const library = useRef<HTMLInputElement>(null);

  useEffect(() => {
    // The preview holds the whole photo in memory until its URL is let go.
    return () => {
      if (preview) URL.revokeObjectURL(preview);
    };
  }, [preview]);

  function choose(chosen: File | undefined) {
    if (!chosen) return;
    setError(null);
    setFile(chosen);
    setPreview(chosen.type.startsWith("image/") ? URL.createObjectURL(chosen) : null);
  }

  function drop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  }

  async function send() {
    if (!file || sending) return;
    setSending(true);
    setError(null);
    try {
      const drawing = await downscale(file);
      const accepted = await api.analyzeDrawing(drawing.blob, drawing.name);
      navigate(stepPath(accepted.run_id, "recognise"));
    } catch (caught) {
      setError(friendlyMessage(caught));
      setSending(false);
    }
  }

  return (
    <div className="page stack">
      <StepCount step={1} />
      <PageTitle>Make a storybook</PageTitle>
      <p className="lead">Start with a photo of your child's drawing. Lay it flat, in good light, and fill the frame with it.</p>

      <div
        className={`dropzone${dragging ? " dropzone--over" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        {preview ? (
          // A file that claims to be a picture but isn't shows its name instead; the gateway says what is wrong with it.
          <img className="dropzone__preview" src={preview} alt="The drawing you chose" onError={() => setPreview(null)} />
        ) : file ? (
          <p className="dropzone__name">{file.name}</p>
        ) : (
          <p className="dropzone__hint">
            <span className="dropzone__icon">
              <Icon name="crayon" size={40} />
            </span>
            <span className="desktop-only">Drop a photo of the drawing here, or use the buttons below.</span>
            <span className="mobile-only">Take a photo of the drawing, or pick one you already have.</span>
          </p>
        )}
      </div>

      <div className="actions actions--split">
        <button type="button" className="button" onClick={() => camera.current?.click()} disabled={sending}>
          <Icon name="camera" size={20} />
          Take a photo
        </button>
        <button type="button" className="button" onClick={() => library.current?.click()} disabled={sending}>
          <Icon name="picture" size={20} />
          {file ? "Choose another" : "Choose a photo"}
        </button>
      </div>
      <input
        ref={camera}
        className="visually-hidden"
        type="file"
        accept="image/*"
        capture="environment"
        tabIndex={-1}
        aria-label="Take a photo of the drawing"
        onChange={(event) => {
          choose(event.target.files?.[0]);
          event.target.value = "";
        }}
      />
      <input
        ref={library}
        className="visually-hidden"
        type="file"
        accept="image/*,.heic,.heif"
        tabIndex={-1}
        aria-label="Choose a photo of the drawing"
        data-testid="drawing-file"
        onChange={(event) => {
          choose(event.target.files?.[0]);
          event.target.value = "";
        }}
      />

      {error && (
        <ErrorNotice message={error}>
          <button type="button" className="button" onClick={() => library.current?.click()}>
            Choose a different photo
          </button>
        </ErrorNotice>
      )}

      <button type="button" className="button button--primary" onClick={send} disabled={!file || sending}>
        {sending ? "Sending the drawing…" : "Use this drawing"}
      </button>
    </div>
  );
}
