// Knowledge base: instant search as you type (offline, local index), categories, article view.
import { useEffect, useRef, useState } from "react";
import type { Article, ArticleCategory, ArticleHit } from "../backend/backend";
import { ErrorNote } from "../components/common";
import { useApp } from "../context";
import { useI18n } from "../i18n";

/** Snippets mark matches with [ and ]: render them as <mark>, everything else as text. */
function Snippet({ text }: { text: string }) {
  const parts = text.split(/(\[[^\]]*\])/g);
  return (
    <>
      {parts.map((p, idx) => (p.startsWith("[") && p.endsWith("]") ? <mark key={idx}>{p.slice(1, -1)}</mark> : <span key={idx}>{p}</span>))}
    </>
  );
}

/** KB images are stored as guichet-blob:<sha256>; the shell serves them on its URI scheme. */
export function blobUrls(html: string, url: (sha: string) => string): string {
  return html.replace(/guichet-blob:(?!\/\/)([0-9a-f]{64})/g, (_, sha: string) => url(sha));
}

/** A click on a link of an article: held back, its address handed to `show` instead. */
function followLink(e: React.MouseEvent<HTMLElement>, show: (address: string) => void) {
  const a = (e.target as Element).closest("a[href]");
  if (!a) return;
  e.preventDefault();
  show(a.getAttribute("href") ?? "");
}

/** Asks before an article's link leaves the app, showing where it goes; opens it in the browser. */
function LinkOut({ address, onDone }: { address: string; onDone: () => void }) {
  const { t } = useI18n();
  const { backend } = useApp();
  const [error, setError] = useState<unknown>(null);
  const open = () => backend.openLink(address).then(onDone, setError);
  return (
    <div className="link-out" role="alertdialog" aria-labelledby="link-out-title" aria-describedby="link-out-address">
      <p id="link-out-title">{t("kb.linkOut")}</p>
      <p>
        <code id="link-out-address">{address}</code>
      </p>
      {error ? <ErrorNote error={error} /> : null}
      <div className="actions">
        <button type="button" className="btn btn-primary" id="link-out-open" onClick={() => void open()} autoFocus>
          {t("kb.linkOpen")}
        </button>
        <button type="button" className="btn" id="link-out-cancel" onClick={onDone}>
          {t("kb.linkCancel")}
        </button>
      </div>
    </div>
  );
}

export function Kb() {
  const i = useI18n();
  const { t } = i;
  const { backend, article: asked } = useApp();
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<ArticleHit[] | null>(null);
  const [cats, setCats] = useState<ArticleCategory[]>([]);
  const [category, setCategory] = useState<string | null>(null);
  const [article, setArticle] = useState<Article | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [link, setLink] = useState<string | null>(null);
  const seq = useRef(0);

  useEffect(() => {
    backend.kbCategories().then(setCats, setError);
  }, [backend]);

  useEffect(() => {
    // Only the latest keystroke's answer is shown, whatever order answers come back in.
    const mine = ++seq.current;
    const run = category && !query.trim() ? backend.kbArticles(category) : backend.kbSearch(query, 30);
    run.then((h) => mine === seq.current && setHits(h), (e) => mine === seq.current && setError(e));
  }, [backend, query, category]);

  const openArticle = (id: string) => backend.kbArticle(id).then(setArticle, setError);

  // Opened from a suggestion ("Check my computer", the report form): that article first.
  useEffect(() => {
    if (asked) backend.kbArticle(asked).then(setArticle, setError);
  }, [backend, asked]);

  if (article) {
    return (
      <article aria-labelledby="page-title">
        <button type="button" className="btn btn-ghost" onClick={() => setArticle(null)}>
          {t("kb.back")}
        </button>
        <h1 id="page-title" tabIndex={-1}>
          {article.title}
        </h1>
        <p className="muted">
          {article.category} · {t("kb.updated", { date: i.date(article.updated_at) })}
        </p>
        {/* The body was sanitised when it was stored (ammonia), and the CSP forbids scripts. */}
        {/* Its links never open in this window: the address is shown first, then it goes to the web browser. */}
        <div
          className="article-body"
          id="article-body"
          onClick={(e) => followLink(e, setLink)}
          onAuxClick={(e) => followLink(e, setLink)}
          dangerouslySetInnerHTML={{ __html: blobUrls(article.body_html, backend.blobUrl) }}
        />
        {link !== null && <LinkOut address={link} onDone={() => setLink(null)} />}
      </article>
    );
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t("kb.title")}
      </h1>
      <div className="field" role="search">
        <label htmlFor="kb-search">{t("kb.search")}</label>
        <input id="kb-search" type="search" value={query} autoComplete="off" onChange={(e) => setQuery(e.target.value)} />
      </div>
      {error ? <ErrorNote error={error} /> : null}
      {cats.length > 0 ? (
        <div className="chips" role="group" aria-label={t("kb.categories")}>
          <button type="button" className="chip" aria-pressed={category === null} onClick={() => setCategory(null)}>
            {t("kb.all")}
          </button>
          {cats.map((c) => (
            <button key={c.name} type="button" className="chip" aria-pressed={category === c.name} onClick={() => setCategory(c.name)}>
              {c.name} ({c.count})
            </button>
          ))}
        </div>
      ) : null}
      {hits ? (
        <>
          <p role="status" className="muted">
            {t("kb.results", { n: hits.length })}
          </p>
          <ul className="results" id="kb-results">
            {hits.map((h) => (
              <li key={h.id}>
                <button type="button" className="link result-title" onClick={() => openArticle(h.id)}>
                  {h.title}
                </button>
                <span className="muted"> · {h.category}</span>
                <p>{h.snippet ? <Snippet text={h.snippet} /> : h.summary}</p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
