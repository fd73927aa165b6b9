// Admin: the site register. Machines (import inventory files, list and search with filters, a
// machine's detail and history, GLPI JSON, CSV and printable report exports), hand-entered
// assets (list, add, edit, status, QR labels saved or printed), offline bundles and the
// scheduled agent (their own files).
import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { AssetFields, AssetRow, AssetState, ImportRow, MachineDetail, MachineQuery, MachineRow, SiteExportFormat } from "../backend/backend";
import { ErrorNote, Status } from "../components/common";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { Agent } from "./AdminAgent";
import { Indicators } from "./AdminIndicators";
import { Bundles } from "./AdminBundles";
import { Machine } from "./Inventory";

type Tab = "machines" | "assets" | "bundles" | "agent";
const TABS: Tab[] = ["machines", "assets", "bundles", "agent"];
const STATES: AssetState[] = ["in_use", "in_stock", "broken", "retired"];
const NO_QUERY: MachineQuery = { hostname: "", os: "", location: "", software: "", version: "", ram_below_gib: 0 };

export function Admin() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>("machines");
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t("admin.title")}
      </h1>
      <Indicators />
      <div role="tablist" className="tabs" aria-label={t("admin.title")}>
        {TABS.map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            id={`tab-${k}`}
            aria-selected={tab === k}
            aria-controls={`panel-${k}`}
            className={tab === k ? "tab active" : "tab"}
            onClick={() => setTab(k)}
          >
            {t(`admin.${k}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === "machines" ? <Machines /> : tab === "assets" ? <Assets /> : tab === "bundles" ? <Bundles /> : <Agent />}
      </div>
    </section>
  );
}

function Machines() {
  const i = useI18n();
  const { t } = i;
  const { backend } = useApp();
  const [query, setQuery] = useState<MachineQuery>(NO_QUERY);
  const [list, setList] = useState<MachineRow[] | null>(null);
  const [detail, setDetail] = useState<MachineDetail | null>(null);
  const [imported, setImported] = useState<ImportRow[] | null>(null);
  const [location, setLocation] = useState("");
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    (q: MachineQuery) => {
      setError(null);
      backend.siteMachines(q).then(setList, setError);
    },
    [backend],
  );
  useEffect(() => load(NO_QUERY), [load]);

  const search = (e: FormEvent) => {
    e.preventDefault();
    load(query);
  };
  const importFiles = async () => {
    setError(null);
    setNote(null);
    try {
      const rows = await backend.siteImport(location);
      if (rows.length) {
        setImported(rows);
        load(query);
      }
    } catch (err) {
      setError(err);
    }
  };
  const exportGlpi = async () => {
    setError(null);
    setNote(null);
    try {
      const dir = await backend.siteExportGlpi();
      if (dir) setNote(t("admin.exported", { path: dir }));
    } catch (err) {
      setError(err);
    }
  };
  const exportSite = async (format: SiteExportFormat) => {
    setError(null);
    setNote(null);
    try {
      const path = await backend.siteExport(format, i.lang);
      if (path) setNote(t("admin.exported", { path }));
    } catch (err) {
      setError(err);
    }
  };
  const set = <K extends keyof MachineQuery>(k: K, v: MachineQuery[K]) => setQuery({ ...query, [k]: v });

  if (detail) {
    const m = detail.machine;
    return (
      <div>
        <button type="button" className="btn btn-ghost" onClick={() => setDetail(null)}>
          {t("common.back")}
        </button>
        <h2 id="machine-title">{m.hostname}</h2>
        <p className="muted">
          {[m.os, m.model, m.serial, m.location].filter(Boolean).join(" · ")}
        </p>
        <h3>{t("admin.history")}</h3>
        <table className="table" id="machine-history">
          <thead>
            <tr>
              <th scope="col">{t("admin.collected")}</th>
              <th scope="col">{t("admin.imported")}</th>
              <th scope="col">{t("admin.source")}</th>
              <th scope="col">{t("admin.software")}</th>
            </tr>
          </thead>
          <tbody>
            {detail.history.map((h, idx) => (
              <tr key={idx}>
                <td>{i.date(h.collected_at)}</td>
                <td>{i.date(h.imported_at)}</td>
                <td>
                  {h.source_name} ({h.source_format})
                </td>
                <td>{i.number(h.software_count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Machine inv={detail.inventory} />
      </div>
    );
  }

  return (
    <div>
      <fieldset className="group admin-group">
        <legend>{t("admin.files")}</legend>
        <div className="field-row">
          <div className="field">
            <label htmlFor="import-location">{t("admin.importLocation")}</label>
            <input id="import-location" value={location} onChange={(e) => setLocation(e.target.value)} />
          </div>
        </div>
        <div className="actions">
          <button type="button" className="btn btn-primary" id="site-import" onClick={importFiles}>
            {t("admin.import")}
          </button>
          <button type="button" className="btn" id="site-export-glpi" onClick={exportGlpi}>
            {t("admin.exportGlpi")}
          </button>
          <button type="button" className="btn" id="site-export-csv" onClick={() => exportSite("csv")}>
            {t("admin.exportCsv")}
          </button>
          <button type="button" className="btn" id="site-export-html" onClick={() => exportSite("html")}>
            {t("admin.exportReport")}
          </button>
        </div>
      </fieldset>
      {imported ? (
        <Status tone="ok">
          {t("admin.importedCount", { n: imported.length })}{" "}
          {imported.map((r) => `${r.file}: ${r.hostname} (${t(`admin.outcome.${r.outcome}` as "admin.outcome.new")})`).join(", ")}
        </Status>
      ) : null}
      {note ? <Status tone="ok">{note}</Status> : null}
      <form className="form filters group admin-group" onSubmit={search} aria-labelledby="machine-filters">
        <h2 id="machine-filters" className="group-title">{t("admin.filters")}</h2>
        <div className="field-row">
          <div className="field">
            <label htmlFor="f-host">{t("admin.hostname")}</label>
            <input id="f-host" value={query.hostname} onChange={(e) => set("hostname", e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="f-os">{t("admin.os")}</label>
            <input id="f-os" value={query.os} onChange={(e) => set("os", e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="f-location">{t("admin.location")}</label>
            <input id="f-location" value={query.location} onChange={(e) => set("location", e.target.value)} />
          </div>
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="f-software">{t("admin.softwareName")}</label>
            <input id="f-software" value={query.software} onChange={(e) => set("software", e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="f-version">{t("admin.version")}</label>
            <input id="f-version" value={query.version} placeholder="<115" aria-describedby="f-version-help" onChange={(e) => set("version", e.target.value)} />
            <p id="f-version-help" className="help">
              {t("admin.versionHelp")}
            </p>
          </div>
          <div className="field">
            <label htmlFor="f-ram">{t("admin.ramBelow")}</label>
            <input id="f-ram" type="number" min={0} value={query.ram_below_gib} onChange={(e) => set("ram_below_gib", Math.max(0, Number(e.target.value) || 0))} />
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="btn" id="site-search">
            {t("admin.search")}
          </button>
        </div>
      </form>
      {error ? <ErrorNote error={error} /> : null}
      {list ? (
        <>
          <p id="machine-count" role="status">
            {t("admin.machineCount", { n: list.length })}
          </p>
          <table className="table" id="machine-table">
            <thead>
              <tr>
                <th scope="col">{t("admin.hostname")}</th>
                <th scope="col">{t("admin.os")}</th>
                <th scope="col">{t("admin.ram")}</th>
                <th scope="col">{t("admin.location")}</th>
                <th scope="col">{t("admin.lastSeen")}</th>
                <th scope="col">{t("admin.software")}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <tr key={m.id}>
                  <td>
                    <button type="button" className="link" onClick={() => backend.siteMachine(m.id).then(setDetail, setError)}>
                      {m.hostname}
                    </button>
                  </td>
                  <td>{m.os ?? ""}</td>
                  <td>{m.ram_bytes != null ? i.bytes(m.ram_bytes) : ""}</td>
                  <td>{m.location ?? ""}</td>
                  <td>{i.date(m.last_seen)}</td>
                  <td>{m.matched_software.length ? m.matched_software.join(", ") : i.number(m.software_count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}

const EMPTY_ASSET: AssetFields = {
  kind: "",
  make: "",
  model: "",
  serial: "",
  location: "",
  assigned_user: "",
  status: "in_use",
  purchased_on: "",
  warranty_until: "",
  notes: "",
};

function Assets() {
  const i = useI18n();
  const { t } = i;
  const { backend } = useApp();
  const [text, setText] = useState("");
  const [status, setStatus] = useState<AssetState | "">("");
  const [list, setList] = useState<AssetRow[] | null>(null);
  const [editing, setEditing] = useState<{ id: number | null; fields: AssetFields } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const [shown, setShown] = useState<{ id: number; svg: string } | null>(null);
  const [printing, setPrinting] = useState<{ id: number; svg: string }[]>([]);

  const toggle = (id: number, on: boolean) => setSelected(on ? [...selected.filter((x) => x !== id), id] : selected.filter((x) => x !== id));
  const showLabel = (id: number) => {
    setError(null);
    backend.assetLabel(id).then((svg) => setShown({ id, svg }), setError);
  };
  const saveLabels = async (ids: number[]) => {
    setError(null);
    setNote(null);
    try {
      const path = await backend.assetLabelsSave(ids);
      if (path) setNote(t("admin.labelsSaved", { n: ids.length, path }));
    } catch (err) {
      setError(err);
    }
  };
  // The print stylesheet shows only the labels area: fill it, then open the print dialog.
  const printLabels = async (ids: number[]) => {
    setError(null);
    try {
      const labels = await Promise.all(ids.map(async (id) => ({ id, svg: await backend.assetLabel(id) })));
      setPrinting(labels);
      window.setTimeout(() => window.print(), 0);
    } catch (err) {
      setError(err);
    }
  };

  const load = useCallback(
    (q: string, s: AssetState | "") => backend.assetList({ text: q, status: s || null }).then(setList, setError),
    [backend],
  );
  useEffect(() => {
    load("", "");
  }, [load]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    setError(null);
    try {
      const a = await backend.assetSave(editing.id, editing.fields);
      setNote(t("admin.assetSaved", { id: a.id }));
      setEditing(null);
      load(text, status);
    } catch (err) {
      setError(err);
    }
  };

  if (editing) {
    const f = editing.fields;
    const set = <K extends keyof AssetFields>(k: K, v: AssetFields[K]) => setEditing({ ...editing, fields: { ...f, [k]: v } });
    const textField = (k: Exclude<keyof AssetFields, "status">, type = "text") => (
      <div className="field" key={k}>
        <label htmlFor={`asset-${k}`}>{t(`asset.${k}`)}</label>
        <input id={`asset-${k}`} type={type} value={f[k]} aria-required={k === "kind"} onChange={(e) => set(k, e.target.value)} />
      </div>
    );
    return (
      <form className="form" onSubmit={save} aria-labelledby="asset-form-title" noValidate>
        <h2 id="asset-form-title">{editing.id == null ? t("admin.assetNew") : t("admin.assetEdit", { id: editing.id })}</h2>
        <div className="field-row">
          {textField("kind")}
          {textField("make")}
          {textField("model")}
        </div>
        <div className="field-row">
          {textField("serial")}
          {textField("location")}
          {textField("assigned_user")}
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="asset-status">{t("asset.status")}</label>
            <select id="asset-status" value={f.status} onChange={(e) => set("status", e.target.value as AssetState)}>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {t(`assetState.${s}`)}
                </option>
              ))}
            </select>
          </div>
          {textField("purchased_on", "date")}
          {textField("warranty_until", "date")}
        </div>
        <div className="field">
          <label htmlFor="asset-notes">{t("asset.notes")}</label>
          <textarea id="asset-notes" rows={3} value={f.notes} onChange={(e) => set("notes", e.target.value)} />
        </div>
        {error ? <ErrorNote error={error} /> : null}
        <div className="actions">
          <button type="button" className="btn btn-ghost" onClick={() => setEditing(null)}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="btn btn-primary" id="asset-save">
            {t("admin.assetSave")}
          </button>
        </div>
      </form>
    );
  }

  return (
    <div>
      <form
        className="form filters group admin-group"
        aria-label={t("admin.filters")}
        onSubmit={(e) => {
          e.preventDefault();
          load(text, status);
        }}
      >
        <div className="field-row">
          <div className="field">
            <label htmlFor="asset-filter">{t("admin.assetText")}</label>
            <input id="asset-filter" value={text} onChange={(e) => setText(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="asset-status-filter">{t("asset.status")}</label>
            <select id="asset-status-filter" value={status} onChange={(e) => setStatus(e.target.value as AssetState | "")}>
              <option value="">{t("admin.any")}</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {t(`assetState.${s}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="btn">
            {t("admin.search")}
          </button>
          <button type="button" className="btn btn-primary" id="asset-add" onClick={() => setEditing({ id: null, fields: EMPTY_ASSET })}>
            {t("admin.assetAdd")}
          </button>
        </div>
      </form>
      {note ? <Status tone="ok">{note}</Status> : null}
      {error ? <ErrorNote error={error} /> : null}
      {shown ? (
        <figure className="label-view" id="label-view">
          <img src={svgUrl(shown.svg)} alt={t("admin.labelAlt", { id: shown.id })} />
          <figcaption className="actions">
            <button type="button" className="btn" id="label-save" onClick={() => saveLabels([shown.id])}>
              {t("admin.labelSave")}
            </button>
            <button type="button" className="btn" id="label-print" onClick={() => printLabels([shown.id])}>
              {t("admin.print")}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setShown(null)}>
              {t("common.close")}
            </button>
          </figcaption>
        </figure>
      ) : null}
      {list ? (
        <div className="actions">
          <span id="selection-count">{t("admin.selected", { n: selected.length })}</span>
          <button type="button" className="btn" id="labels-save" disabled={!selected.length} onClick={() => saveLabels(selected)}>
            {t("admin.labelsSave")}
          </button>
          <button type="button" className="btn" id="labels-print" disabled={!selected.length} onClick={() => printLabels(selected)}>
            {t("admin.labelsPrint")}
          </button>
        </div>
      ) : null}
      {list ? (
        <table className="table" id="asset-table">
          <thead>
            <tr>
              <th scope="col">
                <span className="sr-only">{t("admin.select")}</span>
              </th>
              <th scope="col">#</th>
              <th scope="col">{t("asset.kind")}</th>
              <th scope="col">{t("asset.model")}</th>
              <th scope="col">{t("asset.serial")}</th>
              <th scope="col">{t("asset.location")}</th>
              <th scope="col">{t("asset.status")}</th>
              <th scope="col">{t("asset.warranty_until")}</th>
              <th scope="col">{t("admin.label")}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((a) => (
              <tr key={a.id}>
                <td>
                  <input type="checkbox" checked={selected.includes(a.id)} aria-label={t("admin.selectAsset", { id: a.id })} onChange={(e) => toggle(a.id, e.target.checked)} />
                </td>
                <td>
                  <button type="button" className="link" aria-label={t("admin.assetEdit", { id: a.id })} onClick={() => setEditing({ id: a.id, fields: a.fields })}>
                    {a.id}
                  </button>
                </td>
                <td>{a.fields.kind}</td>
                <td>{[a.fields.make, a.fields.model].filter(Boolean).join(" ")}</td>
                <td>{a.fields.serial}</td>
                <td>{a.fields.location}</td>
                <td>{t(`assetState.${a.fields.status}`)}</td>
                <td>{a.fields.warranty_until}</td>
                <td>
                  <button type="button" className="link" aria-label={t("admin.labelShow", { id: a.id })} onClick={() => showLabel(a.id)}>
                    {t("admin.label")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="print-area" aria-hidden="true">
        {printing.map((l) => (
          <img key={l.id} src={svgUrl(l.svg)} alt="" />
        ))}
      </div>
    </div>
  );
}

/** An SVG document as an image URL (the CSP allows `data:` images; no markup is injected). */
function svgUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
