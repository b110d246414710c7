import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route } from "react-router";
import { describe, expect, it, vi } from "vitest";

import type { DrawingAnalysis } from "../api/types";
import { renderWithApi } from "../test/renderWithApi";
import { runView } from "../test/runs";
import { RecognisePage } from "./RecognisePage";

const HINT = /What did your child draw\?/;

function recognised(analysis: DrawingAnalysis) {
  return runView({ current_stage: "vision", stages: { ...runView().stages, story: { status: "pending" } }, drawing_analysis: analysis });
}

function renderRecognise(analysis: DrawingAnalysis) {
  const api = { getRun: vi.fn(async () => recognised(analysis)), followRun: vi.fn(), fileUrl: vi.fn(async () => "blob:drawing") };
  renderWithApi(api, "/runs/r1/recognise", <Route path="/runs/:runId/recognise" element={<RecognisePage />} />);
  return api;
}

describe("the recognition step", () => {
  it("asks what the child drew, with the subject highlighted, when the analysis is unsure", async () => {
    renderRecognise({ subject: "your drawing's hero", subject_unsure: true, subject_confidence: 0.3, setting: "", mood: "happy", figure_count: 1, character: "" });
    const subject = await screen.findByLabelText("What it is");
    expect(subject.closest(".field")).toHaveClass("field--highlighted");
    expect(subject).toHaveAccessibleDescription(HINT);

    await userEvent.clear(subject);
    await userEvent.type(subject, "a red rocket named Zoom");
    expect(screen.queryByText(HINT)).not.toBeInTheDocument();
    expect(subject.closest(".field")).not.toHaveClass("field--highlighted");
  });

  it("shows a subject it is sure of plainly", async () => {
    renderRecognise({ subject: "a red rocket", subject_unsure: false, subject_confidence: 0.8, setting: "", mood: "happy", figure_count: 1, character: "" });
    const subject = await screen.findByLabelText("What it is");
    expect(subject).toHaveValue("a red rocket");
    expect(subject.closest(".field")).not.toHaveClass("field--highlighted");
    expect(screen.queryByText(HINT)).not.toBeInTheDocument();
  });
});
