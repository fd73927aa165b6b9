// Self-help on the report form: articles matching the title as it is typed (offline, debounced),
// each readable in a dialog with "This solved my problem"; and the check of the computer that
// runs when a report starts, previewed as it will be attached.
import { useEffect, useRef, useState } from "react";
import type { Article, DiagnosisView, SuggestionView } from "../backend/backend";
import { ErrorNote } from "../components/common";
import { Modal } from "../components/Modal";
import { useApp } from "../context";
import { countsText } from "../diagnosis";
import { useI18n } from "../i18n";
import { blobUrls } from "./Kb";

/** How long typing must pause before the knowledge base is searched. */
export const SUGGEST_DELAY_MS = 250;

/** Articles for what is typed, the latest answer only. */
export function useTitleSuggestions(title: string): SuggestionView[] {
  const { backend } = useApp();
  const [found, setFound] = useState<SuggestionView[]>([]);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    const timer = setTimeout(() => {
      backend.kbSuggest(title).then(
        (s) => mine === seq.current && setFound(s),
        () => mine === seq.current && setFound([]),
      );
    }, SUGGEST_DELAY_MS);
    return () => clearTimeout(timer);
  }, [backend, title]);
  return title.trim() ? found : [];
}

/** The suggestions under the title; `onSolved(article)` when one solved the problem. */
export function TitleSuggestions({ suggestions, onSolved }: { suggestions: SuggestionView[]; onSolved: (article: string) => void }) {
  const { t } = useI18n();
  const [reading, setReading] = useState<string | null>(null);
  return (
    <div id="report-suggestions" aria-live="polite">
      {suggestions.length > 0 ? (
        <div className="suggestions">
          <p className="suggestions-title">{t("report.suggestions")}</p>
          <ul className="link-list">
            {suggestions.map((s) => (
              <li key={s.id} className="suggestion">
                <button type="button" className="link" onClick={() => setReading(s.id)}>
                  {s.title}
                </button>
                <button type="button" className="btn btn-small" onClick={() => onSolved(s.id)} aria-label={t("report.solvedBy", { title: s.title })}>
                  {t("report.solved")}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {reading ? <ArticleDialog id={reading} onClose={() => setReading(null)} onSolved={() => onSolved(reading)} /> : null}
    </div>
  );
}

function ArticleDialog({ id, onClose, onSolved }: { id: string; onClose: () => void; onSolved: () => void }) {
  const { t } = useI18n();
  const { backend } = useApp();
  const [article, setArticle] = useState<Article | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    backend.kbArticle(id).then(setArticle, setError);
  }, [backend, id]);
  return (
    <Modal labelledBy="suggested-title" onClose={onClose} id="article-dialog">
      <h2 id="suggested-title">{article ? article.title : t("common.loading")}</h2>
      {error ? <ErrorNote error={error} /> : null}
      {/* Sanitised when stored; its links are not followed from here (the help page shows them). */}
      {article ? (
        <div
          className="article-body"
          onClick={(e) => (e.target as Element).closest("a[href]") && e.preventDefault()}
          dangerouslySetInnerHTML={{ __html: blobUrls(article.body_html, backend.blobUrl) }}
        />
      ) : null}
      <div className="actions">
        <button type="button" className="btn btn-primary" id="article-solved" onClick={onSolved}>
          {t("report.solved")}
        </button>
        <button type="button" className="btn" onClick={onClose}>
          {t("common.close")}
        </button>
      </div>
    </Modal>
  );
}

/** The check that runs when a report starts, as it will be attached. */
export function DiagnosisPreview({ d, error }: { d: DiagnosisView | null; error: unknown }) {
  const { t } = useI18n();
  if (error) return <ErrorNote error={error} />;
  if (!d)
    return (
      <p className="muted" role="status">
        {t("check.running")}
      </p>
    );
  return (
    <>
      <p className="muted" id="report-diagnosis-summary">
        {countsText(t, d) ?? t("check.allGood")}
      </p>
      <details className="preview">
        <summary>{t("report.previewDiagnosis")}</summary>
        <pre id="diagnosis-preview">{d.attached}</pre>
      </details>
    </>
  );
}
