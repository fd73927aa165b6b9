// Admin, offline bundles: export what waits to sync to a file, inspect a bundle (manifest,
// verification, signer) and import it (sync afterwards, return bundle). A refused bundle is
// explained in the user's language; nothing is applied from it.
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { BundleApplied, BundleCheck, BundleExported, BundleImportResult, BundleManifestView, BundleOwnKey, Refusal } from "../backend/backend";
import { ErrorNote, Status } from "../components/common";
import { useApp } from "../context";
import { useI18n } from "../i18n";

// A refusal for the signer's key names its fingerprint and how to enrol it: trust comes from
// enrolment, never from the bundle itself.
function Refused({ refusal }: { refusal: Refusal }) {
  const { t } = useI18n();
  const role = refusal.enrol_as === "hub" ? "hub" : "site";
  return (
    <div className="status status-error" role="alert" id="bundle-refused">
      <strong>{t("bundle.refused")}</strong> {t(`bundle.refusal.${refusal.reason}`)}
      {refusal.fingerprint ? (
        <p id="bundle-enrol-how">{t("bundle.enrolHow", { fingerprint: refusal.fingerprint, role: t(`bundle.role.${role}`), flag: role })}</p>
      ) : null}
    </div>
  );
}

function Manifest({ m, verified }: { m: BundleManifestView; verified?: string }) {
  const i = useI18n();
  const { t } = i;
  const c = m.counts;
  const pair = (label: string, value: string) => (
    <div className="field-pair">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
  return (
    <dl className="fields fields-wide" id="bundle-manifest">
      {pair(t("bundle.kind"), t(`bundle.direction.${m.kind}`))}
      {pair(t("bundle.from"), m.source_deviceid)}
      {m.recipient_deviceid ? pair(t("bundle.for"), m.recipient_deviceid) : null}
      {pair(t("bundle.created"), i.date(m.created_at))}
      {pair(
        t("bundle.contents"),
        t("bundle.counts", { tickets: c.tickets, replies: c.replies, inventories: c.inventories, changes: c.site_changes, entries: c.entries, articles: c.articles, files: c.files }),
      )}
      {verified ? pair(t("bundle.verification"), verified) : null}
      {pair(t("bundle.fingerprint"), m.fingerprint)}
      {pair(t("bundle.key"), m.public_key)}
      {pair(t("bundle.id"), m.bundle_uuid)}
    </dl>
  );
}

function Applied({ a }: { a: BundleApplied }) {
  const { t } = useI18n();
  if (a.already_applied) return <Status tone="warn">{t("bundle.alreadyApplied")}</Status>;
  const lines = [
    t("bundle.applied", { from: a.source_deviceid }),
    a.kind === "outgoing"
      ? t("bundle.appliedOutgoing", { tickets: a.tickets_added, replies: a.replies_added, queued: a.entries_queued, snapshots: a.snapshots_added, machines: a.machines_imported, assets: a.assets_changed })
      : t("bundle.appliedReturn", { confirmed: a.entries_confirmed, tickets: a.tickets_updated, articles: a.articles_updated }),
  ];
  if (a.key_recorded) lines.push(t("bundle.keyRecorded", { fingerprint: a.fingerprint }));
  if (a.sync !== "skipped") lines.push(t(`bundle.sync.${a.sync}`));
  if (a.return_file) lines.push(t("bundle.returnWritten", { path: a.return_file }));
  return (
    <div className={`status ${a.sync === "failed" ? "status-warn" : "status-ok"}`} role="status" id="bundle-result">
      {lines.map((l, k) => (
        <p key={k}>{l}</p>
      ))}
    </div>
  );
}

export function Bundles() {
  const { t } = useI18n();
  const { backend } = useApp();
  const [path, setPath] = useState("");
  const [trust, setTrust] = useState(false);
  const [sync, setSync] = useState(true);
  const [writeReturn, setWriteReturn] = useState(false);
  const [exported, setExported] = useState<BundleExported | null>(null);
  // This machine's key fingerprint: what the other side compares before enrolling it.
  const [own, setOwn] = useState<BundleOwnKey | null>(null);
  useEffect(() => {
    backend.bundleOwnKey().then(setOwn, () => setOwn(null));
  }, [backend]);
  const [check, setCheck] = useState<BundleCheck | null>(null);
  const [result, setResult] = useState<BundleImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // A result appears below the form: bring it into view (the form stays where it was).
  const outcome = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (check || result) outcome.current?.scrollIntoView?.({ block: "nearest" });
  }, [check, result]);

  const run = async (f: { (): Promise<void> }) => {
    setError(null);
    setBusy(true);
    try {
      await f();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const exportBundle = () =>
    run(async () => {
      setExported(await backend.bundleExport());
    });
  const pick = () =>
    run(async () => {
      const p = await backend.bundlePick();
      if (p) {
        setPath(p);
        setCheck(null);
        setResult(null);
      }
    });
  const inspect = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      setResult(null);
      setCheck(await backend.bundleInspect(path));
    });
  };
  const importBundle = () =>
    run(async () => {
      setCheck(null);
      setResult(await backend.bundleImport(path, { trust_new_key: trust, sync, write_return: writeReturn }));
    });

  return (
    <div>
      <section className="group admin-group" aria-labelledby="bundle-export-title">
        <h2 id="bundle-export-title" className="group-title">
          {t("bundle.exportTitle")}
        </h2>
        <p className="help">{t("bundle.exportHelp")}</p>
        {own ? (
          <p className="help" id="bundle-own-key">
            {t("bundle.ownKey", { deviceid: own.deviceid, fingerprint: own.fingerprint })}
          </p>
        ) : null}
        <div className="actions">
          <button type="button" className="btn btn-primary" id="bundle-export" onClick={exportBundle} disabled={busy}>
            {t("bundle.export")}
          </button>
        </div>
        {exported ? (
          <Status tone="ok">
            {t("bundle.exported", { path: exported.path, entries: exported.manifest.counts.entries, changes: exported.manifest.counts.site_changes })}
          </Status>
        ) : null}
      </section>
      <form className="form group admin-group" onSubmit={inspect} aria-labelledby="bundle-import-title">
        <h2 id="bundle-import-title" className="group-title">
          {t("bundle.importTitle")}
        </h2>
        <div className="field">
          <label htmlFor="bundle-path">{t("bundle.file")}</label>
          <div className="actions">
            <input id="bundle-path" className="grow" value={path} onChange={(e) => setPath(e.target.value)} aria-describedby="bundle-path-help" />
            <button type="button" className="btn" id="bundle-pick" onClick={pick} disabled={busy}>
              {t("bundle.choose")}
            </button>
          </div>
          <p id="bundle-path-help" className="help">
            {t("bundle.fileHelp")}
          </p>
        </div>
        <div>
          <label className="checkbox">
            <input type="checkbox" id="bundle-sync" checked={sync} onChange={(e) => setSync(e.target.checked)} />
            {t("bundle.optSync")}
          </label>
          <label className="checkbox">
            <input type="checkbox" id="bundle-return" checked={writeReturn} onChange={(e) => setWriteReturn(e.target.checked)} />
            {t("bundle.optReturn")}
          </label>
          <label className="checkbox">
            <input type="checkbox" id="bundle-trust" checked={trust} onChange={(e) => setTrust(e.target.checked)} />
            {t("bundle.optTrust")}
          </label>
        </div>
        <div className="actions">
          <button type="submit" className="btn" id="bundle-inspect" disabled={busy || !path.trim()}>
            {t("bundle.inspect")}
          </button>
          <button type="button" className="btn btn-primary" id="bundle-import" onClick={importBundle} disabled={busy || !path.trim()}>
            {t("bundle.import")}
          </button>
        </div>
      </form>
      <div ref={outcome}>
        {error ? <ErrorNote error={error} /> : null}
        {check?.status === "refused" ? <Refused refusal={check.refusal} /> : null}
        {check?.status === "verified" ? (
          <section aria-labelledby="bundle-manifest-title">
            <h2 id="bundle-manifest-title">{t("bundle.manifestTitle")}</h2>
            <Status tone={check.inspection.signer === "enrolled" ? "ok" : "warn"}>{t(`bundle.signer.${check.inspection.signer}`)}</Status>
            <Manifest m={check.inspection.manifest} verified={t("bundle.verified", { n: check.inspection.manifest.members })} />
          </section>
        ) : null}
        {result?.status === "refused" ? <Refused refusal={result.refusal} /> : null}
        {result?.status === "applied" ? <Applied a={result.applied} /> : null}
      </div>
    </div>
  );
}
