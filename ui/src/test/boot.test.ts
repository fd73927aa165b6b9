// The page's entry (boot.ts): the first screen from the static markup of the remembered (or the
// OS's) language, with the theme, before the app's script; the app starts once it is painted.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PageStep } from "../backend/backend";

const start = vi.fn();
vi.mock("../main", () => ({ start }));

function page(withShell: boolean): void {
  document.body.innerHTML = withShell
    ? `<div id="root"></div><template id="shell-en"><p>Home</p></template><template id="shell-fr"><p>Accueil</p></template>`
    : `<div id="root"></div>`;
}

const stepsOf = (call: unknown[]) => (call[1] as PageStep[]).map((s) => s.step);

describe("boot", () => {
  afterEach(() => {
    vi.resetModules();
    start.mockReset();
    delete document.documentElement.dataset.font;
  });

  it("shows the remembered language's first screen and theme, then starts the app over it", async () => {
    localStorage.setItem("guichet.display", JSON.stringify({ locale: "fr", theme: "dark" }));
    page(true);
    await import("../boot");
    expect(document.getElementById("root")!.textContent).toBe("Accueil");
    expect(document.documentElement.lang).toBe("fr");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(document.querySelectorAll("template")).toHaveLength(0);
    expect(start).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(start).toHaveBeenCalledTimes(1));
    expect(start.mock.calls[0][0]).toBe(true);
    expect(stepsOf(start.mock.calls[0])).toEqual(["navigation", "script", "frame"]);
  });

  it("follows the OS language when none is remembered", async () => {
    vi.spyOn(navigator, "language", "get").mockReturnValue("fr-CA");
    page(true);
    await import("../boot");
    expect(document.getElementById("root")!.textContent).toBe("Accueil");
    expect(document.documentElement.dataset.theme).toBe("system");
    vi.restoreAllMocks();
    // Let this page's start happen here: left pending, it landed in the next test (which then
    // counted two starts on a busy machine).
    await vi.waitFor(() => expect(start).toHaveBeenCalledTimes(1));
  });

  it("without static markup (development server) starts the app at once, which reports its own first frame", async () => {
    page(false);
    await import("../boot");
    await vi.waitFor(() => expect(start).toHaveBeenCalledTimes(1));
    expect(start.mock.calls[0][0]).toBe(false);
    expect(stepsOf(start.mock.calls[0])).toEqual(["navigation", "script"]);
  });
});
