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

void backend().then((b) =>
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App backend={b} />
    </StrictMode>,
  ),
);
