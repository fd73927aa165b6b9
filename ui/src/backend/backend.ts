// The only way the UI reaches the shell: a typed interface with two implementations, the Tauri
// one (generated bindings, ./tauri.ts) and an in-memory fake for tests and the browser preview
// (./fake.ts). Types come from the bindings generated from the Rust commands.
import type {
  AgentInstall,
  AgentSchedule,
  AgentStatus,
  AppSettings,
  Article,
  ArticleCategory,
  ArticleHit,
  AssetFields,
  AssetQuery,
  AssetRow,
  AttachmentDraft,
  BundleCheck,
  BundleExported,
  BundleOwnKey,
  BundleImportOptions,
  BundleImportResult,
  Connection,
  ConnectionCheck,
  Diagnostics,
  DiagnosisView,
  DeflectionView,
  OutcomeView,
  PlanView,
  FixEntryView,
  FixRunView,
  SuggestionView,
  UserAccess,
  DiffView,
  ErrorCode,
  ExportFormat,
  ImportRow,
  MachineDetail,
  MachineQuery,
  MachineRow,
  InventoryProgress,
  InventoryView,
  MachineHealth,
  OAuthSecrets,
  ReportLang,
  SiteExportFormat,
  SnapshotSummary,
  StoreCheckView,
  StoreRepairView,
  StoreTrouble,
  SyncStatus,
  SystemInfoPreview,
  TicketDraft,
  TicketMessage,
  TicketSummary,
  TicketThread,
  PageStep,
} from "../bindings";

export type * from "../bindings";

/** A failed command: `code` is stable (the UI translates it), `message` is an English detail. */
export class BackendError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "BackendError";
  }
}

/** Stops listening to an event. */
export type Unlisten = () => void;

