// The saved language and theme, remembered in the web view's own storage: the settings come from
// the backend after the first frame (see backend/firstFrame.ts), and without this the first frame
// of every start would show the default language and the light theme, then switch.
import type { LocaleChoice, ThemeChoice } from "./backend/backend";

const KEY = "guichet.display";
const LOCALES: readonly LocaleChoice[] = ["system", "fr", "en"];
const THEMES: readonly ThemeChoice[] = ["system", "light", "dark"];

export interface Display {
  locale: LocaleChoice;
  theme: ThemeChoice;
}

/** What the last start saw in the settings; "system" for anything missing or unreadable. */
export function rememberedDisplay(): Display {
  const fallback: Display = { locale: "system", theme: "system" };
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? "null");
    if (typeof v !== "object" || v === null) return fallback;
    const { locale, theme } = v as Record<string, unknown>;
    return {
      locale: LOCALES.includes(locale as LocaleChoice) ? (locale as LocaleChoice) : "system",
      theme: THEMES.includes(theme as ThemeChoice) ? (theme as ThemeChoice) : "system",
    };
  } catch {
    return fallback;
  }
}

/** Remembers the saved settings' language and theme for the next start's first frame. */
export function rememberDisplay(d: Display): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ locale: d.locale, theme: d.theme }));
  } catch {
    // Storage full or disabled: the next start shows the defaults until the settings arrive.
  }
}
