// Check my computer: a clear summary first, then what needs attention (problems, then warnings)
// in the user's language, details on demand (measured value, threshold, subject), the articles
// suggested for each, and the fix-it actions, each shown (its plan) before it runs.
import { useCallback, useEffect, useRef, useState } from "react";
import type { DiagnosisView, FindingView, SuggestionView } from "../backend/backend";
import { ErrorNote } from "../components/common";
import { useApp } from "../context";
import { countOf, needingAttention, theRest } from "../diagnosis";
import { useI18n } from "../i18n";
import { FixDialog } from "./FixDialog";

export function Check() {
  const { t, date } = useI18n();
  const { backend } = useApp();
  const [d, setD] = useState<DiagnosisView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fix, setFix] = useState<string | null>(null);
  const seq = useRef(0);

  const run = useCallback(() => {
    const mine = ++seq.current;
    setBusy(true);
    setError(null);
    backend
      .diagnose()
      .then((r) => mine === seq.current && setD(r), (e) => mine === seq.current && setError(e))
      .finally(() => mine === seq.current && setBusy(false));
  }, [backend]);

  useEffect(run, [run]);

  const attention = d ? needingAttention(d) : [];
  const rest = d ? theRest(d) : [];
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t("check.title")}
      </h1>
      <p>{t("check.intro")}</p>
      <div aria-live="polite" id="check-status">
        {busy ? <p className="status">{t("check.running")}</p> : null}
        {d && !busy ? <Summary d={d} /> : null}
      </div>
      {error ? <ErrorNote error={error} /> : null}
      {d ? (
        <p className="muted" id="check-when">
          {t("check.when", { date: date(d.taken_at), ms: d.elapsed_ms })}
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="btn" id="check-again" onClick={run} disabled={busy}>
          {t("check.again")}
        </button>
      </div>
      {attention.length > 0 ? (
        <>
          <h2>{t("check.attention")}</h2>
          <ul className="findings" id="check-attention">
            {attention.map((f, idx) => (
              <Finding key={`${f.check}-${f.subject ?? ""}-${idx}`} f={f} suggestions={d?.suggestions ?? []} onFix={setFix} />
            ))}
          </ul>
        </>
      ) : null}
      {rest.length > 0 ? (
        <details className="section" id="check-rest">
          <summary>{t("check.rest", { n: rest.length })}</summary>
          <ul className="findings">
            {rest.map((f, idx) => (
              <Finding key={`${f.check}-${f.subject ?? ""}-${idx}`} f={f} suggestions={[]} onFix={setFix} />
            ))}
          </ul>
        </details>
      ) : null}
      {fix ? (
        <FixDialog
          id={fix}
          onClose={(ran) => {
            setFix(null);
            // After a repair, the page shows the machine as it is now.
            if (ran) run();
          }}
        />
      ) : null}
    </section>
  );
}

function Summary({ d }: { d: DiagnosisView }) {
  const { t } = useI18n();
  const problems = countOf(d, "problem");
  const warnings = countOf(d, "warning");
  // No check could run at all: that is not "fine".
  if (d.findings.length === 0)
    return (
      <p className="status status-warn check-summary" id="check-summary">
        {t("check.none")}
      </p>
    );
  if (problems === 0 && warnings === 0)
    return (
      <p className="status status-ok check-summary" id="check-summary">
        {t("check.allGood")}
      </p>
    );
  return (
    <p className={`status ${problems ? "status-error" : "status-warn"} check-summary`} id="check-summary">
      {t("check.summary", { problems, warnings })}
    </p>
  );
}

function Finding({ f, suggestions, onFix }: { f: FindingView; suggestions: SuggestionView[]; onFix: (id: string) => void }) {
  const { t, lang } = useI18n();
  const { openArticle } = useApp();
  const articles = suggestions.filter((s) => s.check === f.check);
  const detailsId = `finding-${f.check.replace(/\W/g, "-")}-${(f.subject ?? "").replace(/\W/g, "-")}`;
  return (
    <li className={`finding finding-${f.status}`}>
      <p className="finding-head">
        <span className={`badge badge-${f.status}`}>{t(`check.status.${f.status}`)}</span> <span className="finding-sentence">{f.sentence[lang]}</span>
      </p>
      <details className="finding-details" id={detailsId}>
        <summary>{t("check.details")}</summary>
        <dl className="fields fields-wide">
          <Pair label={t("check.checkId")} value={f.check} />
          {f.subject ? <Pair label={t("check.subject")} value={f.subject} /> : null}
          <Pair label={t("check.measured")} value={f.measured ? f.measured[lang] : t("common.unknown")} />
          {f.threshold ? <Pair label={t("check.threshold")} value={f.threshold[lang]} /> : null}
        </dl>
      </details>
      {articles.length > 0 ? (
        <div className="finding-help">
          <span className="muted">{t("check.articles")}</span>
          <ul className="link-list">
            {articles.map((a) => (
              <li key={a.id}>
                <button type="button" className="link" onClick={() => openArticle(a.id)}>
                  {a.title}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {f.fixes.length > 0 ? (
        <div className="actions">
          {f.fixes.map((id) => (
            <button key={id} type="button" className="btn btn-primary fix-button" data-fix={id} onClick={() => onFix(id)}>
              {t("check.fix", { action: fixName(t, id) })}
            </button>
          ))}
        </div>
      ) : null}
    </li>
  );
}

/** A built-in action's name in the user's language; a published action's own id otherwise. */
export function fixName(t: ReturnType<typeof useI18n>["t"], id: string): string {
  switch (id) {
    case "free-space":
      return t("fix.freeSpace");
    case "print-queue":
      return t("fix.printQueue");
    case "network-renew":
      return t("fix.networkRenew");
    default:
      return id;
  }
}

function Pair({ label, value }: { label: string; value: string }) {
  return (
    <div className="field-pair">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
