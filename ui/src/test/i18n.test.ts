// Every string is translated: identical key sets, no empty message, every key the code uses
// exists, every data-driven key family is complete, and no text is hard-coded in the JSX.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIELD_KEYS } from "../bindings";
import type { AgentRunResult, BundleDirection, BundleRefusal, BundleSync, CategoryId, ChangeKindId, ErrorCode, ServerKind, SignerTrust, TicketStatus, Urgency } from "../bindings";
import { BackendError, GLPI_ERROR_CODES, glpiErrorCode } from "../backend/backend";
import { PAGES } from "../context";
import { en } from "../i18n/en";
import { fr } from "../i18n/fr";
import { formatBytes, formatDuration, pluralCategory, translate } from "../i18n";

const SRC = join(__dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === "test" || n === "i18n" ? [] : sources(p);
    return /\.tsx?$/.test(n) && !n.endsWith(".test.tsx") && n !== "bindings.ts" && n !== "fake.ts" ? [p] : [];
  });
}

// Records force completeness at compile time: a new enum member without an entry fails `tsc`.
const CATEGORIES: Record<CategoryId, true> = { os: true, machine: true, cpus: true, memory: true, storage: true, volumes: true, network: true, controllers: true, usb: true, monitors: true, batteries: true, users: true, software: true, security: true, virtualization: true };
const CHANGES: Record<ChangeKindId, true> = { added: true, removed: true, changed: true, upgraded: true, downgraded: true };
const ERRORS: Record<ErrorCode, true> = { not_found: true, invalid: true, store: true, disk_full: true, keyring: true, io: true, cancelled: true, busy: true, offline: true, auth: true, bundle_too_large: true, failed: true };
const STATUSES: Record<TicketStatus, true> = { queued: true, new: true, open: true, waiting: true, resolved: true, closed: true, failed: true };
const URGENCIES: Record<Urgency, true> = { low: true, medium: true, high: true };
const SERVERS: Record<ServerKind, true> = { none: true, rt: true, glpi: true };
const REFUSALS: Record<BundleRefusal, true> = { format: true, truncated: true, corrupt: true, checksum: true, signature: true, unknown_key: true, key_changed: true, stale: true, foreign_record: true, own_bundle: true, wrong_recipient: true, too_large: true };
const DIRECTIONS: Record<BundleDirection, true> = { outgoing: true, return: true };
const BUNDLE_SYNCS: Record<BundleSync, true> = { skipped: true, done: true, offline: true, not_configured: true, failed: true };
const SIGNERS: Record<SignerTrust, true> = { enrolled: true, unknown: true, changed: true };
const RUN_RESULTS: Record<AgentRunResult, true> = { running: true, ok: true, partial: true, failed: true };

describe("dictionaries", () => {
  it("French and English have exactly the same keys, none empty", () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries(fr)) expect(v.trim(), `fr ${k}`).not.toBe("");
    for (const [k, v] of Object.entries(en)) expect(v.trim(), `en ${k}`).not.toBe("");
  });

  it("placeholders match between languages", () => {
    // The variables each message uses, whether as a value ({n}) or to choose a plural ({n:a|b}).
    const ph = (s: string) => [...new Set([...s.matchAll(/\{(\w+)(?::[^{}]*)?\}/g)].map((m) => m[1]))].sort().join();
    for (const k of Object.keys(en) as (keyof typeof en)[]) expect(ph(fr[k]), k).toBe(ph(en[k]));
  });

  it("every key used in the code exists", () => {
    const missing: string[] = [];
    for (const file of sources(SRC)) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bt\(\s*"([\w.]+)"/g)) if (!(m[1] in en)) missing.push(`${file}: ${m[1]}`);
      for (const m of text.matchAll(/\?\s*"([a-z]+\.[\w.]+)"\s*:\s*"([a-z]+\.[\w.]+)"/g))
        for (const k of [m[1], m[2]]) if (!(k in en)) missing.push(`${file}: ${k}`);
    }
    expect(missing).toEqual([]);
  });

  it("data-driven key families are complete", () => {
    const want = [
      ...PAGES.map((p) => `nav.${p}`),
      ...Object.keys(CATEGORIES).map((c) => `category.${c}`),
      ...Object.keys(CHANGES).map((c) => `change.${c}`),
      ...Object.keys(ERRORS).map((c) => `error.${c}`),
      ...GLPI_ERROR_CODES.map((c) => `error.${c}`),
      ...Object.keys(STATUSES).map((c) => `status.${c}`),
      ...Object.keys(URGENCIES).map((c) => `urgency.${c}`),
      ...Object.keys(SERVERS).map((c) => `server.${c}`),
      ...["machine", "software", "history"].map((c) => `inventory.tab.${c}`),
      ...["hardware", "software", "network", "account", "printing", "other"].map((c) => `ticketCategory.${c}`),
      ...["permission_denied", "timed_out", "unavailable", "parse", "failed", "unsupported"].map((c) => `issue.${c}`),
      ...["in_use", "in_stock", "broken", "retired"].map((s) => `assetState.${s}`),
      ...["new", "merged", "unchanged"].map((s) => `admin.outcome.${s}`),
      ...["machines", "assets", "bundles", "agent"].map((s) => `admin.${s}`),
      ...Object.keys(REFUSALS).map((r) => `bundle.refusal.${r}`),
      ...Object.keys(DIRECTIONS).map((d) => `bundle.direction.${d}`),
      ...Object.keys(BUNDLE_SYNCS).map((d) => `bundle.sync.${d}`),
      ...Object.keys(SIGNERS).map((d) => `bundle.signer.${d}`),
      ...["site", "hub"].map((r) => `bundle.role.${r}`),
      ...Object.keys(RUN_RESULTS).map((d) => `agentResult.${d}`),
      ...(FIELD_KEYS as readonly string[]).map((f) => `field.${f}`),
    ];
    expect(want.filter((k) => !(k in en))).toEqual([]);
  });

  it("no text is hard-coded in the components", () => {
    // Language names stay in their own language (autonyms), as every language menu does.
    const allowed = new Set(["Français", "English"]);
    const found: string[] = [];
    for (const file of sources(SRC).filter((f) => f.endsWith(".tsx"))) {
      const text = readFileSync(file, "utf8").replace(/^\s*\/\/.*$/gm, "").replace(/\{\/\*[\s\S]*?\*\/\}/g, "");
      for (const m of text.matchAll(/>([^<>{}]+)</g)) {
        const s = m[1].trim();
        if (/[A-Za-zÀ-ÿ]{2,}/.test(s) && !allowed.has(s) && !/[=;()?]|=>|&&/.test(s)) found.push(`${file}: ${s}`);
      }
      for (const m of text.matchAll(/(?:aria-label|placeholder|title|alt)="([^"]*[A-Za-z]{3,}[^"]*)"/g))
        if (!/^(https?:\/\/|\/)/.test(m[1])) found.push(`${file}: ${m[1]}`);
    }
    expect(found).toEqual([]);
  });
});

