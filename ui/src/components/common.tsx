// Small shared pieces: status messages announced to screen readers, error display, field values.
import type { ReactNode } from "react";
import { errorCode, glpiErrorCode, type AttachmentDraft, type FieldValue } from "../backend/backend";
import { hasKey, useI18n } from "../i18n";

/** A polite live region: screen readers announce its changes. */
export function Status({ children, tone = "info" }: { children: ReactNode; tone?: "info" | "ok" | "warn" }) {
  return (
    <p className={`status status-${tone}`} role="status">
      {children}
    </p>
  );
}

/** A failure, worded by code (the English detail goes to the log, not the screen). */
export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useI18n();
  const code = glpiErrorCode(error) ?? errorCode(error);
  return (
    <p className="status status-error" role="alert">
      {t(`error.${code}`)}
    </p>
  );
}

/** Files chosen for a report or a reply, each with a button to take it out again. */
export function PendingFiles({ files, label, onChange }: { files: AttachmentDraft[]; label: string; onChange: (f: AttachmentDraft[]) => void }) {
  const i = useI18n();
  const { t } = i;
  if (files.length === 0) return null;
  return (
    <ul className="attachments" aria-label={label}>
      {files.map((a, idx) => (
        <li key={`${a.blob}-${idx}`}>
          <span>
            {a.name} ({i.bytes(a.size_bytes)})
          </span>
          <button type="button" className="btn btn-small" aria-label={t("report.remove", { name: a.name })} onClick={() => onChange(files.filter((_, j) => j !== idx))}>
            {t("common.remove")}
          </button>
        </li>
      ))}
    </ul>
  );
}

export function FieldText({ value }: { value: FieldValue }) {
  const i = useI18n();
  switch (value.kind) {
    case "bytes":
      return <>{i.bytes(value.value)}</>;
    case "number":
      return <>{value.value == null ? "" : i.number(value.value)}</>;
    case "bool":
      return <>{i.t(value.value ? "common.yes" : "common.no")}</>;
    case "date":
      return <>{i.date(value.value)}</>;
    case "list":
      return <>{value.value.join(", ")}</>;
    case "text":
      return <>{value.value}</>;
  }
}

/** A translated label for a model field, the raw key when a new field has no label yet. */
export function useFieldLabel() {
  const { t } = useI18n();
  return (key: string) => {
    const k = `field.${key}`;
    return hasKey(k) ? t(k) : key;
  };
}
