// The app shell: skip link, header (sync status, language, theme), navigation, and the page.
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { Backend, LocaleChoice, StoreTrouble, SyncStatus, ThemeChoice } from "./backend/backend";
import { AppCtx, PAGES, useApp, visiblePages, type PageId } from "./context";
import { rememberDisplay, rememberedDisplay, type Display } from "./display";
import { I18nProvider, langFor, langOf, useI18n, type Lang } from "./i18n";
import { Home } from "./pages/Home";
// Only the first screen is in the start-up bundle; other pages load when first opened.
const Report = lazy(() => import("./pages/Report").then((m) => ({ default: m.Report })));
const Tickets = lazy(() => import("./pages/Tickets").then((m) => ({ default: m.Tickets })));
const Check = lazy(() => import("./pages/Check").then((m) => ({ default: m.Check })));
const Kb = lazy(() => import("./pages/Kb").then((m) => ({ default: m.Kb })));
const InventoryPage = lazy(() => import("./pages/Inventory").then((m) => ({ default: m.InventoryPage })));
const Admin = lazy(() => import("./pages/Admin").then((m) => ({ default: m.Admin })));
const SettingsPage = lazy(() => import("./pages/Settings").then((m) => ({ default: m.SettingsPage })));
// Only when the local store did not open.
const Recovery = lazy(() => import("./pages/Recovery").then((m) => ({ default: m.Recovery })));
const About = lazy(() => import("./pages/About").then((m) => ({ default: m.About })));

export interface AppProps {
  backend: Backend;
  /** Starting page (tests). */
  initialPage?: PageId;
  /** Forced language (tests); otherwise the settings, else the OS locale. */
  lang?: Lang;
}

export function App({ backend, initialPage = "home", lang: forced }: AppProps) {
  const [page, setPage] = useState<PageId>(initialPage);
  const [osLang, setOsLang] = useState<Lang>(forced ?? langOf(typeof navigator !== "undefined" ? navigator.language : "en"));
  // Until the settings arrive: what they said at the last start (tests that force a language
  // start from the defaults).
  const [remembered] = useState<Display>(() =>
    forced ? { locale: "system", theme: "system" } : rememberedDisplay(),
  );
  const [choice, setChoice] = useState<LocaleChoice>(remembered.locale);
  const [theme, setTheme] = useState<ThemeChoice>(remembered.theme);
  const [sync, setSync] = useState<SyncStatus | null>(null);
  // The local store did not open: the recovery screen replaces the app.
  const [trouble, setTrouble] = useState<StoreTrouble | null>(null);
  // What the machine's policy shows this user (null: not known yet); nothing admin until it says so.
  const [admin, setAdmin] = useState<boolean | null>(null);
  const [article, setArticle] = useState<string | null>(null);
  const [fixRun, setFixRun] = useState<number | null>(null);

  useEffect(() => {
    const stop: (() => void)[] = [];
    backend.storeTrouble().then(setTrouble).catch(() => {});
    backend.osLocale().then((l) => !forced && setOsLang(langOf(l))).catch(() => {});
    backend.settingsGet().then((s) => {
      if (!forced) setChoice(s.locale);
      setTheme(s.theme);
      rememberDisplay(s);
    }).catch(() => {});
    backend.syncStatus().then(setSync).catch(() => {});
    backend.userAccess().then((a) => setAdmin(a.admin)).catch(() => {});
    backend.onSyncChanged(setSync).then((u) => stop.push(u));
    backend.onNavigate((p) => PAGES.includes(p as PageId) && setPage(p as PageId)).then((u) => stop.push(u));
    return () => stop.forEach((u) => u());
  }, [backend, forced]);

  // A forced language is the OS language here (osLang never changes then).
  const lang = langFor(choice, osLang);

  // Before the frame is painted, so the first frame already has the right theme.
  useLayoutEffect(() => {
    document.documentElement.lang = lang;
    document.documentElement.dataset.theme = theme;
  }, [lang, theme]);

  const navigate = useCallback((p: PageId) => {
    setArticle(null);
    setFixRun(null);
    setPage(p);
  }, []);
  const reportWithFixRun = useCallback((run: number) => {
    setArticle(null);
    setFixRun(run);
    setPage("report");
  }, []);
  const openArticle = useCallback((id: string) => {
    setArticle(id);
    setPage("kb");
  }, []);
  const applyLocale = useCallback((c: LocaleChoice) => setChoice(c), []);
  const applySaved = useCallback((locale: LocaleChoice, theme: ThemeChoice) => {
    setChoice(locale);
    setTheme(theme);
    rememberDisplay({ locale, theme });
  }, []);

  return (
    <I18nProvider lang={lang}>
      <AppCtx.Provider value={{ backend, sync, navigate, openArticle, article, reportWithFixRun, fixRun }}>
        {trouble ? (
          <Suspense fallback={null}>
            <Recovery trouble={trouble} />
          </Suspense>
        ) : (
          <Shell
            page={page}
            pages={visiblePages(admin === true)}
            accessKnown={admin !== null}
            navigate={navigate}
            lang={lang}
            theme={theme}
            onLocale={applyLocale}
            onTheme={setTheme}
            onSaved={applySaved}
          />
        )}
      </AppCtx.Provider>
    </I18nProvider>
  );
}

