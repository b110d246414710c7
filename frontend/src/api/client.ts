// The one way the app talks to the gateway: its REST API and its event stream, nothing else.

import { ApiError } from "./errors";
import { readEvents } from "./events";
import type {
  AuthConfig,
  EndEvent,
  LibraryEntry,
  LibraryPage,
  NewShare,
  Options,
  PipelineRequest,
  PresignedUrl,
  RunAccepted,
  RunView,
  SceneRedoRequest,
  Share,
  ShareList,
  ShareRequest,
  StageEvent,
  StoryRequest,
} from "./types";

const LINK_MARGIN_SECONDS = 60;

export type TokenSource = () => Promise<string | null>;

export interface ApiClientOptions {
  baseUrl: string;
  getToken: TokenSource;
  /** Called when the gateway no longer accepts the sign-in, before the error is thrown. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly getToken: TokenSource;
  private readonly onUnauthorized?: () => void;
  private readonly fetcher: typeof fetch;
  private readonly links = new Map<string, { url: Promise<string>; goodUntil: number }>();

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.getToken = options.getToken;
    this.onUnauthorized = options.onUnauthorized;
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Public: what Amplify needs to sign in, so one build works locally and on AWS. */
  authConfig(): Promise<AuthConfig> {
    return this.json("GET", "/auth/config", { signedIn: false });
  }

  analyzeDrawing(drawing: Blob, fileName: string): Promise<RunAccepted> {
    const form = new FormData();
    form.append("drawing", drawing, fileName);
    return this.json("POST", "/api/v1/vision/analyze", { body: form });
  }

  getRun(runId: string, options: { wait?: number; signal?: AbortSignal } = {}): Promise<RunView> {
    const query = options.wait ? `?wait=${options.wait}` : "";
    return this.json("GET", `/api/v1/runs/${encodeURIComponent(runId)}${query}`, { signal: options.signal });
  }

  options(runId: string): Promise<Options> {
    return this.json("GET", `/api/v1/options?run_id=${encodeURIComponent(runId)}`);
  }

  generateStory(request: StoryRequest): Promise<RunAccepted> {
    return this.json("POST", "/api/v1/story/generate", { body: request });
  }

  generateVideo(request: PipelineRequest): Promise<RunAccepted> {
    return this.json("POST", "/api/v1/pipeline/generate", { body: request });
  }

  /** One page of a finished storybook made again: its picture, its edited words, or both. */
  redoScene(runId: string, sceneNumber: number, request: SceneRedoRequest): Promise<RunAccepted> {
    return this.json("POST", `/api/v1/runs/${encodeURIComponent(runId)}/scenes/${sceneNumber}/redo`, { body: request });
  }

  library(cursor?: string): Promise<LibraryPage> {
    const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
    return this.json("GET", `/api/v1/library${query}`);
  }

  saveToLibrary(runId: string): Promise<LibraryEntry> {
    return this.json("POST", "/api/v1/library", { body: { run_id: runId } });
  }

  async deleteFromLibrary(entryId: string): Promise<void> {
    await this.send("DELETE", `/api/v1/library/${encodeURIComponent(entryId)}`, {});
  }

  async shares(entryId: string): Promise<Share[]> {
    return (await this.json<ShareList>("GET", `/api/v1/library/${encodeURIComponent(entryId)}/shares`)).items;
  }

  share(entryId: string, request: ShareRequest): Promise<NewShare> {
    return this.json("POST", `/api/v1/library/${encodeURIComponent(entryId)}/shares`, { body: request });
  }

  async revokeShare(entryId: string, shareId: string): Promise<void> {
    await this.send("DELETE", `/api/v1/library/${encodeURIComponent(entryId)}/shares/${encodeURIComponent(shareId)}`, {});
  }

  /** A video's captions track (WebVTT), read through the gateway. */
  async captions(s3Key: string): Promise<string> {
    const response = await this.send("GET", `/api/v1/storage/captions?s3_key=${encodeURIComponent(s3Key)}`, { headers: { Accept: "text/vtt" } });
    return response.text();
  }

  /** A short-lived link to one of the parent's files; asked for once per file while it is still good. */
  fileUrl(s3Key: string): Promise<string> {
    const cached = this.links.get(s3Key);
    if (cached && cached.goodUntil > Date.now()) return cached.url;
    const url = this.json<PresignedUrl>("POST", "/api/v1/storage/presigned-url", { body: { s3_key: s3Key } }).then(
      (link) => {
        // A link that ran out while a video was paused cannot resume it; a fresh one a minute early can.
        this.links.set(s3Key, { url: Promise.resolve(link.url), goodUntil: Date.now() + (link.expires_in - LINK_MARGIN_SECONDS) * 1000 });
        return link.url;
      },
      (error: unknown) => {
        this.links.delete(s3Key);
        throw error;
      },
    );
    this.links.set(s3Key, { url, goodUntil: Number.POSITIVE_INFINITY });
    return url;
  }

  forgetFile(s3Key: string): void {
    this.links.delete(s3Key);
  }

  /** Follows the run's progress until the stream ends (done, failed, or waiting for the parent). */
  async followRun(runId: string, onStage: (event: StageEvent) => void, signal?: AbortSignal): Promise<EndEvent> {
    const response = await this.send("GET", `/api/v1/runs/${encodeURIComponent(runId)}/events`, {
      signal,
      headers: { Accept: "text/event-stream" },
    });
    if (!response.body) throw ApiError.offline();
    for await (const { event, data } of readEvents(response.body)) {
      if (event === "stage") onStage(JSON.parse(data) as StageEvent);
      if (event === "end") return JSON.parse(data) as EndEvent;
    }
    // The connection closed without an end: the caller reads the run to see where it got to.
    throw ApiError.offline();
  }

  private async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    return (await response.json()) as T;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
    let body: BodyInit | undefined;
    if (options.body instanceof FormData) body = options.body;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["Content-Type"] = "application/json";
    }
    if (options.signedIn !== false) {
      const token = await this.getToken();
      if (token) headers.Authorization = `Bearer ${token}`;
    }
    let response: Response;
    try {
      response = await this.fetcher(`${this.baseUrl}${path}`, { method, headers, body, signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw ApiError.offline();
    }
    if (!response.ok) {
      const error = await ApiError.fromResponse(response);
      if (response.status === 401 && options.signedIn !== false) this.onUnauthorized?.();
      throw error;
    }
    return response;
  }
}

interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  signedIn?: boolean;
}
