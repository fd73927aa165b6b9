// The admin indicators: how many reports the knowledge base solved before they became tickets
// ("this solved my problem"), over the period the backend counts.
import { useEffect, useState } from "react";
import type { DeflectionView } from "../backend/backend";
import { useApp } from "../context";
import { useI18n } from "../i18n";

export function Indicators() {
  const { t } = useI18n();
  const { backend } = useApp();
  const [rate, setRate] = useState<DeflectionView | null>(null);
  useEffect(() => {
    backend.deflectionRate().then(setRate, () => setRate(null));
  }, [backend]);
  if (!rate) return null;
  return (
    <p className="muted" id="admin-deflection">
      {rate.rate == null
        ? t("admin.deflectionNone")
        : t("admin.deflection", { deflections: rate.deflections, reports: rate.reports, pct: Math.round(rate.rate * 100) })}
    </p>
  );
}
