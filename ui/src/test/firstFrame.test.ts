// The start-up order of backend calls (backend/firstFrame.ts).
import { describe, expect, it, vi } from "vitest";
import type { Backend } from "../backend/backend";
import { createFakeBackend } from "../backend/fake";
import { goesAtOnce, holdUntil } from "../backend/firstFrame";

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("holdUntil", () => {
  it("holds data calls until the first frame, and lets the signal and subscriptions through", async () => {
    const fake = createFakeBackend();
    const calls: string[] = [];
    const spy = (name: keyof Backend) =>
      vi.spyOn(fake, name).mockImplementation((async () => {
        calls.push(name);
        return name.startsWith("on") ? () => {} : undefined;
      }) as never);
    spy("machineHealth");
    spy("settingsGet");
    spy("uiReady");
    spy("onNavigate");
    let painted!: () => void;
    const b = holdUntil(fake, new Promise<void>((r) => (painted = r)));

    const health = b.machineHealth();
    void b.settingsGet();
    await b.onNavigate(() => {});
    await b.uiReady([]);
    await tick();
    expect(calls).toEqual(["onNavigate", "uiReady"]);

    painted();
    await health;
    expect(calls).toEqual(["onNavigate", "uiReady", "machineHealth", "settingsGet"]);
    // Once painted, calls go straight through.
    await b.machineHealth();
    expect(calls.at(-1)).toBe("machineHealth");
  });

  it("lets calls through when the wait fails", async () => {
    const fake = createFakeBackend();
    const b = holdUntil(fake, Promise.reject(new Error("no frame")));
    await expect(b.ticketCategories()).resolves.toEqual(await fake.ticketCategories());
  });

  it("names the calls that never wait", () => {
    expect(goesAtOnce("uiReady")).toBe(true);
    expect(goesAtOnce("onSyncChanged")).toBe(true);
    expect(goesAtOnce("openLogFolder")).toBe(false);
    expect(goesAtOnce("machineHealth")).toBe(false);
  });
});
