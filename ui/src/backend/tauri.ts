// The Tauri implementation of Backend: the generated bindings, with results unwrapped into
// values or BackendError.
import { convertFileSrc } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { commands, events } from "../bindings";
import type { AppError } from "../bindings";
import { BackendError, type Backend } from "./backend";

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: AppError };

async function unwrap<T>(p: Promise<Result<T>>): Promise<T> {
  let r: Result<T>;
  try {
    r = await p;
  } catch (e) {
    // Framework-level failures (unknown command, denied by the capability) reject with a string.
    throw new BackendError("failed", String(e));
  }
  if (r.status === "error") throw new BackendError(r.error.code, r.error.message);
  return r.data;
}

export const tauriBackend: Backend = {
  inventoryCollect: () => unwrap(commands.inventoryCollect()),
  inventoryCurrent: () => unwrap(commands.inventoryCurrent()),
  onInventoryProgress: (cb) => events.inventoryProgress.listen((e) => cb(e.payload)),
  snapshotList: () => unwrap(commands.snapshotList()),
  snapshotSave: () => unwrap(commands.snapshotSave()),
  snapshotView: (id) => unwrap(commands.snapshotView(id)),
  snapshotDiff: (a, b) => unwrap(commands.snapshotDiff(a, b)),
  inventoryExport: (format, snapshot) => unwrap(commands.inventoryExport(format, snapshot)),
  machineHealth: () => unwrap(commands.machineHealth()),
  systemInfoPreview: () => unwrap(commands.systemInfoPreview()),
  attachmentAdd: (paths) => unwrap(commands.attachmentAdd(paths)),
  attachmentScreenshot: (hide) => unwrap(commands.attachmentScreenshot(hide)),
  onFileDrop: (cb) =>
    getCurrentWebview().onDragDropEvent((e) => {
      if (e.payload.type === "drop") cb(e.payload.paths);
    }),
  ticketCategories: () => commands.ticketCategories(),
  ticketCreate: (d) => unwrap(commands.ticketCreate(d)),
  ticketList: () => unwrap(commands.ticketList()),
  ticketThread: (id) => unwrap(commands.ticketThread(id)),
  ticketReply: (id, body, attachments) => unwrap(commands.ticketReply(id, body, attachments)),
  attachmentSave: (blob, name) => unwrap(commands.attachmentSave(blob, name)),
  kbSearch: (q, limit) => unwrap(commands.kbSearch(q, limit)),
  kbCategories: () => unwrap(commands.kbCategories()),
  kbArticles: (c) => unwrap(commands.kbArticles(c)),
  kbArticle: (id) => unwrap(commands.kbArticle(id)),
  openLink: (url) => unwrap(commands.openLink(url)).then(() => undefined),
  settingsGet: () => unwrap(commands.settingsGet()),
  settingsSave: (s, secret, appToken, oauth) => unwrap(commands.settingsSave(s, secret, appToken, oauth)),
  connectionTest: (c, secret, appToken, oauth) => unwrap(commands.connectionTest(c, secret, appToken, oauth)),
  syncStatus: () => commands.syncStatus(),
  syncNow: () => unwrap(commands.syncNow()),
  onSyncChanged: (cb) => events.syncChanged.listen((e) => cb(e.payload)),
  onNavigate: (cb) => events.navigate.listen((e) => cb(e.payload.page)),
  diagnose: () => unwrap(commands.diagnose()),
  fixPlan: (id) => unwrap(commands.fixPlan(id)),
  fixRun: (id) => unwrap(commands.fixRun(id)),
  fixList: () => unwrap(commands.fixList()),
  fixRunsRecent: () => unwrap(commands.fixRunsRecent()),
  kbSuggest: (title) => unwrap(commands.kbSuggest(title)),
  reportSolved: (title, article) => unwrap(commands.reportSolved(title, article)).then(() => undefined),
  userAccess: () => commands.userAccess(),
  deflectionRate: () => unwrap(commands.deflectionRate()),
  osLocale: () => commands.osLocale(),
  diagnostics: () => unwrap(commands.diagnostics()),
  logTail: (n) => unwrap(commands.logTail(n)),
  openLogFolder: () => unwrap(commands.openLogFolder()).then(() => undefined),
  uiReady: (steps) => commands.uiReady(steps),
  uiLive: (steps) => commands.uiLive(steps),
  siteImport: (location) => unwrap(commands.siteImport(location)),
  siteMachines: (q) => unwrap(commands.siteMachines(q)),
  siteMachine: (id) => unwrap(commands.siteMachine(id)),
  siteExportGlpi: () => unwrap(commands.siteExportGlpi()),
  assetList: (q) => unwrap(commands.assetList(q)),
  assetSave: (id, f) => unwrap(commands.assetSave(id, f)),
  siteExport: (format, lang) => unwrap(commands.siteExport(format, lang)),
  assetLabel: (id) => unwrap(commands.assetLabel(id)),
  assetLabelsSave: (ids) => unwrap(commands.assetLabelsSave(ids)),
  bundleOwnKey: () => unwrap(commands.bundleOwnKey()),
  bundlePick: () => unwrap(commands.bundlePick()),
  bundleExport: () => unwrap(commands.bundleExport()),
  bundleInspect: (path) => unwrap(commands.bundleInspect(path)),
  bundleImport: (path, options) => unwrap(commands.bundleImport(path, options)),
  agentStatus: () => unwrap(commands.agentStatus()),
  agentInstall: (schedule, dryRun) => unwrap(commands.agentInstall(schedule, dryRun)),
  agentUninstall: () => unwrap(commands.agentUninstall()),
  storeTrouble: () => commands.storeTrouble(),
  storeCheck: () => unwrap(commands.storeCheck()),
  storeRepair: (startEmpty) => unwrap(commands.storeRepair(startEmpty)),
  appRestart: () => commands.appRestart(),
  blobUrl: (sha) => convertFileSrc(sha, "guichet-blob"),
};