interface ShellProps {
  page: PageId;
  /** The pages this user may open (the policy decides on the admin ones). */
  pages: PageId[];
  /** Whether the policy's answer arrived (until then an admin page waits rather than shows home). */
  accessKnown: boolean;
  navigate: (p: PageId) => void;
  lang: Lang;
  theme: ThemeChoice;
  /** The top bar's switches: for this session. */
  onLocale: (c: LocaleChoice) => void;
  onTheme: (t: ThemeChoice) => void;
  /** The settings page saved a language and a theme. */
  onSaved: (locale: LocaleChoice, theme: ThemeChoice) => void;
}

function Shell({ page: asked, pages, accessKnown, navigate, lang, theme, onLocale, onTheme, onSaved }: ShellProps) {
  // A page the policy does not grant (asked by the tray) shows home; before the answer, nothing.
  const page = pages.includes(asked) ? asked : accessKnown ? "home" : null;
  const { t } = useI18n();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    if (!page) return;
    document.title = `${t(`nav.${page}`)} – Guichet`;
    // Moving focus to the new page's heading tells screen-reader users the page changed.
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>("h1")?.focus();
  }, [page, t]);

  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        {t("shell.skip")}
      </a>
      <header className="topbar">
        <span className="brand">{t("app.name")}</span>
        <SyncPill />
        <div className="topbar-controls">
          <label className="inline-label">
            {t("shell.language")}
            <select
              id="lang-switch"
              value={lang}
              onChange={(e) => onLocale(e.target.value as LocaleChoice)}
            >
              <option value="fr">Français</option>
              <option value="en">English</option>
            </select>
          </label>
          <ThemeToggle theme={theme} onTheme={onTheme} />
        </div>
      </header>
      <nav className="sidebar" aria-label={t("shell.nav")}>
        <ul>
          {pages.map((p) => (
            <li key={p}>
              <button
                type="button"
                id={`nav-${p}`}
                className={p === page ? "nav-item active" : "nav-item"}
                aria-current={p === page ? "page" : undefined}
                onClick={() => navigate(p)}
              >
                {t(`nav.${p}`)}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1} className="content">
        <Suspense fallback={<p role="status">{t("common.loading")}</p>}>
        {page === "home" && <Home />}
        {page === "check" && <Check />}
        {page === "report" && <Report />}
        {page === "tickets" && <Tickets />}
        {page === "kb" && <Kb />}
        {page === "inventory" && <InventoryPage />}
        {page === "settings" && <SettingsPage onSaved={onSaved} />}
        {page === "admin" && <Admin />}
        {page === "about" && <About />}
        </Suspense>
      </main>
    </div>
  );
}

function SyncPill() {
  const { t } = useI18n();
  const { sync } = useApp();
  if (!sync) return null;
  return (
    <span className={`pill ${sync.connectivity === "connected" ? "pill-online" : "pill-offline"}`} id="sync-pill" role="status">
      {t(`connectivity.${sync.connectivity}`)}
      {" · "}
      {t("sync.queued", { n: sync.queued })}
    </span>
  );
}

// Pressed when the dark theme is chosen, whether here, in the settings or at the last start.
function ThemeToggle({ theme, onTheme }: { theme: ThemeChoice; onTheme: (t: ThemeChoice) => void }) {
  const { t } = useI18n();
  const dark = theme === "dark";
  return (
    <button
      type="button"
      className="btn btn-ghost"
      aria-pressed={dark}
      onClick={() => onTheme(dark ? "light" : "dark")}
    >
      {t("shell.darkTheme")}
    </button>
  );
}

