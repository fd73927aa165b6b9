// Shown instead of the app when the local store did not open: what happened, and the same
// check and repair as `guichet store check|repair` (a backup is made before anything changes).
import { useState } from "react";
import type { StoreCheckView, StoreRepairView, StoreTrouble } from "../backend/backend";
import { ErrorNote, Status } from "../components/common";
import { useApp } from "../context";
import { formatNumber, useI18n } from "../i18n";

/** A backend call whose result goes into the screen's state. */
interface Work {
  (): Promise<void>;
}

export function Recovery({ trouble }: { trouble: StoreTrouble }) {
  const { t } = useI18n();
  const { backend } = useApp();
  const [busy, setBusy] = useState<"check" | "repair" | null>(null);
  const [check, setCheck] = useState<StoreCheckView | null>(null);
  const [repair, setRepair] = useState<StoreRepairView | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function run(what: "check" | "repair", work: Work) {
    setBusy(what);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }
  const doCheck = () => run("check", async () => setCheck(await backend.storeCheck()));
  const doRepair = (startEmpty: boolean) => run("repair", async () => setRepair(await backend.storeRepair(startEmpty)));

  return (
    <main id="main" className="content recovery">
      <h1 tabIndex={-1}>{t("recovery.title")}</h1>
      <p>{t(trouble.damaged ? "recovery.damaged" : "recovery.unopened")}</p>
      <p>
        <code id="recovery-path">{trouble.path}</code>
      </p>
      <p>{t("recovery.reason", { reason: trouble.reason })}</p>
      {trouble.damaged && <p>{t("recovery.explain")}</p>}
      <div className="actions">
        <button type="button" className="btn" id="recovery-check" onClick={doCheck} disabled={busy !== null}>
          {t("recovery.check")}
        </button>
        {trouble.damaged && !repair?.replaced && (
          <button type="button" className="btn btn-primary" id="recovery-repair" onClick={() => doRepair(false)} disabled={busy !== null}>
            {t("recovery.repair")}
          </button>
        )}
      </div>
      {busy && <Status>{t(busy === "check" ? "recovery.checking" : "recovery.repairing")}</Status>}
      {error !== null && <ErrorNote error={error} />}
      {check && !repair && <CheckResult check={check} />}
      {repair && <RepairResult repair={repair} onStartEmpty={() => doRepair(true)} busy={busy !== null} />}
    </main>
  );
}

function CheckResult({ check }: { check: StoreCheckView }) {
  const { t } = useI18n();
  if (check.ok) return <Status tone="ok">{t("recovery.checkOk")}</Status>;
  return (
    <section aria-labelledby="recovery-problems">
      <h2 id="recovery-problems">{t("recovery.problems", { n: check.problems.length })}</h2>
      <ul>
        {check.problems.map((p, i) => (
          <li key={i}>
            <code>{p}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

function RepairResult({ repair, onStartEmpty, busy }: { repair: StoreRepairView; onStartEmpty: () => void; busy: boolean }) {
  const { t, lang } = useI18n();
  const { backend } = useApp();
  const restart = (
    <div className="actions">
      <button type="button" className="btn btn-primary" id="recovery-restart" onClick={() => void backend.appRestart()}>
        {t("recovery.restart")}
      </button>
    </div>
  );
  if (!repair.readable) {
    return (
      <section>
        {/* Once replaced, "left as it is" is no longer true: only the new state is said. */}
        <Status tone="warn">{t(repair.replaced ? "recovery.startedEmpty" : "recovery.nothingSaved", { backup: repair.backup })}</Status>
        {repair.replaced ? (
          <>
            {restart}
          </>
        ) : (
          <div className="actions">
            <button type="button" className="btn" id="recovery-start-empty" onClick={onStartEmpty} disabled={busy}>
              {t("recovery.startEmpty")}
            </button>
          </div>
        )}
      </section>
    );
  }
  const lost = repair.tables.reduce((n, r) => n + r.lost, 0);
  return (
    <section>
      <Status tone={lost > 0 ? "warn" : "ok"}>
        {t(lost > 0 ? "recovery.repairedLost" : "recovery.repaired", { n: lost, backup: repair.backup })}
      </Status>
      <table>
        <caption>{t("recovery.tables")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("recovery.table")}</th>
            <th scope="col">{t("recovery.saved")}</th>
            <th scope="col">{t("recovery.lost")}</th>
          </tr>
        </thead>
        <tbody>
          {repair.tables.map((r) => (
            <tr key={r.table}>
              <th scope="row">
                <code>{r.table}</code>
              </th>
              <td>{formatNumber(lang, r.saved)}</td>
              <td>{formatNumber(lang, r.lost)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {restart}
    </section>
  );
}
