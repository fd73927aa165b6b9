// Report a problem: title, description, category, urgency, attachments (picker, drag and drop,
// screenshot), "include my system information" with the exact text previewed. The computer is
// checked as the report starts (the result previewed and attached), and articles matching the
// title appear as it is typed: "This solved my problem" closes the report without a ticket.
// This session's fix-it runs can go with it (ReportFixRuns). Works offline: the report is
// queued and the page says why, in the header's words.
import { useEffect, useState, type FormEvent } from "react";
import type { DiagnosisView, TicketSummary, Urgency } from "../backend/backend";
import { ErrorNote, PendingFiles, Status } from "../components/common";
import { useApp } from "../context";
import { useFileDrafts } from "../hooks/useFileDrafts";
import { hasKey, useI18n } from "../i18n";
import { FixRunsField, useFixRuns } from "./ReportFixRuns";
import { DiagnosisPreview, TitleSuggestions, useTitleSuggestions } from "./ReportHelp";

const URGENCIES: Urgency[] = ["low", "medium", "high"];

export function Report() {
  const i = useI18n();
  const { t } = i;
  const { backend, sync, navigate } = useApp();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [categories, setCategories] = useState<string[]>([]);
  const [category, setCategory] = useState("other");
  const [urgency, setUrgency] = useState<Urgency>("medium");
  const [includeInfo, setIncludeInfo] = useState(true);
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [titleMissing, setTitleMissing] = useState(false);
  const [sent, setSent] = useState<TicketSummary | null>(null);
  const [dragging, setDragging] = useState(false);
  const [diagnosis, setDiagnosis] = useState<DiagnosisView | null>(null);
  const [diagnosisErr, setDiagnosisErr] = useState<unknown>(null);
  const [includeDiagnosis, setIncludeDiagnosis] = useState(true);
  const [solved, setSolved] = useState(false);
  const suggestions = useTitleSuggestions(title);
  const fixRuns = useFixRuns();
  const { files: attachments, setFiles: setAttachments, add, screenshot } = useFileDrafts(backend, setError);

  useEffect(() => {
    backend.ticketCategories().then(setCategories).catch(() => setCategories(["other"]));
    backend.systemInfoPreview().then((p) => setPreview(p.text)).catch(() => setPreview(null));
    // The check runs as the report starts: its result goes with the report.
    backend.diagnose().then(setDiagnosis, setDiagnosisErr);
  }, [backend]);

  const solvedBy = (article: string) => {
    backend.reportSolved(title.trim(), article).then(() => setSolved(true), setError);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) {
      setTitleMissing(true);
      document.getElementById("report-title")?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const description_ = includeInfo && preview ? `${description}\n\n--\n${preview}` : description;
      const created = await backend.ticketCreate({
        title: title.trim(),
        description: description_,
        category,
        urgency,
        attachments,
        include_system_info: includeInfo,
        // The check previewed below, kept by the shell since it ran.
        include_diagnosis: includeDiagnosis && diagnosis != null,
        // The fix-it runs ticked below, their output attached as text files.
        fix_runs: fixRuns.chosen,
      });
      setSent(created);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (solved) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title" tabIndex={-1}>
          {t("report.title")}
        </h1>
        <Status tone="ok">
          <span id="report-result">{t("report.solvedDone")}</span>
        </Status>
        <div className="actions">
          <button type="button" className="btn btn-primary" onClick={() => navigate("home")}>
            {t("report.backHome")}
          </button>
        </div>
      </section>
    );
  }

  if (sent) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title" tabIndex={-1}>
          {t("report.title")}
        </h1>
        <Status tone="ok">
          <span id="report-result">{sent.status === "queued" ? t("report.queued") : t("report.sent")}</span>
        </Status>
        <div className="actions">
          <button type="button" className="btn btn-primary" onClick={() => navigate("tickets")}>
            {t("report.seeTickets")}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => {
              setSent(null);
              setTitle("");
              setDescription("");
              setAttachments([]);
              fixRuns.setChosen([]);
            }}
          >
            {t("report.another")}
          </button>
        </div>
      </section>
    );
  }

  // Not connected to the service desk: the report waits here, and the notice says why, in the
  // header's words (no network, no service desk set up, service desk unreachable).
  const waiting = sync != null && sync.connectivity !== "connected" ? sync.connectivity : null;

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t("report.title")}
      </h1>
      {waiting ? <Status tone="warn">{t(`report.notice.${waiting}`)}</Status> : null}
      <form onSubmit={submit} noValidate className="form">
        <div className="field">
          <label htmlFor="report-title">
            {t("report.fieldTitle")} <span aria-hidden="true">*</span>
          </label>
          <input
            id="report-title"
            value={title}
            required
            aria-required="true"
            aria-invalid={titleMissing && !title.trim()}
            aria-describedby={titleMissing && !title.trim() ? "report-title-error" : undefined}
            onChange={(e) => setTitle(e.target.value)}
          />
          {titleMissing && !title.trim() ? (
            <p id="report-title-error" className="field-error">
              {t("report.titleRequired")}
            </p>
          ) : null}
          <TitleSuggestions suggestions={suggestions} onSolved={solvedBy} />
        </div>
        <div className="field">
          <label htmlFor="report-description">{t("report.fieldDescription")}</label>
          <textarea id="report-description" rows={6} value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="report-category">{t("report.fieldCategory")}</label>
            <select id="report-category" value={category} onChange={(e) => setCategory(e.target.value)}>
              {categories.map((c) => {
                const k = `ticketCategory.${c}`;
                return (
                  <option key={c} value={c}>
                    {hasKey(k) ? t(k) : c}
                  </option>
                );
              })}
            </select>
          </div>
          <fieldset className="field">
            <legend>{t("report.fieldUrgency")}</legend>
            <div className="radios">
              {URGENCIES.map((u) => (
                <label key={u} className="radio">
                  <input type="radio" name="urgency" value={u} checked={urgency === u} onChange={() => setUrgency(u)} />
                  {t(`urgency.${u}`)}
                </label>
              ))}
            </div>
          </fieldset>
        </div>

        <fieldset className="field">
          <legend>{t("report.attachments")}</legend>
          <div
            className={dragging ? "dropzone dragging" : "dropzone"}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(e) => {
              e.preventDefault();
              setDragging(false);
            }}
          >
            <p>{t("report.dropHint")}</p>
            <div className="actions">
              <button type="button" className="btn" id="attach-files" onClick={() => add([])}>
                {t("report.addFiles")}
              </button>
              <button type="button" className="btn" id="attach-screenshot" onClick={screenshot}>
                {t("report.screenshot")}
              </button>
            </div>
          </div>
          <PendingFiles files={attachments} label={t("report.attachments")} onChange={setAttachments} />
        </fieldset>

        <div className="field">
          <label className="checkbox">
            <input type="checkbox" id="include-info" checked={includeInfo} onChange={(e) => setIncludeInfo(e.target.checked)} />
            {t("report.includeInfo")}
          </label>
          {includeInfo ? (
            <details className="preview">
              <summary>{t("report.previewInfo")}</summary>
              <pre id="sysinfo-preview">{preview ?? t("common.loading")}</pre>
            </details>
          ) : null}
        </div>

        <div className="field">
          <label className="checkbox">
            <input type="checkbox" id="include-diagnosis" checked={includeDiagnosis} onChange={(e) => setIncludeDiagnosis(e.target.checked)} />
            {t("report.includeDiagnosis")}
          </label>
          {includeDiagnosis ? <DiagnosisPreview d={diagnosis} error={diagnosisErr} /> : null}
        </div>

        <FixRunsField runs={fixRuns.runs} chosen={fixRuns.chosen} onChange={fixRuns.setChosen} />

        <div id="report-error">{error ? <ErrorNote error={error} /> : null}</div>
        <div className="actions">
          <button type="submit" className="btn btn-primary" id="report-send" disabled={busy}>
            {waiting ? t("report.queue") : t("report.send")}
          </button>
        </div>
      </form>
    </section>
  );
}
