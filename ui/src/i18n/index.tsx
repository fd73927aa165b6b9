// French and English: dictionaries with identical keys (TypeScript and a test enforce it),
// `t(key, vars)` with {name} placeholders and plural forms ({n:one|other}, Intl.PluralRules), and locale-aware dates, sizes and durations (Intl).
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { en } from "./en";
import { fr } from "./fr";

import type { Lang } from "../locale";

export { langFor, langOf, type Lang } from "../locale";
export type MessageKey = keyof typeof en;
export const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, fr };

const pluralRules: Partial<Record<Lang, Intl.PluralRules>> = {};

/** "one" or "other" for the count `n` in `lang` (French: 0 and 1 are singular). Categories
 *  beyond these two (French "many" for millions) take the "other" form. */
export function pluralCategory(lang: Lang, n: number): "one" | "other" {
  const rules = (pluralRules[lang] ??= new Intl.PluralRules(lang));
  return rules.select(n) === "one" ? "one" : "other";
}

/** Fills `{name}` placeholders and chooses plural forms: `{n:article|articles}` is "article"
 *  when `n` is singular in `lang`, else "articles". */
export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  const text = dictionaries[lang][key] ?? key;
  if (!vars) return text;
  return text
    .replace(/\{(\w+):([^|{}]*)\|([^{}]*)\}/g, (whole, k: string, one: string, other: string) =>
      typeof vars[k] === "number" ? (pluralCategory(lang, vars[k] as number) === "one" ? one : other) : whole,
    )
    .replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

/** Whether a dynamic key (built from data, e.g. `field.${name}`) is translated. */
export function hasKey(key: string): key is MessageKey {
  return key in en;
}

const BYTE_UNITS = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte", "petabyte"] as const;

export function formatBytes(lang: Lang, bytes: number): string {
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < BYTE_UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return new Intl.NumberFormat(lang, {
    style: "unit",
    unit: BYTE_UNITS[i],
    // "289 bytes", not the short form's "289 byte" (CLDR's short byte has no plural in English).
    unitDisplay: i === 0 ? "long" : "short",
    maximumFractionDigits: v < 100 && i > 0 ? 1 : 0,
  }).format(v);
}

export function formatDate(lang: Lang, iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(d);
}

export function formatNumber(lang: Lang, n: number): string {
  return new Intl.NumberFormat(lang).format(n);
}

/** "3 j 5 h" / "3d 5h": the two largest units. */
export function formatDuration(lang: Lang, seconds: number): string {
  const parts: [number, "day" | "hour" | "minute"][] = [
    [Math.floor(seconds / 86400), "day"],
    [Math.floor((seconds % 86400) / 3600), "hour"],
    [Math.floor((seconds % 3600) / 60), "minute"],
  ];
  const shown = parts.filter(([n]) => n > 0).slice(0, 2);
  if (shown.length === 0) shown.push([0, "minute"]);
  return shown
    .map(([n, unit]) => new Intl.NumberFormat(lang, { style: "unit", unit, unitDisplay: "narrow" }).format(n))
    .join(" ");
}

export interface I18n {
  lang: Lang;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  bytes: (n: number) => string;
  date: (iso: string) => string;
  number: (n: number) => string;
  duration: (s: number) => string;
}

export function makeI18n(lang: Lang): I18n {
  return {
    lang,
    t: (key, vars) => translate(lang, key, vars),
    bytes: (n) => formatBytes(lang, n),
    date: (iso) => formatDate(lang, iso),
    number: (n) => formatNumber(lang, n),
    duration: (s) => formatDuration(lang, s),
  };
}

const Ctx = createContext<I18n>(makeI18n("en"));

export function I18nProvider({ lang, children }: { lang: Lang; children: ReactNode }) {
  const value = useMemo(() => makeI18n(lang), [lang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  return useContext(Ctx);
}
