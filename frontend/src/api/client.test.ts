import { describe, expect, it, vi } from "vitest";

import { ApiClient } from "./client";
import { ApiError, OFFLINE_MESSAGE } from "./errors";
import { parseEvents } from "./events";

type Call = { url: string; init: RequestInit };

function fakeGateway(respond: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetcher = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(input), init: init ?? {} };
    calls.push(call);
    return respond(call);
  });
  return { calls, fetcher: fetcher as unknown as typeof fetch };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function client(fetcher: typeof fetch, options: { token?: string | null; onUnauthorized?: () => void } = {}) {
  return new ApiClient({
    baseUrl: "https://api.example/",
    getToken: async () => (options.token === undefined ? "token-1" : options.token),
    onUnauthorized: options.onUnauthorized,
    fetch: fetcher,
  });
}

function headersOf(call: Call): Record<string, string> {
  return call.init.headers as Record<string, string>;
}

describe("ApiClient", () => {
  it("sends the access token and JSON bodies to the gateway's paths", async () => {
    const { calls, fetcher } = fakeGateway(() => json(202, { run_id: "r1", status: "running", current_stage: "story" }));
    const accepted = await client(fetcher).generateStory({
      run_id: "r1",
      drawing_analysis: { subject: "a cat", setting: "", details: [], mood: "happy", colors: [], figure_count: 1, subject_confidence: 1, subject_unsure: false, character: "" },
      theme: "bedtime",
      age: 4,
      voice: "gentle",
      style: "anime",
      personal_context: "",
      language: "en",
    });
    expect(accepted.run_id).toBe("r1");
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe("https://api.example/api/v1/story/generate");
    expect(calls[0].init.method).toBe("POST");
    expect(headersOf(calls[0]).Authorization).toBe("Bearer token-1");
    expect(headersOf(calls[0])["Content-Type"]).toBe("application/json");
    expect(JSON.parse(String(calls[0].init.body))).toMatchObject({ run_id: "r1", theme: "bedtime", style: "anime" });
  });

  it("uploads the drawing as multipart, letting the browser set the boundary", async () => {
    const { calls, fetcher } = fakeGateway(() => json(202, { run_id: "r2", status: "running", current_stage: "vision" }));
    await client(fetcher).analyzeDrawing(new Blob(["jpeg bytes"], { type: "image/jpeg" }), "drawing.jpg");
    const body = calls[0].init.body as FormData;
    expect(body).toBeInstanceOf(FormData);
    expect((body.get("drawing") as File).name).toBe("drawing.jpg");
    expect(headersOf(calls[0])["Content-Type"]).toBeUndefined();
  });

  it("asks for the public sign-in config without a token", async () => {
    const { calls, fetcher } = fakeGateway(() => json(200, { region: "us-east-1", user_pool_id: "p", client_id: "c", cognito_endpoint: null, sign_in_flow: "USER_SRP_AUTH" }));
    await client(fetcher).authConfig();
    expect(calls[0].url).toBe("https://api.example/auth/config");
    expect(headersOf(calls[0]).Authorization).toBeUndefined();
  });

  it("turns the gateway's error shape into an ApiError with its message", async () => {
    const message = "Please upload a photo of the drawing as a JPEG, PNG, WebP or HEIC image.";
    const { fetcher } = fakeGateway(() => json(415, { error: { code: "unsupported_file", message, request_id: "x" } }));
    const failure = client(fetcher).analyzeDrawing(new Blob(["%PDF"]), "a.pdf");
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ status: 415, code: "unsupported_file", message });
  });

  it("has a friendly message when the error is not the gateway's JSON", async () => {
    const { fetcher } = fakeGateway(() => new Response("<html>Bad gateway</html>", { status: 502 }));
    await expect(client(fetcher).library()).rejects.toMatchObject({ status: 502, message: expect.stringContaining("on our side") });
    const tooBig = fakeGateway(() => new Response("", { status: 413 }));
    await expect(client(tooBig.fetcher).library()).rejects.toMatchObject({ message: expect.stringContaining("too big") });
  });

  it("says the connection is the problem when the gateway can't be reached", async () => {
    const { fetcher } = fakeGateway(() => Promise.reject(new TypeError("Failed to fetch")));
    await expect(client(fetcher).library()).rejects.toMatchObject({ status: 0, message: OFFLINE_MESSAGE });
  });

  it("reports a refused sign-in so the app can send the parent back to sign in", async () => {
    const onUnauthorized = vi.fn();
    const { fetcher } = fakeGateway(() => json(401, { error: { code: "invalid_token", message: "Please sign in again.", request_id: "x" } }));
    await expect(client(fetcher, { onUnauthorized }).getRun("r1")).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it("asks for a file link once while it is still good", async () => {
    const { calls, fetcher } = fakeGateway(() => json(200, { url: "https://s3.example/video.mp4?sig", expires_in: 900 }));
    const api = client(fetcher);
    const [first, second] = await Promise.all([api.fileUrl("u/videos/r1.mp4"), api.fileUrl("u/videos/r1.mp4")]);
    expect(await api.fileUrl("u/videos/r1.mp4")).toBe(first);
    expect(second).toBe(first);
    expect(calls).toHaveLength(1);
    api.forgetFile("u/videos/r1.mp4");
    await api.fileUrl("u/videos/r1.mp4");
    expect(calls).toHaveLength(2);
  });

  it("follows a run's event stream to its end", async () => {
    const stream = [
      'event: stage\ndata: {"run_id":"r1","stage":"images","status":"running","percent":35}\n\n',
      ": still working\n\nevent: stage\ndata: {\"run_id\":\"r1\",\"stage\":\"video\",\"status\":\"do",
      'ne","percent":99}\n\nevent: end\ndata: {"run_id":"r1","status":"complete","percent":100,"error":null}\n\n',
    ];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of stream) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const { calls, fetcher } = fakeGateway(() => new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } }));
    const seen: number[] = [];
    const end = await client(fetcher).followRun("r1", (event) => seen.push(event.percent));
    expect(seen).toEqual([35, 99]);
    expect(end).toMatchObject({ status: "complete", percent: 100 });
    expect(calls[0].url).toBe("https://api.example/api/v1/runs/r1/events");
    expect(headersOf(calls[0]).Authorization).toBe("Bearer token-1");
  });
});

describe("parseEvents", () => {
  it("keeps an incomplete event for the next chunk and skips heartbeats", () => {
    const { events, rest } = parseEvents('event: stage\ndata: {"a":1}\n\n: ping\n\nevent: end\ndata: {"b"');
    expect(events).toEqual([{ event: "stage", data: '{"a":1}' }]);
    expect(rest).toBe('event: end\ndata: {"b"');
  });
});
