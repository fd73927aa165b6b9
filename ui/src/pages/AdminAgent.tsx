// Admin, the scheduled agent: its last runs and the user timer (installed, next run), and the
// timer's installation or removal. Where systemd does not run, nothing is installed and the
// unit files are shown so that they can be copied by hand.
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import type { AgentInstall, AgentSchedule, AgentStatus } from "../backend/backend";
import { ErrorNote, Status } from "../components/common";
import { useApp } from "../context";
import { useI18n } from "../i18n";

const DEFAULT_SCHEDULE: AgentSchedule = { on_calendar: "daily", random_delay: "1h", on_boot: "5min" };

export function Agent() {
  const i = useI18n();
  const { t } = i;
  const { backend } = useApp();
  const [status, setStatus] = useState<AgentStatus | null>(null);
  const [schedule, setSchedule] = useState<AgentSchedule>(DEFAULT_SCHEDULE);
  const [install, setInstall] = useState<AgentInstall | null>(null);
  const [removed, setRemoved] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The unit files appear below the form: bring them into view.
  const outcome = useRef<HTMLElement>(null);
  useEffect(() => {
    if (install) outcome.current?.scrollIntoView?.({ block: "start" });
  }, [install]);

  const load = useCallback(() => backend.agentStatus().then(setStatus, setError), [backend]);
  useEffect(() => {
    load();
  }, [load]);

  const doInstall = async (dryRun: boolean) => {
    setError(null);
    setRemoved(null);
    setInstall(null);
    try {
      setInstall(await backend.agentInstall(schedule, dryRun));
      load();
    } catch (err) {
      setError(err);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    doInstall(false);
  };
  const uninstall = async () => {
    setError(null);
    setInstall(null);
    try {
      setRemoved(await backend.agentUninstall());
      load();
    } catch (err) {
      setError(err);
    }
  };
  const set = (k: keyof AgentSchedule, v: string) => setSchedule({ ...schedule, [k]: v });

  return (
    <div>
      <section className="group admin-group" aria-labelledby="agent-status-title">
        <h2 id="agent-status-title" className="group-title">
          {t("agent.statusTitle")}
        </h2>
        {status ? (
          <dl className="fields fields-wide" id="agent-status">
            <div className="field-pair">
              <dt>{t("agent.timer")}</dt>
              <dd>{status.installed ? t("agent.installed", { state: status.timer_state ?? t("agent.stateUnknown") }) : t("agent.notInstalled")}</dd>
            </div>
            <div className="field-pair">
              <dt>{t("agent.nextRun")}</dt>
              <dd>{status.next_run ? i.date(status.next_run) : t("agent.noNextRun")}</dd>
            </div>
            <div className="field-pair">
              <dt>{t("agent.systemd")}</dt>
              <dd>{status.systemd ? t("agent.systemdYes") : t("agent.systemdNo")}</dd>
            </div>
            <div className="field-pair">
              <dt>{t("agent.command")}</dt>
              <dd>{status.command ? <code>{status.command}</code> : t("agent.commandMissing")}</dd>
            </div>
          </dl>
        ) : null}
        {status ? (
          status.runs.length ? (
            <table className="table" id="agent-runs">
              <caption>{t("agent.runsTitle")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("agent.started")}</th>
                  <th scope="col">{t("agent.result")}</th>
                  <th scope="col">{t("agent.sync")}</th>
                  <th scope="col">{t("agent.errors")}</th>
                </tr>
              </thead>
              <tbody>
                {status.runs.map((r) => (
                  <tr key={r.id}>
                    <td>{i.date(r.started_at)}</td>
                    <td>{t(`agentResult.${r.result}`)}</td>
                    <td>{r.sync ?? ""}</td>
                    <td>{r.errors.join("; ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p id="agent-runs" className="muted">
              {t("agent.noRuns")}
            </p>
          )
        ) : null}
      </section>
      <form className="form group admin-group" onSubmit={submit} aria-labelledby="agent-install-title">
        <h2 id="agent-install-title" className="group-title">
          {t("agent.installTitle")}
        </h2>
        <p className="help">{t("agent.installHelp")}</p>
        <div className="field-row">
          <div className="field">
            <label htmlFor="agent-calendar">{t("agent.calendar")}</label>
            <input id="agent-calendar" value={schedule.on_calendar} aria-describedby="agent-calendar-help" onChange={(e) => set("on_calendar", e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="agent-delay">{t("agent.delay")}</label>
            <input id="agent-delay" value={schedule.random_delay} onChange={(e) => set("random_delay", e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="agent-boot">{t("agent.boot")}</label>
            <input id="agent-boot" value={schedule.on_boot} onChange={(e) => set("on_boot", e.target.value)} />
          </div>
        </div>
        <p id="agent-calendar-help" className="help">
          {t("agent.calendarHelp")}
        </p>
        <div className="actions">
          <button type="submit" className="btn btn-primary" id="agent-install" disabled={status?.command === null}>
            {t("agent.install")}
          </button>
          <button type="button" className="btn" id="agent-dry-run" onClick={() => doInstall(true)} disabled={status?.command === null}>
            {t("agent.dryRun")}
          </button>
          <button type="button" className="btn btn-ghost" id="agent-uninstall" onClick={uninstall}>
            {t("agent.uninstall")}
          </button>
        </div>
      </form>
      {error ? <ErrorNote error={error} /> : null}
      {removed ? <Status tone="ok">{removed.length ? t("agent.removed", { n: removed.length }) : t("agent.nothingRemoved")}</Status> : null}
      {install ? (
        <section aria-labelledby="agent-result-title" id="agent-install-result" ref={outcome}>
          <h2 id="agent-result-title">{t("agent.unitsTitle")}</h2>
          {install.installed ? (
            <Status tone="ok">{t("agent.installedNow")}</Status>
          ) : install.reason === "no_systemd" ? (
            <p className="status status-error" role="alert">
              {t("agent.noSystemd")}
            </p>
          ) : (
            <Status>{t("agent.dryRunNote")}</Status>
          )}
          {install.files.map((f) => (
            <figure key={f.path} className="unit-file">
              <figcaption>
                <code>{f.path}</code>
              </figcaption>
              <pre className="log" tabIndex={0} aria-label={f.path}>
                {f.text}
              </pre>
            </figure>
          ))}
        </section>
      ) : null}
    </div>
  );
}
