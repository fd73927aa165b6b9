// The UI's languages and how a locale maps to one: kept apart from the dictionaries so the
// start-up script (boot.ts) can pick the first screen's language without loading them.
import type { LocaleChoice } from "./backend/backend";

export type Lang = "fr" | "en";

/** The language shown for a choice: the OS's (`os`) when the choice is "system". */
export function langFor(choice: LocaleChoice, os: Lang): Lang {
  return choice === "system" ? os : choice;
}

/** French for any `fr*` locale, English otherwise. */
export function langOf(locale: string | null | undefined): Lang {
  return (locale ?? "").toLowerCase().startsWith("fr") ? "fr" : "en";
}
