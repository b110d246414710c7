// The gateway's shapes and vocabulary, all derived from its OpenAPI schema: `make webapp` writes openapi.json
// from the Python models and `npm run build` generates openapi.gen.ts from it (neither is kept in git), so a
// theme added to shared.models.Theme reaches every type here with no change to this file.

import type { components } from "./openapi.gen";

type Schemas = components["schemas"];

/**
 * A schema type with some fields narrowed to what the gateway guarantees but its schema cannot say.
 * Each narrowed field must exist in the schema and stay assignable to it, so a change there still fails the build.
 */
type Narrowed<T, Fields extends { [K in keyof Fields]: K extends keyof T ? T[K] : never }> = Omit<T, keyof Fields> & Fields;

export type Style = Schemas["Style"];
export type Theme = Schemas["Theme"];
export type Voice = Schemas["VoiceType"];
export type Language = Schemas["Language"];

export type RunStatus = Schemas["RunStatus"];
export type StageName = Schemas["Stage"];
export type StageStatus = Schemas["StageStatus"];

// Its lists may be left out (the model defaults them to empty), so the app reads them with a fallback.
export type DrawingAnalysis = Schemas["DrawingAnalysis"];
export type Scene = Schemas["Scene"];
export type StoryScript = Schemas["StoryScript"];
export type StoryOptions = Schemas["StoryOptions"];
export type RunError = Schemas["RunError"];

// openapi-typescript reads dict[Stage, StageState] as a string-keyed map; every run has all five stages
// (the checkpoint starts them pending).
export type RunView = Narrowed<Schemas["RunView"], { stages: Record<StageName, Schemas["StageState"]> }>;
export type RunAccepted = Schemas["RunAccepted"];

// One of a choice's members as the gateway lists it (Labelled[Style], Labelled[Theme], ...), for components that take any of them.
export type Choice<T extends string = string> = Omit<Schemas["Labelled_Style_"], "value"> & { value: T };
export type Options = Schemas["Options"];

export type LibraryEntry = Schemas["LibraryEntry"];
export type Paper = Schemas["Paper"];
export type Share = Schemas["Share"];
export type NewShare = Schemas["NewShare"];
export type ShareList = Schemas["ShareList"];
export type ShareRequest = Schemas["ShareRequest"];
export type SceneRedoRequest = Schemas["SceneRedoRequest"];
export type LibraryPage = Schemas["LibraryPage"];
export type AuthConfig = Schemas["AuthConfig"];
export type PresignedUrl = Schemas["PresignedUrl"];

export type StoryRequest = Schemas["StoryGenerateRequest"];
export type PipelineRequest = Schemas["PipelineRequest"];

// The event stream's payloads are not in the schema (it declares text/event-stream only); their parts are.
export interface StageEvent {
  run_id: string;
  stage: StageName;
  status: StageStatus;
  percent: number;
}

export interface EndEvent {
  run_id: string;
  status: RunStatus;
  percent: number;
  error: RunError | null;
}

// Limits the gateway enforces (shared/models.py), shown beside the fields. Hand-kept: the schema carries them
// as maxLength, which openapi-typescript does not turn into types.
export const LIMITS = {
  subject: 120,
  setting: 120,
  mood: 40,
  detail: 80,
  colour: 40,
  listItems: 12,
  title: 100,
  sceneText: 600,
} as const;
