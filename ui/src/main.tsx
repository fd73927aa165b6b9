// Entry point: the Tauri backend inside the app, the in-memory fake in a plain browser (preview
// and accessibility audit). The Tauri one is imported statically (no extra round trip before the
// app's first screen); the fake, with its demonstration data, only loads in a browser.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import type { Backend, PageStep } from "./backend/backend";
import { holdUntil } from "./backend/firstFrame";
import { tauriBackend } from "./backend/tauri";
import "./styles.css";

// The page's start-up steps, in wall-clock milliseconds, for the app's start-up timeline.
const steps: PageStep[] = [];
const step = (name: string) =>
  steps.push({ step: name, epochMs: Math.round(performance.timeOrigin + performance.now()) });
steps.push({ step: "navigation", epochMs: Math.round(performance.timeOrigin) });
step("script");

// Linux web views (WebKitGTK) keep the stylesheet's `sans-serif`, fontconfig's desktop font;
// elsewhere `system-ui` is the system's UI font (Segoe UI, San Francisco; see styles.css).
if (!navigator.userAgent.includes("Linux")) document.documentElement.dataset.font = "system";

// Settles once the first screen is painted, or after a second at the latest: a window started
// hidden (autostart, --minimized) gets no animation frames until it is shown.
let firstScreen!: () => void;
const painted = new Promise<void>((resolve) => {
  firstScreen = resolve;
  setTimeout(resolve, 1000);
});

async function backend(): Promise<Backend> {
  // The page's data waits for its first frame (see backend/firstFrame.ts).
  if ("__TAURI_INTERNALS__" in window) return holdUntil(tauriBackend, painted);
  const { createFakeBackend } = await import("./backend/fake");
  return createFakeBackend();
}

void backend().then((b) => {
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App backend={b} />
    </StrictMode>,
  );
  // The first screen is on display once the frame after this render is painted (a timer set
  // in the frame callback runs after the paint): the start-up benchmark's end point, and the
  // signal for the app to start its tray and background sync.
  step("rendered");
  requestAnimationFrame(() => {
    step("frame");
    setTimeout(() => {
      b.uiReady(steps).catch(() => {});
      firstScreen();
    }, 0);
  });
});
