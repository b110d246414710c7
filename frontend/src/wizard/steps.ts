// The wizard's state, derived from the run on the server: which steps the parent may open,
// what each stage is called, what they may confirm. The run id in the URL is all a page needs.

import type { DrawingAnalysis, RunView, StageName, StoryScript } from "../api/types";
import { LIMITS } from "../api/types";

export const STEPS = ["recognise", "customise", "script", "preview"] as const;
export type Step = (typeof STEPS)[number];

const MEDIA_STAGES = ["images", "voice", "video", "complete"];

export const CHOICES = ["style", "theme", "voice", "age", "context"] as const;
export type ChoiceStep = (typeof CHOICES)[number];

/** The furthest step this run allows: each needs the server to have done the one before. */
export function furthestStep(run: RunView): Step {
  // current_stage moves on as soon as the gateway accepts a step, before any worker has picked it up.
  const stage = run.current_stage;
  if (MEDIA_STAGES.includes(stage) || run.video_result) return "preview";
  // After the drawing is read, current_stage already says "story" while the run waits for the parent.
  const storyAsked = stage === "story" && run.status === "running";
  if (run.story_script || storyAsked || run.stages.story.status !== "pending") return "script";
  if (run.drawing_analysis && run.stages.vision.status === "done") return "customise";
  return "recognise";
}

/** Whether `step` can be shown for this run; later steps send the parent back to the furthest one. */
export function canOpen(run: RunView, step: Step): boolean {
  return STEPS.indexOf(step) <= STEPS.indexOf(furthestStep(run));
}

export function stepPath(runId: string, step: Step, choice: ChoiceStep = "style"): string {
  return step === "customise" ? `/runs/${runId}/customise/${choice}` : `/runs/${runId}/${step}`;
}

export function isChoiceStep(value: string | undefined): value is ChoiceStep {
  return (CHOICES as readonly string[]).includes(value ?? "");
}

export const STAGE_LABELS: Record<StageName, string> = {
  vision: "Looking closely at the drawing",
  story: "Writing the story",
  images: "Painting the pictures",
  voice: "Recording the narrator",
  video: "Putting the video together",
};

/** Where the run is, in words: the stage being worked on now, else the next one. */
export function activeStage(run: RunView): StageName {
  const order: StageName[] = ["vision", "story", "images", "voice", "video"];
  return order.find((stage) => run.stages[stage].status === "running") ?? order.find((stage) => run.stages[stage].status === "pending") ?? "video";
}

/** Mirrors the gateway's percentage, for the moment before the first event arrives. */
export function percentOf(run: RunView): number {
  if (run.status === "complete") return 100;
  const weights: Record<StageName, number> = { vision: 10, story: 10, images: 30, voice: 20, video: 30 };
  let earned = 0;
  for (const [stage, weight] of Object.entries(weights) as [StageName, number][]) {
    const status = run.stages[stage].status;
    earned += status === "done" ? weight : status === "running" ? weight / 2 : 0;
  }
  return Math.min(99, Math.round(earned));
}

/** Comma-separated text as the parent types it ↔ the list the API holds. */
export function parseList(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

export function formatList(items: string[]): string {
  return items.join(", ");
}

/** What stops the parent from confirming the analysis, or null when there is something to confirm. */
export function analysisProblem(analysis: DrawingAnalysis | null | undefined): string | null {
  if (!analysis) return "We're still looking at the drawing.";
  if (!analysis.subject.trim()) return "Please say what the drawing is of.";
  if (analysis.subject.length > LIMITS.subject) return `Please keep “what it is” under ${LIMITS.subject} characters.`;
  if (analysis.setting.length > LIMITS.setting) return `Please keep “where it is” under ${LIMITS.setting} characters.`;
  if (analysis.mood.length > LIMITS.mood) return `Please keep the mood under ${LIMITS.mood} characters.`;
  const { details = [], colors = [] } = analysis;
  if (details.length > LIMITS.listItems || colors.length > LIMITS.listItems)
    return `Please list at most ${LIMITS.listItems} details and ${LIMITS.listItems} colours.`;
  if (details.some((detail) => detail.length > LIMITS.detail)) return `Please keep each detail under ${LIMITS.detail} characters.`;
  if (colors.some((colour) => colour.length > LIMITS.colour)) return `Please keep each colour under ${LIMITS.colour} characters.`;
  return null;
}

/** What stops the parent from approving the script, or null. */
export function scriptProblem(script: StoryScript | null | undefined): string | null {
  if (!script) return "The story isn't written yet.";
  if (!script.title.trim()) return "Please give the story a title.";
  if (script.title.length > LIMITS.title) return `Please keep the title under ${LIMITS.title} characters.`;
  const empty = script.scenes.find((scene) => !scene.text.trim());
  if (empty) return `Scene ${empty.number} is empty. Please write something for it.`;
  const long = script.scenes.find((scene) => scene.text.length > LIMITS.sceneText);
  if (long) return `Scene ${long.number} is too long: please keep it under ${LIMITS.sceneText} characters.`;
  return null;
}
