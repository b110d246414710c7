import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route } from "react-router";
import { describe, expect, it, vi } from "vitest";

import type { Language, Options } from "../api/types";
import { renderWithApi } from "../test/renderWithApi";
import { runView } from "../test/runs";
import { CustomisePage } from "./CustomisePage";

const LANGUAGES: Record<Language, string> = { en: "English", es: "Spanish", fr: "French", de: "German", pt: "Portuguese" };

function options(languages: Language[]): Options {
  const choice = <T extends string>(value: T) => ({ value, label: value, description: "" });
  return {
    styles: [choice("storybook")],
    themes: [choice("bravery")],
    voices: [choice("gentle"), choice("wise")],
    languages: languages.map((value) => ({ value, label: LANGUAGES[value], description: "" })),
    providers: { story: { provider: "bedrock", languages }, voice: { provider: "polly", languages } },
    age: { min: 2, max: 9, default: 5, read_along: [4, 5, 6, 7] },
    personal_context_max_length: 300,
    recommended: { theme: "bravery", age: 5, voice: "gentle", style: "storybook", personal_context: "", language: "en" },
  };
}

function renderVoiceStep(languages: Language[]) {
  const read = runView({ status: "waiting", current_stage: "story", drawing_analysis: { subject: "a cat", setting: "", mood: "happy", figure_count: 1, subject_confidence: 1, subject_unsure: false, character: "" } });
  const api = { getRun: vi.fn(async () => read), followRun: vi.fn(), options: vi.fn(async () => options(languages)) };
  renderWithApi(api, "/runs/r1/customise/voice", <Route path="/runs/:runId/customise/:choice" element={<CustomisePage />} />);
}

describe("choosing who reads the story", () => {
  it("offers the story's language when the writer and the voice have more than one", async () => {
    renderVoiceStep(["en", "es"]);
    const spanish = await screen.findByRole("radio", { name: /Spanish/ });
    expect(screen.getByRole("radio", { name: /English/ })).toBeChecked();
    await userEvent.click(spanish);
    expect(spanish).toBeChecked();
  });

  it("says nothing of languages where the storybook can only be told in English", async () => {
    renderVoiceStep(["en"]);
    await screen.findByRole("radio", { name: /wise/ });
    expect(screen.queryByRole("radio", { name: /English/ })).not.toBeInTheDocument();
  });
});
