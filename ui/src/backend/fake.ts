// An in-memory Backend: component tests use it (and can override any method), and the browser
// preview (no Tauri) runs on it, which is what the accessibility audit loads.
import type {
  AgentRunRow,
  AppSettings,
  BundleManifestView,
  Article,
  AssetRow,
  MachineRow,
  ArticleHit,
  InventoryProgress,
  InventoryView,
  StoreTrouble,
  SyncStatus,
  TicketSummary,
  TicketThread,
} from "../bindings";
import { BackendError, type Backend, type Unlisten } from "./backend";
import { createSelfHelp, DISK_ARTICLE, type SelfHelpOptions } from "./fakeSelfHelp";

const T0 = "2026-11-23T09:15:00Z";

export function sampleInventory(): InventoryView {
  return {
    collected_at: T0,
    duration_ms: 1840,
    hostname: "pc-accueil",
    sections: [
      {
        category: "os",
        items: [
          {
            title: "Debian GNU/Linux 12 (bookworm)",
            fields: [
              { key: "full_name", value: { kind: "text", value: "Debian GNU/Linux 12 (bookworm)" } },
              { key: "kernel_version", value: { kind: "text", value: "6.1.0-27-amd64" } },
              { key: "hostname", value: { kind: "text", value: "pc-accueil" } },
              { key: "boot_time", value: { kind: "date", value: "2026-11-20T07:58:00Z" } },
            ],
          },
        ],
      },
      {
        category: "memory",
        items: [
          {
            title: "",
            fields: [
              { key: "total_bytes", value: { kind: "bytes", value: 16 * 2 ** 30 } },
              { key: "available_bytes", value: { kind: "bytes", value: 9.5 * 2 ** 30 } },
            ],
          },
        ],
      },
      {
        category: "network",
        items: [
          {
            title: "eth0",
            fields: [
              { key: "mac", value: { kind: "text", value: "52:54:00:12:34:56" } },
              { key: "ipv4", value: { kind: "list", value: ["192.0.2.10/24"] } },
              { key: "dhcp", value: { kind: "bool", value: true } },
            ],
          },
        ],
      },
    ],
    software: [
      { name: "firefox-esr", version: "128.5.0esr-1~deb12u1", publisher: "Debian Mozilla Team", source: "dpkg", arch: "amd64", install_date: T0, size_bytes: 250e6 },
      { name: "libreoffice-writer", version: "4:7.4.7-1+deb12u5", publisher: "Debian LibreOffice Maintainers", source: "dpkg", arch: "amd64", install_date: null, size_bytes: 40e6 },
      { name: "thunderbird", version: "1:128.5.0esr-1", publisher: "Debian Mozilla Team", source: "dpkg", arch: "amd64", install_date: null, size_bytes: 230e6 },
      { name: "vlc", version: "3.0.21-0+deb12u1", publisher: "Debian Multimedia Maintainers", source: "dpkg", arch: "amd64", install_date: null, size_bytes: 12e6 },
    ],
    issues: [
      { category: "machine", source: "dmidecode", kind: "permission_denied", message: "dmidecode needs root" },
    ],
  };
}

const ARTICLES: Article[] = [
  {
    id: "kb-1",
    title: "Connecter l’imprimante du secrétariat",
    category: "Impression",
    body_html: "<p>Ouvrez <strong>Paramètres → Imprimantes</strong>, puis choisissez « Secrétariat ».</p>",
    updated_at: "2026-10-02T08:00:00Z",
  },
  {
    id: "kb-2",
    title: "Reset your password",
    category: "Accounts",
    body_html: '<p>Go to the <a href="https://portal.example.org/reset" rel="noopener noreferrer">self-service portal</a> and follow the <em>Forgot password</em> link.</p>',
    updated_at: "2026-09-12T08:00:00Z",
  },
  {
    id: "kb-3",
    title: "Wi-Fi: se connecter au réseau invité",
    category: "Réseau",
    body_html: "<p>Choisissez le réseau <code>Invites</code> et saisissez le code affiché à l’accueil.</p>",
    updated_at: "2026-11-01T08:00:00Z",
  },
  DISK_ARTICLE,
];

