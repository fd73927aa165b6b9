// Every fix-it action, on "Check my computer" whatever the checks found (emptying the trash
// helps before the disk is nearly full): built-in first, then those the service desk published,
// each opening its plan before anything runs; one that may not run says why.
import { useEffect, useState } from "react";
import type { FixEntryView } from "../backend/backend";
import { ErrorNote } from "../components/common";
import { useApp } from "../context";
import { hasKey, useI18n } from "../i18n";
import { fixName } from "./Check";

/** `refresh`: a new value lists them again (after a run, what is left to do changed). */
export function FixList({ onFix, refresh }: { onFix: (id: string) => void; refresh: unknown }) {
  const { t, lang } = useI18n();
  const { backend } = useApp();
  const [list, setList] = useState<FixEntryView[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    backend.fixList().then(setList, setError);
  }, [backend, refresh]);

  if (error) return <ErrorNote error={error} />;
  if (!list || list.length === 0) return null;
  return (
    <details className="section" id="check-actions">
      <summary>{t("check.actions")}</summary>
      <p className="muted">{t("check.actionsIntro")}</p>
      <ul className="fix-list">
        {list.map((e) => (
          <li key={e.id}>
            {e.refusal || !e.title ? (
              <span>
                {e.title ? e.title[lang] : nameOf(t, e)} <span className="muted">({t("check.actionRefused", { reason: refusalText(t, e.refusal) })})</span>
              </span>
            ) : (
              <>
                <button type="button" className="btn fix-button" data-fix={e.id} onClick={() => onFix(e.id)}>
                  {e.title[lang]}
                </button>
                {e.nothing_to_do ? <span className="muted"> {t("check.actionNothing")}</span> : null}
              </>
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** A refused action has no plan to take its title from: a built-in one's name in the user's
 *  language (capitalised, as a title), a published one's id. */
function nameOf(t: ReturnType<typeof useI18n>["t"], e: FixEntryView): string {
  const name = fixName(t, e.id);
  return e.builtin ? name.charAt(0).toUpperCase() + name.slice(1) : name;
}

/** Why an action may not run, in words (its stable code when the dictionaries lack it). */
export function refusalText(t: ReturnType<typeof useI18n>["t"], code: string | null): string {
  const key = `fixRefusal.${code ?? "action_unavailable"}`;
  return hasKey(key) ? t(key) : (code ?? "");
}
