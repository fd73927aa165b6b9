// Entry point: the Tauri backend inside the app, the in-memory fake in a plain browser (preview
// and accessibility audit). The Tauri one is imported statically (no extra round trip before the
// app's first screen); the fake, with its demonstration data, only loads in a browser.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import type { Backend } from "./backend/backend";
import { tauriBackend } from "./backend/tauri";
import "./styles.css";

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
  requestAnimationFrame(() => setTimeout(() => b.uiReady().catch(() => {}), 0));
});
