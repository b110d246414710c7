import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { clearAllDrafts, loadDraft, useDraft } from "./drafts";

describe("drafts keep the parent's unsent work per run", () => {
  it("survives a reload of the page", () => {
    const first = renderHook(() => useDraft("run-1"));
    act(() => first.result.current[1]({ options: { style: "anime" } }));
    act(() => first.result.current[1]({ script: { title: "Edited", scenes: [{ number: 1, text: "Hello" }] } }));
    first.unmount();

    const reloaded = renderHook(() => useDraft("run-1"));
    expect(reloaded.result.current[0]).toEqual({ options: { style: "anime" }, script: { title: "Edited", scenes: [{ number: 1, text: "Hello" }] } });
  });

  it("each run has its own, and signing out clears them all", () => {
    const hook = renderHook(({ runId }) => useDraft(runId), { initialProps: { runId: "run-1" } });
    act(() => hook.result.current[1]({ options: { theme: "bedtime" } }));
    hook.rerender({ runId: "run-2" });
    expect(hook.result.current[0]).toEqual({});
    localStorage.setItem("unrelated", "kept");
    clearAllDrafts();
    expect(loadDraft("run-1")).toEqual({});
    expect(localStorage.getItem("unrelated")).toBe("kept");
  });

  it("a damaged draft is ignored, not a crash", () => {
    localStorage.setItem("nocomelon.draft.run-3", "{not json");
    expect(loadDraft("run-3")).toEqual({});
  });
});
