// Start-up, first part (the page's entry). The first screen is static markup rendered from the
// app's own components at build time, in both languages (scripts/prerender.mjs); this picks the
// remembered language and theme, shows that markup and, once it is painted, loads the app, which
// takes the same markup over (Preact reuses the nodes it finds). The first frame then waits for
// the stylesheet and this small script only, not for the app's script to be fetched, parsed and
// run (measured with scripts/bench-app.sh: about 25 ms sooner on the test machine).
import "./styles.css";
import type { PageStep } from "./backend/backend";
import { rememberedDisplay } from "./display";
import { langFor, langOf } from "./locale";

const now = () => Math.round(performance.timeOrigin + performance.now());
const steps: PageStep[] = [
  { step: "navigation", epochMs: Math.round(performance.timeOrigin) },
  { step: "script", epochMs: now() },
];

// The same choice the app makes before its settings arrive (App.tsx).
const html = document.documentElement;
const display = rememberedDisplay();
const lang = langFor(display.locale, langOf(navigator.language));
html.lang = lang;
html.dataset.theme = display.theme;
// Linux web views (WebKitGTK) keep the stylesheet's `sans-serif`, fontconfig's desktop font;
// elsewhere `system-ui` is the system's UI font (Segoe UI, San Francisco; see styles.css).
if (!navigator.userAgent.includes("Linux")) html.dataset.font = "system";

const root = document.getElementById("root")!;
const shell = document.getElementById(`shell-${lang}`);
if (shell instanceof HTMLTemplateElement) root.replaceChildren(shell.content.cloneNode(true));
for (const t of document.querySelectorAll("template[id^='shell-']")) t.remove();

interface TauriInternals {
  invoke(cmd: string, args: unknown): Promise<unknown>;
}
const tauri = (window as unknown as { __TAURI_INTERNALS__?: TauriInternals }).__TAURI_INTERNALS__;

let started = false;
function startApp(shellPainted: boolean) {
  if (started) return;
  started = true;
  void import("./main").then((m) => m.start(shellPainted, steps));
}

if (root.firstChild) {
  // A timer set in the frame callback runs once that frame is painted: the first screen is on
  // display (the start-up benchmark's end point, the same as the bare window's).
  requestAnimationFrame(() =>
    setTimeout(() => {
      steps.push({ step: "frame", epochMs: now() });
      tauri?.invoke("ui_ready", { steps }).catch(() => {});
      startApp(true);
    }, 0),
  );
  // A window started hidden (autostart, --minimized) gets no frames until shown: the app loads
  // anyway, and the first screen is reported when it is shown.
  setTimeout(() => startApp(true), 1000);
} else {
  // No static markup (the development server): the app reports its own first frame.
  startApp(false);
}
