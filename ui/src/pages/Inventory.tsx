// Inventory: this machine by category, the software list with a filter, snapshot history with a
// diff view, and exports (GLPI JSON, CSV) through a save dialog.
import { useEffect, useMemo, useState } from "react";
import type { DiffView, ExportFormat, InventoryProgress, InventoryView, SnapshotSummary } from "../backend/backend";
import { ErrorNote, FieldText, Status, useFieldLabel } from "../components/common";
import { useApp } from "../context";
import { hasKey, useI18n } from "../i18n";

type Tab = "machine" | "software" | "history";
const TABS: Tab[] = ["machine", "software", "history"];

export function InventoryPage() {
  const i = useI18n();
  const { t } = i;
  const { backend } = useApp();
  const [inv, setInv] = useState<InventoryView | null>(null);
  const [tab, setTab] = useState<Tab>("machine");
  const [progress, setProgress] = useState<InventoryProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);

  const collect = async () => {
    setBusy(true);
    setError(null);
    setProgress(null);
    try {
      setInv(await backend.inventoryCollect());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    let stop: (() => void) | undefined;
    backend.onInventoryProgress(setProgress).then((u) => (stop = u));
    backend.inventoryCurrent().then((v) => (v ? setInv(v) : collect()), setError);
    return () => stop?.();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [backend]);

  const exportAs = async (format: ExportFormat) => {
    setError(null);
    setNote(null);
    try {
      const path = await backend.inventoryExport(format, null);
      if (path) setNote(t("inventory.exported", { path }));
    } catch (e) {
      setError(e);
    }
  };

  const save = async () => {
    setError(null);
    try {
      const s = await backend.snapshotSave();
      setNote(t("inventory.saved", { id: s.id }));
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t("inventory.title")}
      </h1>
      <div className="actions">
        <button type="button" className="btn btn-primary" onClick={collect} disabled={busy} id="inventory-collect">
          {t("inventory.collect")}
        </button>
        <button type="button" className="btn" onClick={save} disabled={busy || !inv}>
          {t("inventory.saveSnapshot")}
        </button>
        <button type="button" className="btn" onClick={() => exportAs("glpi_json")} disabled={busy}>
          {t("inventory.exportGlpi")}
        </button>
        <button type="button" className="btn" onClick={() => exportAs("software_csv")} disabled={busy}>
          {t("inventory.exportCsv")}
        </button>
      </div>
      {busy ? (
        <div className="progress-row">
          <label htmlFor="inv-progress">{t("inventory.collecting")}</label>
          <progress id="inv-progress" max={progress?.total ?? 15} value={progress?.done ?? 0} />
        </div>
      ) : null}
      {note ? <Status tone="ok">{note}</Status> : null}
      {error ? <ErrorNote error={error} /> : null}
      {inv ? (
        <p className="muted">
          {t("inventory.summary", { host: inv.hostname ?? "", date: i.date(inv.collected_at), n: inv.software.length })}
        </p>
      ) : null}

      <div role="tablist" aria-label={t("inventory.title")} className="tabs">
        {TABS.map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            id={`tab-${k}`}
            aria-selected={tab === k}
            aria-controls={`panel-${k}`}
            tabIndex={tab === k ? 0 : -1}
            className="tab"
            onClick={() => setTab(k)}
            onKeyDown={(e) => {
              const d = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
              if (!d) return;
              const next = TABS[(TABS.indexOf(tab) + d + TABS.length) % TABS.length];
              setTab(next);
              document.getElementById(`tab-${next}`)?.focus();
            }}
          >
            {t(`inventory.tab.${k}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel">
        {tab === "machine" && inv ? <Machine inv={inv} /> : null}
        {tab === "software" && inv ? <SoftwareList inv={inv} /> : null}
        {tab === "history" ? <History /> : null}
      </div>
    </section>
  );
}

export function Machine({ inv }: { inv: InventoryView }) {
  const { t } = useI18n();
  const label = useFieldLabel();
  return (
    <div>
      {inv.sections.map((s) => (
        <details key={s.category} className="section" open={s.category === "os"}>
          <summary>
            <h2 className="summary-title">
              {t(`category.${s.category}`)} <span className="muted">({s.items.length})</span>
            </h2>
          </summary>
          {s.items.map((item, idx) => (
            <div key={idx} className="item">
              {item.title ? <h3>{item.title}</h3> : null}
              <dl className="fields">
                {item.fields.map((f) => (
                  <div key={f.key} className="field-pair">
                    <dt>{label(f.key)}</dt>
                    <dd>
                      <FieldText value={f.value} />
                    </dd>
                  </div>
                ))}
              </dl>
            </div>
          ))}
        </details>
      ))}
      {inv.issues.length > 0 ? (
        <>
          <h2>{t("inventory.notCollected")}</h2>
          <ul className="issues">
            {inv.issues.map((e, idx) => {
              const k = `issue.${e.kind}`;
              return (
                <li key={idx}>
                  <strong>{t(`category.${e.category}`)}</strong>
                  {e.source ? ` (${e.source})` : ""}: {hasKey(k) ? t(k) : e.kind}
                  <span className="muted"> · {e.message}</span>
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function SoftwareList({ inv }: { inv: InventoryView }) {
  const i = useI18n();
  const { t } = i;
  const [filter, setFilter] = useState("");
  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f
      ? inv.software.filter((s) => [s.name, s.publisher ?? "", s.version ?? ""].some((v) => v.toLowerCase().includes(f)))
      : inv.software;
  }, [inv, filter]);
  const shown = rows.slice(0, 500);
  return (
    <div>
      <div className="field">
        <label htmlFor="software-filter">{t("inventory.filter")}</label>
        <input id="software-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </div>
      <p role="status" className="muted" id="software-count">
        {t("inventory.softwareCount", { n: rows.length, total: inv.software.length })}
      </p>
      <table className="table" id="software-table">
        <caption className="sr-only">{t("inventory.tab.software")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("field.name")}</th>
            <th scope="col">{t("field.version")}</th>
            <th scope="col">{t("field.publisher")}</th>
            <th scope="col">{t("field.source")}</th>
            <th scope="col">{t("field.size_bytes")}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((s, idx) => (
            <tr key={`${s.source}-${s.name}-${s.arch}-${idx}`}>
              <td>{s.name}</td>
              <td>{s.version}</td>
              <td>{s.publisher}</td>
              <td>{s.source}</td>
              <td>{s.size_bytes != null ? i.bytes(s.size_bytes) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > shown.length ? <p className="muted">{t("inventory.more", { n: rows.length - shown.length })}</p> : null}
    </div>
  );
}

function History() {
  const i = useI18n();
  const { t } = i;
  const { backend } = useApp();
  const [list, setList] = useState<SnapshotSummary[] | null>(null);
  const [oldId, setOldId] = useState<number | null>(null);
  const [newId, setNewId] = useState<number | null>(null);
  const [diff, setDiff] = useState<DiffView | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    backend.snapshotList().then((l) => {
      setList(l);
      if (l.length >= 2) {
        setNewId(l[0].id);
        setOldId(l[1].id);
      }
    }, setError);
  }, [backend]);

  const compare = async () => {
    if (oldId == null || newId == null) return;
    setError(null);
    try {
      setDiff(await backend.snapshotDiff(oldId, newId));
    } catch (e) {
      setError(e);
    }
  };

  if (error) return <ErrorNote error={error} />;
  if (!list) return <p role="status">{t("common.loading")}</p>;
  if (list.length === 0) return <p>{t("inventory.noSnapshots")}</p>;
  const label = (s: SnapshotSummary) => `#${s.id} · ${i.date(s.taken_at)}`;
  return (
    <div>
      <table className="table">
        <caption className="sr-only">{t("inventory.tab.history")}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t("field.collected_at")}</th>
            <th scope="col">{t("field.hostname")}</th>
            <th scope="col">{t("field.software")}</th>
            <th scope="col">{t("field.errors")}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((s) => (
            <tr key={s.id}>
              <td>{s.id}</td>
              <td>{i.date(s.taken_at)}</td>
              <td>{s.hostname}</td>
              <td>{i.number(s.software_count)}</td>
              <td>{i.number(s.error_count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.length >= 2 ? (
        <div className="field-row">
          <div className="field">
            <label htmlFor="diff-old">{t("inventory.diffOld")}</label>
            <select id="diff-old" value={oldId ?? ""} onChange={(e) => setOldId(Number(e.target.value))}>
              {list.map((s) => (
                <option key={s.id} value={s.id}>
                  {label(s)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="diff-new">{t("inventory.diffNew")}</label>
            <select id="diff-new" value={newId ?? ""} onChange={(e) => setNewId(Number(e.target.value))}>
              {list.map((s) => (
                <option key={s.id} value={s.id}>
                  {label(s)}
                </option>
              ))}
            </select>
          </div>
          <button type="button" className="btn btn-primary align-end" onClick={compare}>
            {t("inventory.compare")}
          </button>
        </div>
      ) : null}
      {diff ? (
        diff.changes.length === 0 ? (
          <Status>{t("inventory.noChanges")}</Status>
        ) : (
          <table className="table" id="diff-table">
            <caption>{t("inventory.diffCaption", { from: i.date(diff.old_taken_at), to: i.date(diff.new_taken_at) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("field.category")}</th>
                <th scope="col">{t("inventory.change")}</th>
                <th scope="col">{t("inventory.item")}</th>
                <th scope="col">{t("inventory.before")}</th>
                <th scope="col">{t("inventory.after")}</th>
              </tr>
            </thead>
            <tbody>
              {diff.changes.map((c, idx) => (
                <tr key={idx}>
                  <td>{t(`category.${c.category}`)}</td>
                  <td>
                    <span className={`badge badge-${c.kind}`}>{t(`change.${c.kind}`)}</span>
                  </td>
                  <td>{c.item}</td>
                  <td>{c.before}</td>
                  <td>{c.after}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </div>
  );
}
