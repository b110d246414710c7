// The gateway's shapes (see /openapi.json); field names follow the API.

export type Style = "storybook" | "watercolor" | "cartoon_3d" | "anime";
export type Theme = "adventure" | "kindness" | "bravery" | "bedtime" | "friendship" | "counting" | "nature";
export type Voice = "gentle" | "cheerful" | "silly" | "wise";

export type RunStatus = "running" | "waiting" | "complete" | "failed";
export type StageName = "vision" | "story" | "images" | "voice" | "video";
export type StageStatus = "pending" | "running" | "done" | "failed";

export interface DrawingAnalysis {
  subject: string;
  setting: string;
  details: string[];
  mood: string;
  colors: string[];
  // Read by the workers, carried through unchanged.
  figure_count?: number;
  figures?: unknown[];
  palette?: unknown[];
  layout?: Record<string, boolean>;
}

export interface Scene {
  number: number;
  text: string;
}

export interface StoryScript {
  title: string;
  scenes: Scene[];
}

export interface StoryOptions {
  theme: Theme;
  age: number;
  voice: Voice;
  style: Style;
  personal_context: string;
}

export interface RunError {
  stage: string;
  code: string;
  message: string;
}

export interface RunView {
  run_id: string;
  mode: "interactive" | "one_shot";
  status: RunStatus;
  current_stage: string;
  stages: Record<StageName, { status: StageStatus }>;
  drawing_key: string;
  options: StoryOptions | null;
  drawing_analysis: DrawingAnalysis | null;
  story_script: StoryScript | null;
  video_result: { video_key: string; duration_sec: number; thumbnail_key: string } | null;
  error: RunError | null;
  created_at: string;
  updated_at: string;
}

export interface RunAccepted {
  run_id: string;
  status: RunStatus;
  current_stage: string;
}

export interface Choice<T extends string = string> {
  value: T;
  label: string;
  description: string;
}

export interface Options {
  styles: Choice<Style>[];
  themes: Choice<Theme>[];
  voices: Choice<Voice>[];
  age: { min: number; max: number; default: number };
  personal_context_max_length: number;
  recommended: StoryOptions;
}

export interface LibraryEntry {
  id: string;
  title: string;
  thumbnail_key: string;
  video_key: string;
  duration_sec: number;
  style: Style;
  created_at: string;
}

export interface LibraryPage {
  items: LibraryEntry[];
  next_cursor: string | null;
}

export interface AuthConfig {
  region: string;
  user_pool_id: string;
  client_id: string;
  cognito_endpoint: string | null;
  /** SRP on AWS; password auth against the local Cognito, which checks passwords only there. */
  sign_in_flow: "USER_SRP_AUTH" | "USER_PASSWORD_AUTH";
}

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

// Limits the gateway enforces (shared/models.py), shown beside the fields.
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
