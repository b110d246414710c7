import { describe, expect, it } from "vitest";

import type { RunView, StageName, StageStatus } from "../api/types";
import { runView } from "../test/runs";
import { activeStage, analysisProblem, canOpen, furthestStep, parseList, percentOf, scriptProblem, stepPath } from "./steps";

function run(changes: Partial<RunView> & { stageStates?: Partial<Record<StageName, StageStatus>> } = {}): RunView {
  const { stageStates = {}, ...rest } = changes;
  const stages = Object.fromEntries(
    (["vision", "story", "images", "voice", "video"] as StageName[]).map((stage) => [stage, { status: stageStates[stage] ?? "pending" }]),
  ) as RunView["stages"];
  return runView({ status: "running", current_stage: "vision", stages, options: null, ...rest });
}

const analysis = { subject: "a cat", setting: "a garden", details: ["a hat"], mood: "happy", colors: ["red"], figure_count: 1, subject_confidence: 1, subject_unsure: false, character: "" };
const script = { title: "The Cat", scenes: [{ number: 1, text: "Once upon a time." }] };

describe("the wizard's steps follow the run", () => {
  it("while the drawing is read, only recognise is open", () => {
    const reading = run({ stageStates: { vision: "running" } });
    expect(furthestStep(reading)).toBe("recognise");
    expect(canOpen(reading, "customise")).toBe(false);
  });

  it("once the drawing is read, the parent may customise (current_stage already says story)", () => {
    const read = run({ status: "waiting", current_stage: "story", drawing_analysis: analysis, stageStates: { vision: "done" } });
    expect(furthestStep(read)).toBe("customise");
    expect(canOpen(read, "recognise")).toBe(true);
    expect(canOpen(read, "script")).toBe(false);
  });

  it("the script opens as soon as the story is asked for, before a worker picks it up", () => {
    const asked = run({ status: "running", current_stage: "story", drawing_analysis: analysis, stageStates: { vision: "done" } });
    expect(furthestStep(asked)).toBe("script");
  });

  it("the preview opens as soon as the video is asked for, and stays open once made", () => {
    const asked = run({ current_stage: "images", story_script: script, stageStates: { vision: "done", story: "done" } });
    expect(furthestStep(asked)).toBe("preview");
    const made = run({ status: "complete", current_stage: "complete", story_script: script, video_result: { video_key: "v", thumbnail_key: "t", duration_sec: 30 } });
    expect(furthestStep(made)).toBe("preview");
    expect(canOpen(made, "script")).toBe(true);
  });

  it("paths carry the run id", () => {
    expect(stepPath("r1", "customise", "voice")).toBe("/runs/r1/customise/voice");
    expect(stepPath("r1", "script")).toBe("/runs/r1/script");
  });

  it("progress mirrors the gateway's weights and reaches 100 only when complete", () => {
    expect(percentOf(run({ stageStates: { vision: "done", story: "done", images: "running" } }))).toBe(35);
    expect(percentOf(run({ stageStates: { vision: "done", story: "done", images: "done", voice: "done", video: "done" } }))).toBe(99);
    expect(percentOf(run({ status: "complete" }))).toBe(100);
    expect(activeStage(run({ stageStates: { vision: "done", story: "done", images: "done", voice: "running" } }))).toBe("voice");
  });
});

describe("what the parent may confirm", () => {
  it("nothing until there is an analysis with a subject", () => {
    expect(analysisProblem(null)).not.toBeNull();
    expect(analysisProblem({ ...analysis, subject: "  " })).toMatch(/what the drawing is of/);
    expect(analysisProblem({ ...analysis, subject: "x".repeat(121) })).toMatch(/120/);
    expect(analysisProblem(analysis)).toBeNull();
  });

  it("a script needs a title and no empty or overlong scene", () => {
    expect(scriptProblem(script)).toBeNull();
    expect(scriptProblem({ ...script, title: "" })).toMatch(/title/);
    expect(scriptProblem({ ...script, scenes: [{ number: 1, text: " " }] })).toMatch(/Scene 1 is empty/);
    expect(scriptProblem({ ...script, scenes: [{ number: 1, text: "a".repeat(601) }] })).toMatch(/Scene 1 is too long/);
  });

  it("comma-separated details become a list without empty items", () => {
    expect(parseList(" a red hat, , a big smile ,")).toEqual(["a red hat", "a big smile"]);
  });
});
