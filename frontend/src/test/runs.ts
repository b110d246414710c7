import type { RunView } from "../api/types";

/** Run r1 of the interactive journey as the gateway shows it, waiting after the story; `changes` set what a test is about. */
export function runView(changes: Partial<RunView> = {}): RunView {
  return {
    run_id: "r1",
    mode: "interactive",
    status: "waiting",
    current_stage: "story",
    stages: {
      vision: { status: "done" },
      story: { status: "done" },
      images: { status: "pending" },
      voice: { status: "pending" },
      video: { status: "pending" },
    },
    drawing_key: "u/drawings/r1.jpg",
    figure_mask_key: null,
    options: { theme: "bravery", age: 5, voice: "wise", style: "anime", personal_context: "", language: "en" },
    drawing_analysis: null,
    story_script: null,
    image_result: null,
    audio_result: null,
    video_result: null,
    error: null,
    cost_usd: 0,
    created_at: "",
    updated_at: "",
    ...changes,
  };
}
