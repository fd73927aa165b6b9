// Settings: connection to Request Tracker (tested before saving; the secret goes to the
// keyring), language, theme, sync interval, proxy, extra CA file, autostart.
import { useEffect, useState, type FormEvent } from "react";
import type { AppSettings, ConnectionCheck, LocaleChoice, ServerKind, ThemeChoice } from "../backend/backend";
import { ErrorNote, Status } from "../components/common";
import { useApp } from "../context";
import { useI18n } from "../i18n";

const KINDS: ServerKind[] = ["none", "rt"];

export function SettingsPage({ onLocale, onTheme }: { onLocale: (l: LocaleChoice) => void; onTheme: (t: ThemeChoice) => void }) {
  const { t } = useI18n();
  const { backend } = useApp();
  const [s, setS] = useState<AppSettings | null>(null);
  const [saved, setSaved] = useState<AppSettings | null>(null);
  const [secret, setSecret] = useState("");
  const [check, setCheck] = useState<ConnectionCheck | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    backend.settingsGet().then((v) => {
      setS(v);
      setSaved(v);
    }, setError);
  }, [backend]);

  if (!s) return error ? <ErrorNote error={error} /> : <p role="status">{t("common.loading")}</p>;

  const connChanged =
    !!saved &&
    (s.connection.kind !== saved.connection.kind || s.connection.url !== saved.connection.url || s.connection.username !== saved.connection.username || s.connection.queue !== saved.connection.queue || secret !== "");
  const needsTest = s.connection.kind !== "none" && connChanged && !check?.ok;

  const set = <K extends keyof AppSettings>(k: K, v: AppSettings[K]) => setS({ ...s, [k]: v });
  const setConn = (patch: Partial<AppSettings["connection"]>) => {
    setCheck(null);
    setS({ ...s, connection: { ...s.connection, ...patch } });
  };

  const test = async () => {
    setError(null);
    setCheck(null);
    try {
      setCheck(await backend.connectionTest(s.connection, secret || null));
    } catch (e) {
      setError(e);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNote(null);
    if (needsTest) {
      setNote(t("settings.testFirst"));
      return;
    }
    try {
      const v = await backend.settingsSave(s, secret || null);
      setS(v);
      setSaved(v);
      setSecret("");
      onLocale(v.locale);
      onTheme(v.theme);
      setNote(t("settings.saved"));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t("settings.title")}
      </h1>
      <form onSubmit={submit} className="form" noValidate>
        <fieldset className="group">
          <legend>{t("settings.server")}</legend>
          <div className="radios">
            {KINDS.map((k) => (
              <label key={k} className="radio">
                <input type="radio" name="server-kind" value={k} checked={s.connection.kind === k} onChange={() => setConn({ kind: k })} />
                {t(`server.${k}`)}
              </label>
            ))}
          </div>
          {s.connection.kind !== "none" ? (
            <>
              <div className="field">
                <label htmlFor="server-url">{t("settings.url")}</label>
                <input id="server-url" type="url" inputMode="url" placeholder="https://" value={s.connection.url} onChange={(e) => setConn({ url: e.target.value })} />
              </div>
              <div className="field">
                <label htmlFor="server-user">{t("settings.username")}</label>
                <input id="server-user" value={s.connection.username} autoComplete="username" onChange={(e) => setConn({ username: e.target.value })} />
              </div>
              <div className="field">
                <label htmlFor="server-queue">{t("settings.queue")}</label>
                <input id="server-queue" value={s.connection.queue} onChange={(e) => setConn({ queue: e.target.value })} />
              </div>
              <div className="field">
                <label htmlFor="server-secret">{t("settings.password")}</label>
                <input
                  id="server-secret"
                  type="password"
                  autoComplete="current-password"
                  value={secret}
                  aria-describedby="secret-help"
                  onChange={(e) => {
                    setCheck(null);
                    setSecret(e.target.value);
                  }}
                />
                <p id="secret-help" className="help">
                  {s.connection.has_secret ? t("settings.secretStored") : t("settings.secretHelp")}
                </p>
              </div>
              <button type="button" className="btn" onClick={test} id="connection-test">
                {t("settings.test")}
              </button>
              {check ? (
                check.ok ? (
                  <Status tone="ok">{t("settings.testOk", { server: check.server ?? "" })}</Status>
                ) : (
                  <p role="alert" className="status status-error">
                    {t("settings.testFailed", { detail: check.detail ?? "" })}
                  </p>
                )
              ) : null}
            </>
          ) : null}
        </fieldset>

        <fieldset className="group">
          <legend>{t("settings.general")}</legend>
          <div className="field-row">
            <div className="field">
              <label htmlFor="set-locale">{t("settings.language")}</label>
              <select id="set-locale" value={s.locale} onChange={(e) => set("locale", e.target.value as LocaleChoice)}>
                <option value="system">{t("settings.languageSystem")}</option>
                <option value="fr">Français</option>
                <option value="en">English</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="set-theme">{t("settings.theme")}</label>
              <select id="set-theme" value={s.theme} onChange={(e) => set("theme", e.target.value as ThemeChoice)}>
                <option value="system">{t("settings.themeSystem")}</option>
                <option value="light">{t("settings.themeLight")}</option>
                <option value="dark">{t("settings.themeDark")}</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="set-interval">{t("settings.interval")}</label>
              <input
                id="set-interval"
                type="number"
                min={5}
                max={1440}
                value={s.sync_interval_minutes}
                onChange={(e) => set("sync_interval_minutes", Number(e.target.value))}
              />
            </div>
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={s.autostart} onChange={(e) => set("autostart", e.target.checked)} />
            {t("settings.autostart")}
          </label>
        </fieldset>

        <fieldset className="group">
          <legend>{t("settings.network")}</legend>
          <div className="field">
            <label htmlFor="set-proxy">{t("settings.proxy")}</label>
            <input id="set-proxy" type="url" placeholder="http://proxy:3128" value={s.proxy_url} onChange={(e) => set("proxy_url", e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="set-ca">{t("settings.ca")}</label>
            <input id="set-ca" value={s.ca_file} placeholder="/etc/ssl/certs/…" onChange={(e) => set("ca_file", e.target.value)} />
          </div>
        </fieldset>

        {error ? <ErrorNote error={error} /> : null}
        {note ? <Status tone={needsTest ? "warn" : "ok"}>{note}</Status> : null}
        <div className="actions">
          <button type="submit" className="btn btn-primary" id="settings-save">
            {t("settings.save")}
          </button>
        </div>
      </form>
    </section>
  );
}
