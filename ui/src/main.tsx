// Entry point: the Tauri backend inside the app, the in-memory fake in a plain browser (preview
// and accessibility audit). Both are imported statically: no extra round trip before the first
// screen.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { createFakeBackend } from "./backend/fake";
import { tauriBackend } from "./backend/tauri";
import "./styles.css";

const backend = "__TAURI_INTERNALS__" in window ? tauriBackend : createFakeBackend();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App backend={backend} />
  </StrictMode>,
);
