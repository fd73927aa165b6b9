// Build time only (scripts/prerender.mjs): the first screen, as the app renders it before any
// data arrives, as static markup in one language. boot.ts shows it; the app then takes it over.
import { renderToString } from "preact-render-to-string";
import { App } from "./App";
import type { Backend } from "./backend/backend";
import type { Lang } from "./locale";

// Rendering to a string runs no effects, so the backend is never called; were it called, the
// answer would never come (as before any data arrives).
const waiting = new Proxy({}, { get: () => () => new Promise(() => {}) }) as Backend;

export function firstScreen(lang: Lang): string {
  return renderToString(<App backend={waiting} lang={lang} />);
}
