// Entry point: the Tauri backend inside the app, the in-memory fake in a plain browser (preview
// and accessibility audit). The Tauri one is imported statically (no extra round trip before the
// app's first screen); the fake, with its demonstration data, only loads in a browser.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import type { Backend, PageStep } from "./backend/backend";
import { tauriBackend } from "./backend/tauri";
import "./styles.css";

// The page's start-up steps, in wall-clock milliseconds, for the app's start-up timeline.
const steps: PageStep[] = [];
const step = (name: string) =>
  steps.push({ step: name, epochMs: Math.round(performance.timeOrigin + performance.now()) });
steps.push({ step: "navigation", epochMs: Math.round(performance.timeOrigin) });
step("script");

async function backend(): Promise<Backend> {
  if ("__TAURI_INTERNALS__" in window) return tauriBackend;
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
    setTimeout(() => b.uiReady(steps).catch(() => {}), 0);
  });
});