describe("GLPI failures", () => {
  it("are worded by the GLPI code their detail names, else by the command's code", () => {
    const e = new BackendError("auth", "authentication failed: glpi_user_token_refused: GLPI error ERROR_GLPI_LOGIN_USER_TOKEN (HTTP 401): refused");
    expect(glpiErrorCode(e)).toBe("glpi_user_token_refused");
    expect(glpiErrorCode(new BackendError("auth", "authentication failed: glpi_nonsense: x"))).toBeNull();
    expect(glpiErrorCode(new BackendError("offline", "server unreachable"))).toBeNull();
    expect(glpiErrorCode(new Error("glpi_timeout: x"))).toBeNull();
  });
});

describe("locale formatting", () => {
  it("sizes, durations and placeholders follow the language", () => {
    expect(formatBytes("en", 1.5e9)).toBe("1.5 GB");
    // A count of bytes with its plural (the short form said "289 byte").
    expect(formatBytes("en", 289)).toBe("289 bytes");
    expect(formatBytes("en", 1)).toBe("1 byte");
    expect(formatBytes("fr", 289).replace(/\s/g, " ")).toBe("289 octets");
    expect(formatBytes("fr", 1.5e9).replace(/\s/g, " ")).toBe("1,5 Go");
    expect(formatDuration("en", 3 * 86400 + 5 * 3600 + 60)).toBe("3d 5h");
    expect(formatDuration("fr", 3 * 86400 + 5 * 3600).replace(/\s/g, " ")).toBe("3j 5h");
    expect(translate("fr", "sync.queued", { n: 2 })).toBe("2 en attente");
  });
});

describe("plural forms", () => {
  it("0, 1 and 2 take the right form in both languages (French: 0 and 1 are singular)", () => {
    const counts = [0, 1, 2];
    expect(counts.map((n) => translate("en", "kb.results", { n }))).toEqual(["0 articles", "1 article", "2 articles"]);
    expect(counts.map((n) => translate("fr", "kb.results", { n }))).toEqual(["0 article", "1 article", "2 articles"]);
    expect(counts.map((n) => translate("fr", "admin.importedCount", { n }))).toEqual(["0 fichier importé.", "1 fichier importé.", "2 fichiers importés."]);
    expect(counts.map((n) => translate("en", "recovery.problems", { n }))).toEqual(["0 problems found", "1 problem found", "2 problems found"]);
    expect(counts.map((n) => pluralCategory("fr", n))).toEqual(["one", "one", "other"]);
    expect(counts.map((n) => pluralCategory("en", n))).toEqual(["other", "one", "other"]);
    // Several counts in one message, each with its own form.
    expect(translate("en", "bundle.appliedReturn", { confirmed: 1, tickets: 0, articles: 2 })).toBe("1 item confirmed as sent, 0 tickets and 2 articles updated.");
  });

  it("no message writes a count as \"article(s)\"", () => {
    for (const dict of [en, fr]) for (const [k, v] of Object.entries(dict)) expect(v, k).not.toMatch(/\((s|ies|e)\)/);
  });
});
