import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route } from "react-router";
import { describe, expect, it, vi } from "vitest";

import type { RunView, StageEvent } from "../api/types";
import { renderWithApi } from "../test/renderWithApi";
import { runView } from "../test/runs";
import { PreviewPage } from "./PreviewPage";

const base = runView({
  status: "running",
  current_stage: "images",
  stages: { ...runView().stages, images: { status: "running" }, voice: { status: "running" } },
  drawing_analysis: { subject: "a dragon", setting: "", details: [], mood: "happy", colors: [], figure_count: 1, subject_confidence: 1, subject_unsure: false, character: "" },
  story_script: { title: "The Brave Dragon", scenes: [{ number: 1, text: "Once." }, { number: 2, text: "The dragon flew home." }] },
});
const complete: RunView = {
  ...base,
  status: "complete",
  current_stage: "complete",
  stages: { ...base.stages, images: { status: "done" }, voice: { status: "done" }, video: { status: "done" } },
  video_result: { video_key: "u/videos/r1.mp4", thumbnail_key: "u/thumbnails/r1.jpg", duration_sec: 31 },
};
const styles = [
  { value: "storybook", label: "Storybook", description: "Warm" },
  { value: "anime", label: "Anime", description: "Crisp" },
  { value: "watercolor", label: "Watercolour", description: "Soft" },
];

function fakeApi() {
  const runs = [base, complete];
  return {
    getRun: vi.fn(async () => runs.shift() ?? complete),
    followRun: vi.fn(async (_runId: string, onStage: (event: StageEvent) => void) => {
      onStage({ run_id: "r1", stage: "video", status: "running", percent: 85 });
      return { run_id: "r1", status: "complete", percent: 100, error: null };
    }),
    fileUrl: vi.fn(async () => "https://s3.example/video.mp4"),
    forgetFile: vi.fn(),
    options: vi.fn(async () => ({ styles, themes: [], voices: [], age: { min: 2, max: 9, default: 5, read_along: [4, 5, 6, 7] }, personal_context_max_length: 300, recommended: base.options })),
    generateVideo: vi.fn(async () => ({ run_id: "r1", status: "running", current_stage: "images" })),
    saveToLibrary: vi.fn(async () => ({})),
    redoScene: vi.fn(async () => ({ run_id: "r1", status: "running", current_stage: "images" })),
  };
}

function renderPreview(api: ReturnType<typeof fakeApi>) {
  renderWithApi(api, "/runs/r1/preview", <Route path="/runs/:runId/preview" element={<PreviewPage />} />);
}

describe("the preview step", () => {
  it("follows the run to 100%, shows the video, saves once and remakes in another style", async () => {
    const api = fakeApi();
    renderPreview(api);
    expect(await screen.findByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
    expect(await screen.findByLabelText("Video: The Brave Dragon")).toHaveAttribute("src", "https://s3.example/video.mp4");
    expect(api.followRun).toHaveBeenCalledOnce();

    await userEvent.click(screen.getByRole("button", { name: "Save to my library" }));
    expect(await screen.findByText(/Saved to your library/)).toBeInTheDocument();
    expect(api.saveToLibrary).toHaveBeenCalledExactlyOnceWith("r1");

    await userEvent.click(screen.getByRole("button", { name: "Try a different look" }));
    expect(await screen.findByRole("radio", { name: /Watercolour/ })).toBeInTheDocument();
    expect(screen.queryByRole("radio", { name: /Anime/ })).not.toBeInTheDocument(); // the look it has already
    expect(screen.getByRole("button", { name: "Make it" })).toBeDisabled();
    await userEvent.click(screen.getByRole("radio", { name: /Watercolour/ }));
    await userEvent.click(screen.getByRole("button", { name: "Make it" }));
    expect(api.generateVideo).toHaveBeenCalledExactlyOnceWith({
      run_id: "r1",
      story: base.story_script,
      drawing: base.drawing_analysis,
      style: "watercolor",
      voice_type: "wise",
    });
    expect(api.forgetFile).toHaveBeenCalledWith("u/videos/r1.mp4");
  });

  it("makes one page again with the parent's new words, or a new picture, and nothing when neither changed", async () => {
    const api = fakeApi();
    renderPreview(api);
    await userEvent.click(await screen.findByRole("button", { name: "Change one page" }));
    const make = screen.getByRole("button", { name: "Make this page again" });
    expect(make).toBeDisabled(); // nothing asked for yet
    await userEvent.selectOptions(screen.getByLabelText("Which page"), "2");
    const words = screen.getByLabelText("The page's words");
    expect(words).toHaveValue("The dragon flew home.");
    await userEvent.clear(words);
    await userEvent.type(words, "The dragon flew home, singing.");
    await userEvent.click(screen.getByRole("checkbox", { name: "Paint a new picture for this page" }));
    await userEvent.click(make);
    expect(api.redoScene).toHaveBeenCalledExactlyOnceWith("r1", 2, { picture: true, text: "The dragon flew home, singing." });
    expect(api.forgetFile).toHaveBeenCalledWith("u/videos/r1.mp4");
  });
});
