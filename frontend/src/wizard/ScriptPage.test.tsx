import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route } from "react-router";
import { describe, expect, it, vi } from "vitest";

import { renderWithApi } from "../test/renderWithApi";
import { runView } from "../test/runs";
import { ScriptPage } from "./ScriptPage";

const analysis = { subject: "a dragon", setting: "a castle", details: [], mood: "happy", colors: ["green"], figure_count: 1, subject_confidence: 1, subject_unsure: false, character: "" };

const waitingWithScript = runView({
  drawing_analysis: analysis,
  story_script: {
    title: "The Brave Dragon",
    scenes: [
      { number: 1, text: "Once there was a dragon.", setting: "sky", motion: "fly" },
      { number: 2, text: "The end.", setting: "home", motion: "rest" },
    ],
  },
});

function fakeApi() {
  return {
    getRun: vi.fn(async () => waitingWithScript),
    followRun: vi.fn(),
    generateStory: vi.fn(async () => ({ run_id: "r1", status: "running", current_stage: "story" })),
    generateVideo: vi.fn(async () => ({ run_id: "r1", status: "running", current_stage: "images" })),
  };
}

function renderScript(api: ReturnType<typeof fakeApi>) {
  return renderWithApi(
    api,
    "/runs/r1/script",
    <>
      <Route path="/runs/:runId/script" element={<ScriptPage />} />
      <Route path="/runs/:runId/preview" element={<p>Preview of the run</p>} />
    </>,
  );
}

describe("the script step", () => {
  it("keeps edits across a reload, posts nothing by itself, and approves once per click", async () => {
    const api = fakeApi();
    const first = renderScript(api);
    const scene = await screen.findByLabelText("Scene 1");
    await userEvent.clear(scene);
    await userEvent.type(scene, "A brave little dragon.");
    expect(screen.getByText("22/600")).toBeInTheDocument();
    first.unmount();

    renderScript(api); // the page reloaded
    expect(await screen.findByLabelText("Scene 1")).toHaveValue("A brave little dragon.");
    expect(api.generateStory).not.toHaveBeenCalled();
    expect(api.generateVideo).not.toHaveBeenCalled();

    await userEvent.dblClick(screen.getByRole("button", { name: "Approve and make the video" }));
    expect(await screen.findByText("Preview of the run")).toBeInTheDocument();
    expect(api.generateVideo).toHaveBeenCalledOnce();
    expect(api.generateVideo).toHaveBeenCalledWith({
      run_id: "r1",
      story: {
        title: "The Brave Dragon",
        // Where each scene happens and how its figure moves go with the parent's words to the illustrator.
        scenes: [
          { number: 1, text: "A brave little dragon.", setting: "sky", motion: "fly" },
          { number: 2, text: "The end.", setting: "home", motion: "rest" },
        ],
      },
      drawing: analysis,
      style: "anime",
      voice_type: "wise",
    });
  });

  it("tells the parent why their personal context was left out", async () => {
    const note = "We left out what you told us about your child's life, because it reads like an instruction.";
    const api = fakeApi();
    api.getRun.mockResolvedValue({ ...waitingWithScript, story_notes: [note] });
    renderScript(api);
    expect(await screen.findByText(note)).toHaveClass("notice");
  });

  it("won't approve an empty scene", async () => {
    renderScript(fakeApi());
    await userEvent.clear(await screen.findByLabelText("Scene 2"));
    expect(screen.getByText(/Scene 2 is empty/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Approve and make the video" })).toBeDisabled();
  });
});
