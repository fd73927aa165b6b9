// Home: machine health at a glance, the big "Report a problem" button, KB suggestions.
import { useEffect, useState } from "react";
import type { ArticleHit, MachineHealth } from "../backend/backend";
import { ErrorNote } from "../components/common";
import { useApp } from "../context";
import { useI18n } from "../i18n";

export function Home() {
  const i = useI18n();
  const { t } = i;
  const { backend, navigate, sync } = useApp();
  const [health, setHealth] = useState<MachineHealth | null>(null);
  const [healthErr, setHealthErr] = useState<unknown>(null);
  const [tips, setTips] = useState<ArticleHit[] | null>(null);
  const [tipsErr, setTipsErr] = useState<unknown>(null);

  useEffect(() => {
    backend.machineHealth().then(setHealth, setHealthErr);
    backend.kbSearch("", 4).then(setTips, setTipsErr);
  }, [backend]);

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t("home.title")}
      </h1>
      <div className="hero">
        <p>{t("home.intro")}</p>
        <button type="button" id="report-big" className="btn btn-primary btn-big" onClick={() => navigate("report")}>
          {t("home.report")}
        </button>
        <button type="button" id="check-big" className="btn btn-big" onClick={() => navigate("check")}>
          {t("home.check")}
        </button>
      </div>

      <h2>{t("home.health")}</h2>
      {healthErr ? <ErrorNote error={healthErr} /> : null}
      {!health && !healthErr ? <p role="status">{t("common.loading")}</p> : null}
      {health ? (
        <ul className="cards" aria-label={t("home.health")}>
          <li className="card">
            <h3>{t("home.disk")}</h3>
            {health.disks.length === 0 ? <p>{t("common.unknown")}</p> : null}
            {health.disks.map((d) => {
              const usedPct = Math.round(100 - (d.free_bytes / Math.max(d.total_bytes, 1)) * 100);
              return (
                <div key={d.mount_point} className="meter-row">
                  <span>
                    {t("home.diskFree", { mount: d.mount_point, free: i.bytes(d.free_bytes), total: i.bytes(d.total_bytes) })}
                  </span>
                  <meter min={0} max={100} low={80} high={90} optimum={10} value={usedPct} aria-label={t("home.diskUsed", { mount: d.mount_point, pct: usedPct })} />
                </div>
              );
            })}
          </li>
          <li className="card">
            <h3>{t("home.memory")}</h3>
            <p>
              {health.memory_total_bytes != null && health.memory_available_bytes != null
                ? t("home.memoryFree", { free: i.bytes(health.memory_available_bytes), total: i.bytes(health.memory_total_bytes) })
                : t("common.unknown")}
            </p>
          </li>
          <li className="card">
            <h3>{t("home.uptime")}</h3>
            <p>{health.uptime_seconds != null ? i.duration(health.uptime_seconds) : t("common.unknown")}</p>
          </li>
          <li className="card">
            <h3>{t("home.network")}</h3>
            {/* The same word as the header's (one state, one wording). */}
            <p id="home-connectivity">{sync ? t(`connectivity.${sync.connectivity}`) : t("common.loading")}</p>
            {health.addresses.length ? <p className="muted">{health.addresses.join(", ")}</p> : null}
          </li>
          <li className="card">
            <h3>{t("home.updates")}</h3>
            {/* Unknown only when the OS gave no count (no package manager Guichet reads). */}
            <p id="home-updates">
              {health.pending_updates == null ? t("common.unknown") : health.pending_updates === 0 ? t("home.updatesNone") : t("home.updatesCount", { n: health.pending_updates })}
            </p>
          </li>
          <li className="card">
            <h3>{t("home.lastSync")}</h3>
            <p>{sync?.last_sync ? i.date(sync.last_sync) : t("home.never")}</p>
          </li>
        </ul>
      ) : null}

      <h2>{t("home.suggestions")}</h2>
      {tipsErr ? <ErrorNote error={tipsErr} /> : null}
      {tips && tips.length === 0 ? <p>{t("kb.empty")}</p> : null}
      {tips && tips.length > 0 ? (
        <ul className="link-list">
          {tips.map((a) => (
            <li key={a.id}>
              <button type="button" className="link" onClick={() => navigate("kb")}>
                {a.title}
              </button>
              <span className="muted"> · {a.category}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
