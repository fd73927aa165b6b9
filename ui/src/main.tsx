// Start-up, second part, loaded by boot.ts: the Tauri backend inside the app, the in-memory fake
// in a plain browser (preview and accessibility audit). The Tauri one is imported statically (no
// extra round trip); the fake, with its demonstration data, only loads in a browser.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import type { Backend, PageStep } from "./backend/backend";
import { holdUntil } from "./backend/firstFrame";
import { tauriBackend } from "./backend/tauri";

/** Renders the app into #root, over the static first screen when `shellPainted` (whose steps,
 *  `bootSteps`, were reported with it), else as the first screen itself. */
export function start(shellPainted: boolean, bootSteps: PageStep[]): void {
  // The page's start-up steps, in wall-clock milliseconds, for the app's start-up timeline.
  const steps: PageStep[] = shellPainted ? [] : [...bootSteps];
  const step = (name: string) =>
    steps.push({ step: name, epochMs: Math.round(performance.timeOrigin + performance.now()) });
  step("app script");

  // Settles once the app's first frame is painted, or after a second at the latest: a window
  // started hidden (autostart, --minimized) gets no animation frames until it is shown.
  let live!: () => void;
  const painted = new Promise<void>((resolve) => {
    live = resolve;
    setTimeout(resolve, 1000);
  });

  async function backend(): Promise<Backend> {
    // The page's data waits for the app's first frame (see backend/firstFrame.ts).
    if ("__TAURI_INTERNALS__" in window) return holdUntil(tauriBackend, painted);
    const { createFakeBackend } = await import("./backend/fake");
    return createFakeBackend();
  }

  void backend().then((b) => {
    const root = document.getElementById("root")!;
    createRoot(root).render(
      <StrictMode>
        <App backend={b} />
      </StrictMode>,
    );
    // The app is live once the frame after this render is painted (a timer set in the frame
    // callback runs after the paint); then the shell starts its tray and background sync.
    step("rendered");
    requestAnimationFrame(() => {
      step("live");
      setTimeout(() => {
        root.dataset.live = "";
        // Without the static first screen, this frame was the first screen too.
        const reported = shellPainted ? Promise.resolve() : b.uiReady(steps);
        reported.then(() => b.uiLive(shellPainted ? steps : [])).catch(() => {});
        live();
      }, 0);
    });
  });
}
