// Settings: connection to GLPI or Request Tracker (tested before saving; secrets go to the
// keyring), language, theme, sync interval, proxy, extra CA file, autostart.
import { useEffect, useState, type FormEvent } from "react";
import type { AppSettings, ConnectionCheck, LocaleChoice, ServerKind, ThemeChoice } from "../backend/backend";
import { ErrorNote, Status } from "../components/common";
import { useApp } from "../context";
import { useI18n } from "../i18n";

const KINDS: ServerKind[] = ["none", "glpi", "rt"];

export function SettingsPage({ onSaved }: { onSaved: (locale: LocaleChoice, theme: ThemeChoice) => void }) {
  const { t } = useI18n();
  const { backend } = useApp();
  const [s, setS] = useState<AppSettings | null>(null);
  const [saved, setSaved] = useState<AppSettings | null>(null);
  const [secret, setSecret] = useState("");
  const [appToken, setAppToken] = useState("");
  const [apiClientSecret, setApiClientSecret] = useState("");
  const [inventoryClientSecret, setInventoryClientSecret] = useState("");
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

  const CONN_KEYS = ["kind", "url", "username", "queue", "password_login", "app_token", "api_client_id"] as const;
  const connChanged =
    !!saved && (CONN_KEYS.some((k) => s.connection[k] !== saved.connection[k]) || secret !== "" || appToken !== "" || apiClientSecret !== "");
  const oauth = () => ({ api_client_secret: apiClientSecret || null, inventory_client_secret: inventoryClientSecret || null });
  const glpi = s.connection.kind === "glpi";
  const needsLogin = s.connection.kind === "rt" || s.connection.password_login;
  const needsTest = s.connection.kind !== "none" && connChanged && !check?.ok;

  const set = <K extends keyof AppSettings>(k: K, v: AppSettings[K]) => setS({ ...s, [k]: v });
  const setConn = (patch: Partial<AppSettings["connection"]>) => {
    setCheck(null);
    setS({ ...s, connection: { ...s.connection, ...patch } });
  };
  // The inventory options do not change how Guichet signs in: no new test needed.
  const setInventory = (patch: Pick<Partial<AppSettings["connection"]>, "send_inventory" | "inventory_url" | "inventory_client_id">) =>
    setS({ ...s, connection: { ...s.connection, ...patch } });

  const test = async () => {
    setError(null);
    setCheck(null);
    try {
      setCheck(await backend.connectionTest(s.connection, secret || null, appToken || null, oauth()));
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
      const v = await backend.settingsSave(s, secret || null, appToken || null, oauth());
      setS(v);
      setSaved(v);
      setSecret("");
      setAppToken("");
      setApiClientSecret("");
      setInventoryClientSecret("");
      onSaved(v.locale, v.theme);
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
              {glpi ? (
                <fieldset className="subgroup">
                  <legend>{t("settings.signIn")}</legend>
                  <div className="radios">
                    <label className="radio">
                      <input type="radio" name="glpi-login" checked={!s.connection.password_login} onChange={() => setConn({ password_login: false })} />
                      {t("settings.signInToken")}
                    </label>
                    <label className="radio">
                      <input type="radio" name="glpi-login" checked={s.connection.password_login} onChange={() => setConn({ password_login: true })} />
                      {t("settings.signInPassword")}
                    </label>
                  </div>
                </fieldset>
              ) : null}
              {needsLogin ? (
                <div className="field">
                  <label htmlFor="server-user">{t("settings.username")}</label>
                  <input id="server-user" value={s.connection.username} autoComplete="username" onChange={(e) => setConn({ username: e.target.value })} />
                </div>
              ) : null}
              {s.connection.kind === "rt" ? (
                <div className="field">
                  <label htmlFor="server-queue">{t("settings.queue")}</label>
                  <input id="server-queue" value={s.connection.queue} onChange={(e) => setConn({ queue: e.target.value })} />
                </div>
              ) : null}
              <div className="field">
                <label htmlFor="server-secret">{glpi && !s.connection.password_login ? t("settings.userToken") : t("settings.password")}</label>
                <input
                  id="server-secret"
                  type="password"
                  autoComplete={glpi && !s.connection.password_login ? "off" : "current-password"}
                  value={secret}
                  aria-describedby="secret-help"
                  onChange={(e) => {
                    setCheck(null);
                    setSecret(e.target.value);
                  }}
                />
                <p id="secret-help" className="help">
                  {s.connection.has_secret ? t("settings.secretStored") : glpi && !s.connection.password_login ? t("settings.userTokenHelp") : t("settings.secretHelp")}
                </p>
              </div>
              {glpi ? (
                <>
                  <label className="checkbox">
                    <input type="checkbox" id="glpi-app-token-on" checked={s.connection.app_token} onChange={(e) => setConn({ app_token: e.target.checked })} />
                    {t("settings.appTokenOn")}
                  </label>
                  {s.connection.app_token ? (
                    <div className="field">
                      <label htmlFor="glpi-app-token">{t("settings.appToken")}</label>
                      <input
                        id="glpi-app-token"
                        type="password"
                        autoComplete="off"
                        value={appToken}
                        aria-describedby="app-token-help"
                        onChange={(e) => {
                          setCheck(null);
                          setAppToken(e.target.value);
                        }}
                      />
                      <p id="app-token-help" className="help">
                        {s.connection.has_app_token ? t("settings.secretStored") : t("settings.appTokenHelp")}
                      </p>
                    </div>
                  ) : null}
                  {s.connection.password_login ? (
                    <OAuthClient
                      idPrefix="glpi-api-client"
                      legend={t("settings.apiClient")}
                      help={t("settings.apiClientHelp")}
                      clientId={s.connection.api_client_id}
                      onClientId={(v) => setConn({ api_client_id: v })}
                      secret={apiClientSecret}
                      onSecret={(v) => {
                        setCheck(null);
                        setApiClientSecret(v);
                      }}
                      stored={s.connection.has_api_client_secret}
                    />
                  ) : null}
                  <label className="checkbox">
                    <input type="checkbox" id="glpi-inventory" checked={s.connection.send_inventory} onChange={(e) => setInventory({ send_inventory: e.target.checked })} />
                    {t("settings.sendInventory")}
                  </label>
                  {s.connection.send_inventory ? (
                    <div className="field">
                      <label htmlFor="glpi-inventory-url">{t("settings.inventoryUrl")}</label>
                      <input
                        id="glpi-inventory-url"
                        type="url"
                        inputMode="url"
                        placeholder={(s.connection.url.replace(/\/+$/, "") || "https://glpi.example.org") + "/front/inventory.php"}
                        value={s.connection.inventory_url}
                        aria-describedby="inventory-url-help"
                        onChange={(e) => setInventory({ inventory_url: e.target.value })}
                      />
                      <p id="inventory-url-help" className="help">
                        {t("settings.inventoryUrlHelp")}
                      </p>
                    </div>
                  ) : null}
                  {s.connection.send_inventory ? (
                    <OAuthClient
                      idPrefix="glpi-inventory-client"
                      legend={t("settings.inventoryClient")}
                      help={t("settings.inventoryClientHelp")}
                      clientId={s.connection.inventory_client_id}
                      onClientId={(v) => setInventory({ inventory_client_id: v })}
                      secret={inventoryClientSecret}
                      onSecret={setInventoryClientSecret}
                      stored={s.connection.has_inventory_client_secret}
                    />
                  ) : null}
                </>
              ) : null}
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

/** A GLPI 11 OAuth client: its id, and its secret (write-only: it goes to the keyring). */
function OAuthClient(p: {
  idPrefix: string;
  legend: string;
  help: string;
  clientId: string;
  onClientId: (v: string) => void;
  secret: string;
  onSecret: (v: string) => void;
  stored: boolean;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="field">
      <legend>{p.legend}</legend>
      <label htmlFor={`${p.idPrefix}-id`}>{t("settings.clientId")}</label>
      <input
        id={`${p.idPrefix}-id`}
        type="text"
        autoComplete="off"
        spellCheck={false}
        value={p.clientId}
        aria-describedby={`${p.idPrefix}-help`}
        onChange={(e) => p.onClientId(e.target.value)}
      />
      {p.clientId.trim() ? (
        <>
          <label htmlFor={`${p.idPrefix}-secret`}>{t("settings.clientSecret")}</label>
          <input
            id={`${p.idPrefix}-secret`}
            type="password"
            autoComplete="off"
            value={p.secret}
            onChange={(e) => p.onSecret(e.target.value)}
          />
        </>
      ) : null}
      <p id={`${p.idPrefix}-help`} className="help">
        {p.clientId.trim() && p.stored ? t("settings.secretStored") + " " : ""}
        {p.help}
      </p>
    </fieldset>
  );
}
