// The report form's fix-it runs: this session's runs, each with a box to send its output with
// the report and the exact text attached, previewed like the system information. The run the
// user came from ("Attach to a new report") is ticked; the others wait to be chosen, so a run
// does not follow every later report.
import { useEffect, useState } from "react";
import type { FixRunView } from "../backend/backend";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { fixName } from "./Check";

/** What is ticked at first: the run asked for, when it is among those offered. */
export function firstChoice(runs: FixRunView[], asked: number | null): number[] {
  return asked != null && runs.some((r) => r.run_id === asked) ? [asked] : [];
}

/** `chosen` with `run` ticked or not, in the order the runs are offered. */
export function toggled(runs: FixRunView[], chosen: number[], run: number, on: boolean): number[] {
  const next = new Set(chosen);
  if (on) next.add(run);
  else next.delete(run);
  return runs.map((r) => r.run_id).filter((id) => next.has(id));
}

/** This session's runs and the ticked ones (the numbers a report attaches). */
export function useFixRuns(): { runs: FixRunView[]; chosen: number[]; setChosen: (c: number[]) => void } {
  const { backend, fixRun } = useApp();
  const [runs, setRuns] = useState<FixRunView[]>([]);
  const [chosen, setChosen] = useState<number[]>([]);
  useEffect(() => {
    backend.fixRunsRecent().then(
      (r) => {
        setRuns(r);
        setChosen(firstChoice(r, fixRun));
      },
      () => setRuns([]),
    );
  }, [backend, fixRun]);
  return { runs, chosen, setChosen };
}

export function FixRunsField({ runs, chosen, onChange }: { runs: FixRunView[]; chosen: number[]; onChange: (c: number[]) => void }) {
  const { t, date } = useI18n();
  if (runs.length === 0) return null;
  return (
    <fieldset className="field" id="report-fix-runs">
      <legend>{t("report.fixRuns")}</legend>
      <p className="muted">{t("report.fixRunsHint")}</p>
      {runs.map((r) => {
        const on = chosen.includes(r.run_id);
        return (
          <div key={r.run_id} className="fix-run">
            <label className="checkbox">
              <input
                type="checkbox"
                id={`fix-run-${r.run_id}`}
                checked={on}
                onChange={(e) => onChange(toggled(runs, chosen, r.run_id, e.target.checked))}
              />
              {t("report.fixRun", {
                action: capitalised(fixName(t, r.action)),
                date: date(r.started_at),
                outcome: r.succeeded ? t("report.fixRunDone") : t("report.fixRunFailed"),
              })}
            </label>
            {on ? (
              <details className="preview">
                <summary>{t("report.previewFixRun", { name: r.file_name })}</summary>
                <pre id={`fix-run-preview-${r.run_id}`}>{r.attached}</pre>
              </details>
            ) : null}
          </div>
        );
      })}
    </fieldset>
  );
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
