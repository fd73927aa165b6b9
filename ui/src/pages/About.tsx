// About / diagnostics: versions, folders, store facts, and the log (tail + open the folder).
import { useEffect, useState } from "react";
import type { Diagnostics } from "../backend/backend";
import { ErrorNote } from "../components/common";
import { useApp } from "../context";
import { useI18n } from "../i18n";

export function About() {
  const i = useI18n();
  const { t } = i;
  const { backend } = useApp();
  const [d, setD] = useState<Diagnostics | null>(null);
  const [log, setLog] = useState("");
  const [error, setError] = useState<unknown>(null);

  const loadLog = () => backend.logTail(200).then(setLog, setError);
  useEffect(() => {
    backend.diagnostics().then(setD, setError);
    loadLog();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [backend]);

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t("about.title")}
      </h1>
      <p>{t("about.intro")}</p>
      {error ? <ErrorNote error={error} /> : null}
      {d ? (
        <dl className="fields fields-wide" id="diagnostics">
          <div className="field-pair">
            <dt>{t("about.version")}</dt>
            <dd>{d.version}</dd>
          </div>
          <div className="field-pair">
            <dt>{t("about.platform")}</dt>
            <dd>{d.platform}</dd>
          </div>
          <div className="field-pair">
            <dt>{t("about.locale")}</dt>
            <dd>{d.os_locale}</dd>
          </div>
          <div className="field-pair">
            <dt>{t("about.dataDir")}</dt>
            <dd>
              <code>{d.data_dir}</code>
            </dd>
          </div>
          <div className="field-pair">
            <dt>{t("about.logDir")}</dt>
            <dd>
              <code>{d.log_dir}</code>
            </dd>
          </div>
          <div className="field-pair">
            <dt>{t("about.schema")}</dt>
            <dd>{d.schema_versions.join(", ")}</dd>
          </div>
          <div className="field-pair">
            <dt>{t("about.snapshots")}</dt>
            <dd>{i.number(d.snapshot_count)}</dd>
          </div>
          <div className="field-pair">
            <dt>{t("about.outbox")}</dt>
            <dd>{i.number(d.outbox_count)}</dd>
          </div>
        </dl>
      ) : null}
      <h2>{t("about.log")}</h2>
      <div className="actions">
        <button type="button" className="btn" onClick={loadLog}>
          {t("about.refreshLog")}
        </button>
        <button type="button" className="btn" onClick={() => backend.openLogFolder().catch(setError)}>
          {t("about.openLogFolder")}
        </button>
      </div>
      <pre className="log" tabIndex={0} aria-label={t("about.log")}>
        {log || t("about.logEmpty")}
      </pre>
    </section>
  );
}