export interface Backend {
  // Inventory
  inventoryCollect(): Promise<InventoryView>;
  inventoryCurrent(): Promise<InventoryView | null>;
  onInventoryProgress(cb: (p: InventoryProgress) => void): Promise<Unlisten>;
  snapshotList(): Promise<SnapshotSummary[]>;
  snapshotSave(): Promise<SnapshotSummary>;
  snapshotView(id: number): Promise<InventoryView>;
  snapshotDiff(oldId: number, newId: number): Promise<DiffView>;
  /** Saves through a dialog; the path written, or null when cancelled. */
  inventoryExport(format: ExportFormat, snapshot: number | null): Promise<string | null>;
  // Home
  machineHealth(): Promise<MachineHealth>;
  // Reports and tickets
  systemInfoPreview(): Promise<SystemInfoPreview>;
  /** Empty `paths`: opens the file picker. */
  attachmentAdd(paths: string[]): Promise<AttachmentDraft[]>;
  attachmentScreenshot(hideWindow: boolean): Promise<AttachmentDraft>;
  onFileDrop(cb: (paths: string[]) => void): Promise<Unlisten>;
  ticketCategories(): Promise<string[]>;
  ticketCreate(draft: TicketDraft): Promise<TicketSummary>;
  ticketList(): Promise<TicketSummary[]>;
  ticketThread(id: string): Promise<TicketThread>;
  ticketReply(id: string, body: string, attachments: AttachmentDraft[]): Promise<TicketMessage>;
  /** Saves a stored file through a save dialog; the path written, `null` when cancelled. */
  attachmentSave(blob: string, name: string): Promise<string | null>;
  // Knowledge base
  kbSearch(query: string, limit: number): Promise<ArticleHit[]>;
  kbCategories(): Promise<ArticleCategory[]>;
  kbArticles(category: string): Promise<ArticleHit[]>;
  kbArticle(id: string): Promise<Article>;
  /** Opens an article's link in the web browser, never in the app's window. */
  openLink(url: string): Promise<void>;
  // Settings and sync
  settingsGet(): Promise<AppSettings>;
  /** `secret`: password or token; `appToken`: GLPI API client's App-Token; `oauth`: GLPI 11's
   * OAuth client secrets (all to the keyring; empty ones keep what is stored). */
  settingsSave(settings: AppSettings, secret: string | null, appToken: string | null, oauth: OAuthSecrets | null): Promise<AppSettings>;
  connectionTest(connection: Connection, secret: string | null, appToken: string | null, oauth: OAuthSecrets | null): Promise<ConnectionCheck>;
  syncStatus(): Promise<SyncStatus>;
  syncNow(): Promise<SyncStatus>;
  onSyncChanged(cb: (s: SyncStatus) => void): Promise<Unlisten>;
  /** The tray asks for a page. */
  onNavigate(cb: (page: string) => void): Promise<Unlisten>;
  // Self-help: "Check my computer", suggestions, fix-it actions
  /** Runs every check; with the articles suggested for what failed. */
  diagnose(): Promise<DiagnosisView>;
  /** What a fix-it action would do, shown before the user confirms. */
  fixPlan(id: string): Promise<PlanView>;
  /** Runs a fix-it action the user confirmed. */
  fixRun(id: string): Promise<OutcomeView>;
  /** Every fix-it action, with why one may not run. */
  fixList(): Promise<FixEntryView[]>;
  /** This session's recorded fix-it runs, newest first, which a report may attach. */
  fixRunsRecent(): Promise<FixRunView[]>;
  /** Articles matching a report's title as it is typed (offline). */
  kbSuggest(title: string): Promise<SuggestionView[]>;
  /** "This solved my problem": no ticket; counted locally. */
  reportSolved(title: string, article: string | null): Promise<void>;
  /** Reports solved by an article instead of a ticket (admin indicators). */
  deflectionRate(): Promise<DeflectionView>;
  /** What the machine's policy lets this user see (site admin, scheduled agent). */
  userAccess(): Promise<UserAccess>;
  // Diagnostics
  osLocale(): Promise<string>;
  diagnostics(): Promise<Diagnostics>;
  logTail(lines: number): Promise<string>;
  openLogFolder(): Promise<void>;
  /** Tells the shell the first screen is on display, with the page's own start-up steps
   *  (start-up timeline in the log, start-up benchmark). */
  uiReady(steps: PageStep[]): Promise<void>;
  /** The app took over the first screen; `steps` are its own since the first screen. */
  uiLive(steps: PageStep[]): Promise<void>;
  // Admin: the site register
  /** Picks inventory files in a dialog and imports them; empty when cancelled. */
  siteImport(location: string): Promise<ImportRow[]>;
  siteMachines(query: MachineQuery): Promise<MachineRow[]>;
  siteMachine(id: number): Promise<MachineDetail>;
  /** One GLPI JSON file per machine into a folder picked in a dialog; null when cancelled. */
  siteExportGlpi(): Promise<string | null>;
  assetList(query: AssetQuery): Promise<AssetRow[]>;
  /** Adds (id null) or replaces an asset's fields. */
  assetSave(id: number | null, fields: AssetFields): Promise<AssetRow>;
  /** The register's CSV or printable HTML report through a save dialog; null when cancelled. */
  siteExport(format: SiteExportFormat, lang: ReportLang): Promise<string | null>;
  /** An asset's QR label, an SVG document. */
  assetLabel(id: number): Promise<string>;
  /** The printable HTML labels of these assets through a save dialog; null when cancelled. */
  assetLabelsSave(ids: number[]): Promise<string | null>;
  // Admin: offline bundles
  /** This store's device id and key fingerprint, to compare on the other side. */
  bundleOwnKey(): Promise<BundleOwnKey>;
  /** Picks a bundle file in a dialog; null when cancelled. */
  bundlePick(): Promise<string | null>;
  /** Everything waiting to sync into a file chosen in a save dialog; null when cancelled. */
  bundleExport(): Promise<BundleExported | null>;
  bundleInspect(path: string): Promise<BundleCheck>;
  bundleImport(path: string, options: BundleImportOptions): Promise<BundleImportResult>;
  // Admin: the scheduled agent
  agentStatus(): Promise<AgentStatus>;
  /** Installs the user timer, or (dry run, no systemd) returns the files it would install. */
  agentInstall(schedule: AgentSchedule, dryRun: boolean): Promise<AgentInstall>;
  /** The unit files removed. */
  agentUninstall(): Promise<string[]>;
  // A local store that did not open (the recovery screen)
  /** Why the store did not open; null when it did. */
  storeTrouble(): Promise<StoreTrouble | null>;
  storeCheck(): Promise<StoreCheckView>;
  /** Backs the store up, then salvages it; `startEmpty` replaces an unreadable file by an empty store. */
  storeRepair(startEmpty: boolean): Promise<StoreRepairView>;
  appRestart(): Promise<void>;
  /** URL of a stored blob (KB images) for <img src>. */
  blobUrl(sha256: string): string;
}

/** The error code of anything thrown by a backend call. */
export function errorCode(e: unknown): ErrorCode {
  return e instanceof BackendError ? e.code : "failed";
}

/** GLPI's error codes (guichet-glpi's `GlpiErrorCode::as_str`), worded by `error.<code>`. */
export const GLPI_ERROR_CODES = [
  "glpi_user_token_refused",
  "glpi_login_refused",
  "glpi_app_token_refused",
  "glpi_ip_not_allowed",
  "glpi_oauth_client_refused",
  "glpi_session_expired",
  "glpi_right_missing",
  "glpi_item_not_found",
  "glpi_refused",
  "glpi_inventory_refused",
  "glpi_server",
  "glpi_rate_limited",
  "glpi_timeout",
  "glpi_network",
  "glpi_malformed",
  "glpi_unsupported",
  "glpi_config",
  "glpi_over_limit",
] as const;
export type GlpiErrorCode = (typeof GLPI_ERROR_CODES)[number];

/** The GLPI code a failure's English detail names (`…: glpi_timeout: …`), if any: the app
 *  words GLPI's failures more precisely than by the command's code alone. */
export function glpiErrorCode(e: unknown): GlpiErrorCode | null {
  if (!(e instanceof BackendError)) return null;
  const m = /\b(glpi_[a-z_]+): /.exec(e.message);
  return m && (GLPI_ERROR_CODES as readonly string[]).includes(m[1]) ? (m[1] as GlpiErrorCode) : null;
}
