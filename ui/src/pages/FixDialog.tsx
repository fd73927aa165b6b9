// A fix-it action, in a dialog: its plan first (what it will do, with the figures; who
// published it), run only once the user confirms, then how it went with its output, which a
// new report can carry ("Attach to a new report").
import { useEffect, useState } from "react";
import type { OutcomeView, PlanView } from "../backend/backend";
import { ErrorNote } from "../components/common";
import { Modal } from "../components/Modal";
import { useApp } from "../context";
import { useI18n } from "../i18n";

/** `onClose(ran)`: `ran` when the action ran (the page then checks again). */
export function FixDialog({ id, onClose }: { id: string; onClose: (ran: boolean) => void }) {
  const { t, lang } = useI18n();
  const { backend, reportWithFixRun } = useApp();
  const [plan, setPlan] = useState<PlanView | null>(null);
  const [outcome, setOutcome] = useState<OutcomeView | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    backend.fixPlan(id).then(setPlan, setError);
  }, [backend, id]);

  const confirm = () => {
    setRunning(true);
    setError(null);
    backend
      .fixRun(id)
      .then(setOutcome, setError)
      .finally(() => setRunning(false));
  };
  const close = () => onClose(outcome != null);

  return (
    <Modal labelledBy="fix-title" onClose={close} id="fix-dialog">
      <h2 id="fix-title">{plan ? plan.title[lang] : t("check.fixLoading")}</h2>
      {error ? <ErrorNote error={error} /> : null}
      {plan && !outcome ? (
        <>
          <p>{plan.nothing_to_do ? t("fix.nothingToDo") : t("fix.willDo")}</p>
          {plan.steps.length > 0 ? (
            <ul id="fix-steps">
              {plan.steps.map((s, idx) => (
                <li key={idx}>{s[lang]}</li>
              ))}
            </ul>
          ) : null}
          <p className="muted">
            {plan.publisher ? t("fix.publishedBy", { name: plan.publisher }) : t("fix.builtIn")}
            {plan.needs_network ? ` ${t("fix.needsNetwork")}` : ""}
          </p>
        </>
      ) : null}
      {running ? <p role="status">{t("fix.running")}</p> : null}
      {outcome ? (
        <>
          <p className={`status ${outcome.succeeded ? "status-ok" : "status-error"}`} role="status" id="fix-outcome">
            {outcome.succeeded ? t("fix.done") : t("fix.failed")}
          </p>
          {outcome.output ? (
            <details className="preview" open>
              <summary>{t("fix.output")}</summary>
              <pre id="fix-output">{outcome.output}</pre>
            </details>
          ) : null}
        </>
      ) : null}
      <div className="actions">
        {outcome ? (
          // The run's output goes with a new report (ticked there, previewed as attached).
          <button type="button" className="btn btn-primary" id="fix-attach" onClick={() => reportWithFixRun(outcome.run_id)}>
            {t("fix.attach")}
          </button>
        ) : null}
        {plan && !plan.nothing_to_do && !outcome ? (
          <button type="button" className="btn btn-primary" id="fix-confirm" onClick={confirm} disabled={running}>
            {t("fix.confirm")}
          </button>
        ) : null}
        <button type="button" className="btn" id="fix-close" onClick={close}>
          {outcome ? t("common.close") : t("common.cancel")}
        </button>
      </div>
    </Modal>
  );
}
