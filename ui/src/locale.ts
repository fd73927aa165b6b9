// The UI's languages and how a locale maps to one: kept apart from the dictionaries so the
// start-up script (boot.ts) can pick the first screen's language without loading them.

export type Lang = "fr" | "en";

/** French for any `fr*` locale, English otherwise. */
export function langOf(locale: string | null | undefined): Lang {
  return (locale ?? "").toLowerCase().startsWith("fr") ? "fr" : "en";
}