function hit(a: Article, query: string): ArticleHit {
  const text = a.body_html.replace(/<[^>]+>/g, "");
  return { id: a.id, title: a.title, summary: text.slice(0, 80), category: a.category, snippet: query ? text.slice(0, 60) : "" };
}

export interface FakeOptions extends SelfHelpOptions {
  online?: boolean;
  /** The store did not open: the app shows the recovery screen. A reason of
   *  "file is not a database" makes the repair save nothing. */
  trouble?: StoreTrouble;
}

/** A site's bundle as `bundleInspect` describes it (`return` for the answer). */
function sampleManifest(kind: "outgoing" | "return"): BundleManifestView {
  return {
    bundle_uuid: kind === "outgoing" ? "6f1c2d3e-0000-4000-8000-000000000001" : "6f1c2d3e-0000-4000-8000-000000000002",
    kind,
    source_deviceid: kind === "outgoing" ? "pc-annexe-2026-11-20-08-00-00" : "pc-siege-2026-01-05-09-00-00",
    recipient_deviceid: kind === "return" ? "pc-annexe-2026-11-20-08-00-00" : null,
    created_at: "2026-11-22T17:40:00Z",
    public_key: "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29",
    fingerprint: "SHA256:q5Z0hHnP4cW1lKk7ZC3yqkq2m0H8eWc3n4mYbQv2Tn0",
    counts: { tickets: 2, replies: 1, inventories: 1, site_changes: 3, entries: 4, articles: kind === "return" ? 12 : 0, files: 1 },
    members: 2,
  };
}

const UNIT_DIR = "/home/user/.config/systemd/user";

/** A fresh fake backend; every call is async like the real one. */
export function createFakeBackend(
  opts: FakeOptions = {},
): Backend & { tickets: TicketThread[]; saved: string[]; deflections: { title: string; article: string | null }[]; fixesRun: string[] } {
  let settings: AppSettings = {
    locale: "system",
    theme: "system",
    sync_interval_minutes: 15,
    proxy_url: "",
    ca_file: "",
    autostart: false,
    connection: {
      kind: "none",
      url: "",
      username: "",
      queue: "ServiceDesk",
      password_login: false,
      app_token: false,
      send_inventory: true,
      inventory_url: "",
      api_client_id: "",
      inventory_client_id: "",
      has_secret: false,
      has_app_token: false,
      has_api_client_secret: false,
      has_inventory_client_secret: false,
    },
  };
  let current: InventoryView | null = null;
  const machines: MachineRow[] = [
    {
      id: 1,
      hostname: "pc-accueil",
      os: "Debian GNU/Linux 12 (bookworm)",
      ram_bytes: 8 * 2 ** 30,
      model: "Dell OptiPlex 7010",
      serial: "5CG1234XYZ",
      location: "Accueil",
      last_seen: "2026-11-22T09:00:00Z",
      snapshot_count: 2,
      software_count: 1500,
      matched_software: [],
    },
  ];
  const assets: AssetRow[] = [
    {
      id: 1,
      fields: { kind: "printer", make: "HP", model: "LaserJet M404", serial: "CN0123", location: "Accueil", assigned_user: "", status: "in_use", purchased_on: "2023-03-01", warranty_until: "2026-03-01", notes: "" },
      updated_at: "2026-11-01T10:00:00Z",
    },
  ];
  const progress = new Set<(p: InventoryProgress) => void>();
  const syncListeners = new Set<(s: SyncStatus) => void>();
  const tickets: TicketThread[] = [
    {
      ticket: { id: "t-1", remote_ref: "RT#1042", title: "L’écran reste noir au démarrage", status: "open", updated_at: "2026-11-22T14:03:00Z", unread: 1 },
      messages: [
        { author: "Moi", from_me: true, body: "Depuis ce matin l’écran reste noir.", at: "2026-11-22T09:00:00Z", attachments: [], queued: false },
        {
          author: "Camille (support)",
          from_me: false,
          body: "Pouvez-vous vérifier le câble HDMI ?",
          at: "2026-11-22T14:03:00Z",
          attachments: [
            { blob: "d".repeat(64), name: "schema-branchement.png", size_bytes: 120_000, mime: "image/png" },
            { blob: "", name: "pilote-ecran.zip", size_bytes: 80_000_000, mime: "application/zip" },
          ],
          queued: false,
        },
      ],
    },
  ];
  /** Names of the files saved through `attachmentSave` (for tests). */
  const saved: string[] = [];
  let sync: SyncStatus = {
    state: opts.online === false ? "offline" : "not_configured",
    connectivity: opts.online === false ? "no_network" : "no_desk",
    online: opts.online !== false,
    queued: 0,
    last_sync: null,
    last_error: null,
  };
  const listen = <T,>(set: Set<(v: T) => void>, cb: (v: T) => void): Promise<Unlisten> => {
    set.add(cb);
    return Promise.resolve(() => set.delete(cb));
  };
  const publishSync = (s: SyncStatus) => {
    sync = s;
    syncListeners.forEach((cb) => cb(s));
  };
  const summary = (t: TicketThread): TicketSummary => t.ticket;
  let seq = 1;
  // Bundles by file name: `…site.guichet` a site's, `…return….guichet` an answer, `…cut…` a
  // truncated file, `…stranger…` one signed by a key nobody enrolled (accepted when asked to);
  // anything else is not a bundle.
  const appliedBundles = new Set<string>();
  const bundleFile = (path: string): BundleManifestView | "truncated" | "format" => {
    if (/cut|truncated/.test(path)) return "truncated";
    if (/return.*\.guichet$/.test(path)) return sampleManifest("return");
    if (/\.guichet$/.test(path)) return sampleManifest("outgoing");
    return "format";
  };
  const refusalDetail = { truncated: "the bundle is truncated: payload.json ends early", format: "not a Guichet bundle: no manifest.json" };
  const refused = (reason: "truncated" | "format") => ({ status: "refused" as const, refusal: { reason, detail: refusalDetail[reason], fingerprint: null, enrol_as: null } });
  const strangerFingerprint = "SHA256:Yd0mW3n2dJ4cN8rB6kq1TzPp9v0sLx7uHf5gE2aQw1c";
  const unknownKey = () => ({
    status: "refused" as const,
    refusal: { reason: "unknown_key" as const, detail: `signed by a key this store has not enrolled as a site (fingerprint ${strangerFingerprint})`, fingerprint: strangerFingerprint, enrol_as: "site" },
  });
  const enrolled = new Set<string>();
  const runs: AgentRunRow[] = [
    { id: 2, started_at: "2026-11-23T08:41:00Z", finished_at: "2026-11-23T08:41:09Z", result: "partial", sync: "offline: no route to the server", errors: ["sync offline"] },
    { id: 1, started_at: "2026-11-22T08:37:00Z", finished_at: "2026-11-22T08:37:12Z", result: "ok", sync: "ok (pushed 1, pulled 0)", errors: [] },
  ];
  let timerInstalled = false;

  const selfHelp = createSelfHelp(ARTICLES, opts);

  return {
    tickets,
    saved,
    deflections: selfHelp.deflections,
    fixesRun: selfHelp.fixesRun,
    ...selfHelp.methods,
    async inventoryCollect() {
      const cats = ["os", "memory", "network"] as const;
      cats.forEach((c, i) => progress.forEach((cb) => cb({ done: i + 1, total: cats.length, category: c })));
      current = sampleInventory();
      return current;
    },
    async inventoryCurrent() {
      return current;
    },
    onInventoryProgress: (cb) => listen(progress, cb),
    async snapshotList() {
      return [
        { id: 2, taken_at: "2026-11-23T09:15:00Z", hostname: "pc-accueil", software_count: 4, os_full_name: "Debian GNU/Linux 12 (bookworm)", error_count: 1 },
        { id: 1, taken_at: "2026-11-01T09:15:00Z", hostname: "pc-accueil", software_count: 3, os_full_name: "Debian GNU/Linux 12 (bookworm)", error_count: 1 },
      ];
    },
    async snapshotSave() {
      return { id: 3, taken_at: T0, hostname: "pc-accueil", software_count: 4, os_full_name: null, error_count: 0 };
    },
    async snapshotView() {
      return sampleInventory();
    },
    async snapshotDiff() {
      return {
        old_taken_at: "2026-11-01T09:15:00Z",
        new_taken_at: T0,
        changes: [
          { category: "software", kind: "added", item: "vlc (amd64, dpkg)", before: null, after: "3.0.21-0+deb12u1" },
          { category: "software", kind: "upgraded", item: "firefox-esr (amd64, dpkg)", before: "128.4.0esr-1", after: "128.5.0esr-1~deb12u1" },
        ],
      };
    },
    async inventoryExport(format) {
      return format === "glpi_json" ? "/home/user/pc-accueil-glpi.json" : "/home/user/pc-accueil-software.csv";
    },
    async machineHealth() {
      return {
        hostname: "pc-accueil",
        os_name: "Debian GNU/Linux 12 (bookworm)",
        uptime_seconds: 3 * 86400 + 5 * 3600,
        memory_total_bytes: 16 * 2 ** 30,
        memory_available_bytes: 9.5 * 2 ** 30,
        disks: [{ mount_point: "/", total_bytes: 250e9, free_bytes: 37.5e9 }],
        online: sync.online,
        addresses: ["192.0.2.10"],
        pending_updates: 3,
      };
    },
    async systemInfoPreview() {
      return { text: "Host: pc-accueil\nOS: Debian GNU/Linux 12 (bookworm)\nMemory: 9.5 GiB available of 16.0 GiB\nNetwork: online" };
    },
    async attachmentAdd(paths) {
      const names = paths.length ? paths.map((p) => p.split("/").pop() ?? p) : ["facture.pdf"];
      return names.map((name, i) => ({ blob: `b${i}`.padEnd(64, "0"), name, size_bytes: 48_000, mime: "application/octet-stream" }));
    },
    async attachmentScreenshot() {
      return { blob: "c".repeat(64), name: "screenshot-20261123-091500.png", size_bytes: 310_000, mime: "image/png" };
    },
    onFileDrop: () => Promise.resolve(() => {}),
    async ticketCategories() {
      return ["hardware", "software", "network", "account", "printing", "other"];
    },
    async ticketCreate(d) {
      if (!d.title.trim()) throw new BackendError("invalid", "the title is empty");
      const withCheck = d.include_diagnosis && selfHelp.attached() ? `${d.description}\n\n${selfHelp.attached()}` : d.description;
      const attachments = [...d.attachments, ...selfHelp.runFiles(d.fix_runs)];
      const t: TicketThread = {
        ticket: { id: `local-${seq++}`, remote_ref: null, title: d.title, status: "queued", updated_at: new Date().toISOString(), unread: 0 },
        messages: [{ author: "Moi", from_me: true, body: withCheck, at: new Date().toISOString(), attachments, queued: true }],
      };
      tickets.unshift(t);
      publishSync({ ...sync, queued: sync.queued + 1 });
      return summary(t);
    },
    async ticketList() {
      return tickets.map(summary);
    },
    async ticketThread(id) {
      const t = tickets.find((x) => x.ticket.id === id);
      if (!t) throw new BackendError("not_found", id);
      t.ticket.unread = 0;
      return structuredClone(t);
    },
    async ticketReply(id, body, attachments) {
      const t = tickets.find((x) => x.ticket.id === id);
      if (!t) throw new BackendError("not_found", id);
      if (!body.trim()) throw new BackendError("invalid", "the reply is empty");
      const m = { author: "Moi", from_me: true, body, at: new Date().toISOString(), attachments, queued: true };
      t.messages.push(m);
      return m;
    },
    async attachmentSave(blob, name) {
      if (!blob) throw new BackendError("not_found", name);
      saved.push(name);
      return `/home/user/Documents/${name}`;
    },
    async kbSearch(q, limit) {
      const n = q.trim().toLowerCase();
      return ARTICLES.filter((a) => !n || (a.title + a.body_html).toLowerCase().includes(n))
        .slice(0, limit)
        .map((a) => hit(a, n));
    },
    async kbCategories() {
      const counts = new Map<string, number>();
      ARTICLES.forEach((a) => counts.set(a.category, (counts.get(a.category) ?? 0) + 1));
      return [...counts].map(([name, count]) => ({ name, count }));
    },
    async kbArticles(c) {
      return ARTICLES.filter((a) => a.category === c).map((a) => hit(a, ""));
    },
    async kbArticle(id) {
      const a = ARTICLES.find((x) => x.id === id);
      if (!a) throw new BackendError("not_found", id);
      return a;
    },
    async openLink(url) {
      if (!/^(https?|mailto):/.test(url)) throw new BackendError("invalid", url);
    },
    async settingsGet() {
      return settings;
    },
    async settingsSave(s, secret, appToken, oauth) {
      if (s.sync_interval_minutes < 5 || s.sync_interval_minutes > 1440) throw new BackendError("invalid", "interval");
      const c = s.connection;
      if (c.kind === "glpi" && c.app_token && !appToken && !c.has_app_token) throw new BackendError("invalid", "enter the App-Token of the GLPI API client");
      settings = {
        ...s,
        connection: {
          ...c,
          has_secret: c.has_secret || !!secret,
          has_app_token: c.app_token && (c.has_app_token || !!appToken),
          has_api_client_secret: !!c.api_client_id && (c.has_api_client_secret || !!oauth?.api_client_secret),
          has_inventory_client_secret: !!c.inventory_client_id && (c.has_inventory_client_secret || !!oauth?.inventory_client_secret),
        },
      };
      return settings;
    },
    async connectionTest(c, secret, appToken, oauth) {
      if (!/^https?:\/\/./.test(c.url)) throw new BackendError("invalid", "bad url");
      if (c.kind === "glpi" && c.app_token && !appToken && !c.has_app_token)
        return { ok: false, server: null, detail: "ERROR_WRONG_APP_TOKEN_PARAMETER" };
      if (!secret && !c.has_secret) return { ok: false, server: null, detail: "no secret" };
      const v2 = c.password_login && !!c.api_client_id && (!!oauth?.api_client_secret || c.has_api_client_secret);
      const api = v2 ? "API v2 (api.php, OAuth2)" : "API v1 (apirest.php)";
      return { ok: true, server: c.kind === "rt" ? "Request Tracker, " + c.url : `GLPI (${api}), ` + c.url, detail: null };
    },
    async syncStatus() {
      return sync;
    },
    async syncNow() {
      return sync;
    },
    onSyncChanged: (cb) => listen(syncListeners, cb),
    onNavigate: () => Promise.resolve(() => {}),
    async osLocale() {
      return typeof navigator !== "undefined" ? navigator.language : "en";
    },
    async diagnostics() {
      return {
        version: "0.1.0",
        data_dir: "/home/user/.local/share/guichet",
        log_dir: "/home/user/.local/share/org.guichet.desktop/logs",
        log_file: "/home/user/.local/share/org.guichet.desktop/logs/guichet.2026-11-23.log",
        platform: "linux x86_64",
        os_locale: "fr-FR",
        schema_versions: [20261123000001, 20261123000002],
        snapshot_count: 2,
        outbox_count: tickets.filter((t) => t.ticket.status === "queued").length,
      };
    },
    async logTail() {
      return "2026-11-23T09:15:00Z  INFO guichet_app: starting";
    },
    async openLogFolder() {},
    async uiReady() {},
    async uiLive() {},
    async siteImport(location) {
      const m: MachineRow = {
        id: machines.length + 1,
        hostname: `pc-import-${machines.length + 1}`,
        os: "Debian GNU/Linux 12",
        ram_bytes: 4 * 2 ** 30,
        model: null,
        serial: null,
        location: location || null,
        last_seen: "2026-11-20T08:00:00Z",
        snapshot_count: 1,
        software_count: 900,
        matched_software: [],
      };
      machines.push(m);
      return [{ file: `${m.hostname}.json`, outcome: "new", hostname: m.hostname }];
    },
    async siteMachines(q) {
      const has = (v: string | null, w: string) => !w || (v ?? "").toLowerCase().includes(w.toLowerCase());
      return machines.filter(
        (m) => has(m.hostname, q.hostname) && has(m.os, q.os) && has(m.location, q.location) && (!q.ram_below_gib || (m.ram_bytes ?? 0) < q.ram_below_gib * 2 ** 30),
      );
    },
    async siteMachine(id) {
      const m = machines.find((x) => x.id === id);
      if (!m) throw new BackendError("not_found", `machine ${id}`);
      return {
        machine: m,
        inventory: sampleInventory(),
        history: [{ collected_at: m.last_seen, imported_at: m.last_seen, source_format: "glpi", source_name: `${m.hostname}.json`, software_count: m.software_count }],
      };
    },
    async siteExportGlpi() {
      return "/home/user/glpi-export";
    },
    async assetList(q) {
      const n = q.text.toLowerCase();
      return assets.filter(
        (a) => (!q.status || a.fields.status === q.status) && (!n || [a.fields.make, a.fields.model, a.fields.serial, a.fields.notes].join(" ").toLowerCase().includes(n)),
      );
    },
    async assetSave(id, fields) {
      if (!fields.kind.trim()) throw new BackendError("invalid", "the asset type is empty");
      const row: AssetRow = { id: id ?? assets.length + 1, fields, updated_at: new Date().toISOString() };
      const at = assets.findIndex((a) => a.id === row.id);
      if (at >= 0) assets[at] = row;
      else assets.push(row);
      return row;
    },
    async siteExport(format) {
      return format === "csv" ? "/home/user/site-2026-11-23.csv" : "/home/user/site-report-2026-11-23.html";
    },
    async assetLabel(id) {
      const a = assets.find((x) => x.id === id);
      if (!a) throw new BackendError("not_found", `asset ${id}`);
      return `<svg xmlns="http://www.w3.org/2000/svg" width="90mm" height="38mm" viewBox="0 0 900 380"><title>${a.fields.kind}</title><rect width="900" height="380" fill="#fff"/><path d="M20 20h300v300h-300z"/><text x="385" y="80">${a.fields.kind.toUpperCase()}</text></svg>`;
    },
    async assetLabelsSave(ids) {
      if (!ids.length) throw new BackendError("invalid", "no equipment selected");
      return ids.length === 1 ? `/home/user/label-${ids[0]}.html` : `/home/user/labels-${ids.length}.html`;
    },
    async bundleOwnKey() {
      return { deviceid: "pc-accueil-2026-11-20-08-00-00-5c1e9a07", fingerprint: "SHA256:0Jk2nq8Wl4cR7sTt1ZbV9xYp3eUu6fGh5aDd2oLm8Qw" };
    },
    async bundlePick() {
      return "/media/usb/pc-annexe-20261122-1740.guichet";
    },
    async bundleExport() {
      const m = sampleManifest("outgoing");
      return { path: "/media/usb/pc-accueil-20261123-0915.guichet", bytes: 48_213, manifest: { ...m, counts: { ...m.counts, entries: sync.queued, site_changes: 1 } } };
    },
    async bundleInspect(path) {
      const f = bundleFile(path);
      if (typeof f === "string") return refused(f);
      const signer = /stranger/.test(path) && !enrolled.has(path) ? "unknown" : "enrolled";
      const manifest = signer === "unknown" ? { ...f, fingerprint: strangerFingerprint } : f;
      return { status: "verified", inspection: { file: path, file_bytes: 48_213, manifest, signer } };
    },
    async bundleImport(path, options) {
      const f = bundleFile(path);
      if (typeof f === "string") return refused(f);
      const firstContact = /stranger/.test(path) && !enrolled.has(path);
      if (firstContact && !options.trust_new_key) return unknownKey();
      if (firstContact) enrolled.add(path);
      if (options.write_return && f.kind === "return") throw new BackendError("invalid", "already a return bundle");
      const again = appliedBundles.has(f.bundle_uuid);
      appliedBundles.add(f.bundle_uuid);
      const outgoing = f.kind === "outgoing" && !again;
      const n = (v: number) => (again ? 0 : v);
      if (outgoing) publishSync({ ...sync, queued: sync.queued + f.counts.entries });
      return {
        status: "applied",
        applied: {
          bundle_uuid: f.bundle_uuid,
          kind: f.kind,
          source_deviceid: f.source_deviceid,
          already_applied: again,
          key_recorded: firstContact,
          fingerprint: firstContact ? strangerFingerprint : f.fingerprint,
          tickets_added: n(f.kind === "outgoing" ? 2 : 0),
          replies_added: n(1),
          entries_queued: outgoing ? f.counts.entries : 0,
          entries_already_received: 0,
          snapshots_added: n(f.kind === "outgoing" ? 1 : 0),
          site_changes: n(3),
          machines_imported: n(f.kind === "outgoing" ? 1 : 0),
          assets_changed: n(f.kind === "outgoing" ? 2 : 0),
          entries_confirmed: n(f.kind === "return" ? 4 : 0),
          tickets_updated: n(f.kind === "return" ? 2 : 0),
          articles_updated: n(f.kind === "return" ? 12 : 0),
          articles_deleted: 0,
          sync: f.kind === "return" || !options.sync ? "skipped" : sync.online ? "not_configured" : "offline",
          sync_detail: null,
          return_file: options.write_return ? "/media/usb/return-pc-annexe.guichet" : null,
        },
      };
    },
    async agentStatus() {
      return {
        runs,
        installed: timerInstalled,
        unit_file: `${UNIT_DIR}/guichet-agent.timer`,
        timer_state: timerInstalled ? "active" : null,
        next_run: timerInstalled ? "2026-11-24T08:30:00Z" : null,
        systemd: false,
        command: "/usr/bin/guichet",
      };
    },
    async agentInstall(schedule, dryRun) {
      if (!schedule.on_calendar.trim()) throw new BackendError("invalid", "empty calendar");
      const files = [
        { path: `${UNIT_DIR}/guichet-agent.service`, text: `[Service]\nType=oneshot\nExecStart="/usr/bin/guichet" --data-dir "/home/user/.local/share/guichet" agent run\n` },
        { path: `${UNIT_DIR}/guichet-agent.timer`, text: `[Timer]\nOnCalendar=${schedule.on_calendar}\nPersistent=true\n` },
      ];
      return { installed: false, reason: dryRun ? "dry_run" : "no_systemd", files };
    },
    async agentUninstall() {
      const was = timerInstalled;
      timerInstalled = false;
      return was ? [`${UNIT_DIR}/guichet-agent.service`, `${UNIT_DIR}/guichet-agent.timer`] : [];
    },
    async storeTrouble() {
      return opts.trouble ?? null;
    },
    async storeCheck() {
      return opts.trouble ? { ok: false, problems: [opts.trouble.reason] } : { ok: true, problems: [] };
    },
    async storeRepair(startEmpty) {
      const backup = "/home/user/.local/share/guichet/backups/store-20261123T091500Z";
      if (opts.trouble?.reason === "file is not a database") return { backup, readable: false, replaced: startEmpty, tables: [] };
      return {
        backup,
        readable: true,
        replaced: true,
        tables: [
          { table: "tickets", saved: 41, lost: 3 },
          { table: "ticket_replies", saved: 97, lost: 5 },
          { table: "settings", saved: 12, lost: 0 },
        ],
      };
    },
    async appRestart() {},
    blobUrl: (sha) => `blob-test:${sha}`,
  };
}
