//! Exports of the site register for people: one CSV of machines and assets (a spreadsheet's
//! worth), and a printable HTML report in French or English.
//!
//! The HTML is one self-contained file: inline CSS, no script, no font, image or stylesheet
//! loaded from anywhere, so it opens the same on a site without network and prints cleanly
//! (A4 landscape, table headers repeated on each page, rows never split).

use std::fmt::Write as _;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use guichet_store::{Asset, AssetStatus, SiteMachine, SoftwareSummary};

use crate::ExportError;

/// Language of the report, and of every message Guichet words itself (one language type for
/// the whole application, re-exported by its use-case crate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Français.
    Fr,
}

impl Lang {
    /// French for a locale that says so (`fr`, `fr_FR.UTF-8`, `fr-CA`…), English otherwise.
    pub fn of_locale(locale: &str) -> Lang {
        if locale.trim().to_ascii_lowercase().starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }
}

/// Everything the report shows.
#[derive(Debug)]
pub struct Site<'a> {
    /// Machines of the register.
    pub machines: &'a [SiteMachine],
    /// Hand-entered assets.
    pub assets: &'a [Asset],
    /// Software across the site.
    pub software: &'a [SoftwareSummary],
    /// When the report is made (alerts are relative to it).
    pub now: DateTime<Utc>,
    /// Language.
    pub lang: Lang,
}

/// Warranties ending within this many days are flagged.
const WARRANTY_NOTICE_DAYS: i64 = 90;
/// Machines whose newest inventory is older than this many days are flagged.
const STALE_DAYS: i64 = 30;
/// Rows of the software summary (the most widespread packages).
const SOFTWARE_ROWS: usize = 60;

/// The CSV of the register: one row per machine, then one per asset, with a `record` column.
pub fn csv(machines: &[SiteMachine], assets: &[Asset]) -> Result<Vec<u8>, ExportError> {
    let failed = |e: csv::Error| ExportError::Csv(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "record",
        "id",
        "uuid",
        "name",
        "type",
        "make",
        "model",
        "serial",
        "os",
        "ram_gib",
        "location",
        "user",
        "status",
        "purchased",
        "warranty_until",
        "last_seen",
        "notes",
    ])
    .map_err(failed)?;
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    let d = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for m in machines {
        w.write_record([
            "machine".to_string(),
            m.id.to_string(),
            m.uuid.to_string(),
            m.hostname.clone(),
            "computer".to_string(),
            o(&m.vendor),
            o(&m.model),
            o(&m.serial),
            o(&m.os),
            m.ram_bytes
                .map(|b| format!("{:.1}", b as f64 / (1u64 << 30) as f64))
                .unwrap_or_default(),
            o(&m.location),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            m.last_seen.format("%Y-%m-%d").to_string(),
            String::new(),
        ])
        .map_err(failed)?;
    }
    for a in assets {
        w.write_record([
            "asset".to_string(),
            a.id.to_string(),
            a.uuid.to_string(),
            String::new(),
            a.kind.clone(),
            o(&a.make),
            o(&a.model),
            o(&a.serial),
            String::new(),
            String::new(),
            o(&a.location),
            o(&a.assigned_user),
            a.status.name().to_string(),
            d(a.purchased_on),
            d(a.warranty_until),
            String::new(),
            o(&a.notes),
        ])
        .map_err(failed)?;
    }
    w.into_inner().map_err(|e| ExportError::Csv(e.to_string()))
}

/// Text of the report in one language.
struct Words {
    lang: &'static str,
    title: &'static str,
    generated: &'static str,
    machines: &'static str,
    assets: &'static str,
    packages: &'static str,
    alerts: &'static str,
    no_alert: &'static str,
    warranty_ended: &'static str,
    warranty_ends: &'static str,
    not_seen: &'static str,
    days: &'static str,
    host: &'static str,
    os: &'static str,
    ram: &'static str,
    make_model: &'static str,
    serial: &'static str,
    location: &'static str,
    last_seen: &'static str,
    snapshots: &'static str,
    kind: &'static str,
    user: &'static str,
    status: &'static str,
    purchased: &'static str,
    warranty: &'static str,
    notes: &'static str,
    software: &'static str,
    software_note: &'static str,
    name: &'static str,
    on_machines: &'static str,
    versions: &'static str,
    none: &'static str,
    statuses: [&'static str; 4],
    footer: &'static str,
}

const EN: Words = Words {
    lang: "en",
    title: "Site inventory",
    generated: "Generated",
    machines: "Machines",
    assets: "Other equipment",
    packages: "Distinct software",
    alerts: "Alerts",
    no_alert: "Nothing to report: no warranty ending and every machine inventoried recently.",
    warranty_ended: "warranty ended on",
    warranty_ends: "warranty ends on",
    not_seen: "no inventory for",
    days: "days",
    host: "Host name",
    os: "Operating system",
    ram: "Memory",
    make_model: "Make and model",
    serial: "Serial number",
    location: "Location",
    last_seen: "Last inventory",
    snapshots: "Snapshots",
    kind: "Type",
    user: "User",
    status: "Status",
    purchased: "Purchased",
    warranty: "Warranty until",
    notes: "Notes",
    software: "Software",
    software_note: "most widespread packages",
    name: "Name",
    on_machines: "Machines",
    versions: "Versions",
    none: "None recorded.",
    statuses: ["In use", "In stock", "Broken", "Retired"],
    footer: "Made by Guichet from the site register.",
};

const FR: Words = Words {
    lang: "fr",
    title: "Inventaire du site",
    generated: "Édité le",
    machines: "Postes",
    assets: "Autres équipements",
    packages: "Logiciels distincts",
    alerts: "Alertes",
    no_alert: "Rien à signaler : aucune garantie en fin de course et tous les postes inventoriés récemment.",
    warranty_ended: "garantie terminée le",
    warranty_ends: "garantie jusqu’au",
    not_seen: "pas d’inventaire depuis",
    days: "jours",
    host: "Nom du poste",
    os: "Système",
    ram: "Mémoire",
    make_model: "Marque et modèle",
    serial: "N° de série",
    location: "Emplacement",
    last_seen: "Dernier inventaire",
    snapshots: "Relevés",
    kind: "Type",
    user: "Utilisateur",
    status: "État",
    purchased: "Achat",
    warranty: "Garantie jusqu’au",
    notes: "Notes",
    software: "Logiciels",
    software_note: "les plus répandus",
    name: "Nom",
    on_machines: "Postes",
    versions: "Versions",
    none: "Aucun.",
    statuses: ["En service", "En stock", "En panne", "Réformé"],
    footer: "Produit par Guichet à partir du registre du site.",
};

/// Bytes as a binary-prefixed size (`15.5 GiB`): the site report and the command line's tables
/// show sizes the same way.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = bytes as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < UNITS.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map(esc).unwrap_or_default()
}

fn status_word(w: &Words, s: AssetStatus) -> &'static str {
    let i = AssetStatus::ALL
        .iter()
        .position(|x| *x == s)
        .expect("every status is listed");
    w.statuses[i]
}

fn date(w: &Words, d: NaiveDate) -> String {
    match w.lang {
        "fr" => d.format("%d/%m/%Y").to_string(),
        _ => d.format("%Y-%m-%d").to_string(),
    }
}

const CSS: &str = r#"
:root { --ink:#1d2733; --muted:#5b6776; --line:#d9dee5; --band:#f4f6f9; --accent:#1f5f9e;
        --warn:#9a5b00; --warn-bg:#fff4e0; --bad:#a32020; --bad-bg:#fdeaea; --ok:#1f7a3d; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.45 "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 28px 32px 40px; }
header { display: flex; justify-content: space-between; align-items: flex-end; border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 20px; }
h1 { margin: 0; font-size: 24px; letter-spacing: .2px; }
header .meta { color: var(--muted); text-align: right; }
h2 { font-size: 16px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h2 small { color: var(--muted); font-weight: normal; font-size: 12px; margin-left: 6px; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; background: var(--band); }
.card b { display: block; font-size: 22px; }
.card span { color: var(--muted); }
.card.alert b { color: var(--bad); }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--band); font-weight: 600; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .3px; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.mono { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 11px; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.s-in_use { color: var(--ok); } .s-in_stock { color: var(--accent); } .s-broken { color: var(--bad); } .s-retired { color: var(--muted); }
ul.alerts { list-style: none; padding: 0; margin: 0; }
ul.alerts li { padding: 6px 10px; margin-bottom: 4px; border-left: 4px solid var(--warn); background: var(--warn-bg); }
ul.alerts li.bad { border-color: var(--bad); background: var(--bad-bg); }
p.none { color: var(--muted); font-style: italic; }
footer { margin-top: 32px; color: var(--muted); font-size: 11px; border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { font-size: 10.5px; }
  main { max-width: none; padding: 0; }
  .card { background: none; }
  thead { display: table-header-group; }
  tr, li, .card { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// The printable HTML report of the site.
pub fn html(site: &Site<'_>) -> String {
    let w = match site.lang {
        Lang::En => &EN,
        Lang::Fr => &FR,
    };
    let today = site.now.date_naive();
    let notice = today + Duration::days(WARRANTY_NOTICE_DAYS);

    // Alerts: warranties (ended first, then ending soon), then machines not inventoried lately.
    let mut alerts: Vec<(bool, String)> = Vec::new();
    let mut warranty: Vec<&Asset> = site
        .assets
        .iter()
        .filter(|a| a.status != AssetStatus::Retired)
        .filter(|a| a.warranty_until.is_some_and(|d| d <= notice))
        .collect();
    warranty.sort_by_key(|a| a.warranty_until);
    for a in warranty {
        let d = a.warranty_until.expect("filtered");
        let what = [Some(a.kind.as_str()), a.make.as_deref(), a.model.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let serial = a
            .serial
            .as_deref()
            .map(|s| format!(" ({})", esc(s)))
            .unwrap_or_default();
        let (bad, phrase) = if d < today {
            (true, w.warranty_ended)
        } else {
            (false, w.warranty_ends)
        };
        alerts.push((
            bad,
            format!(
                "<b>#{} {}</b>{serial}: {phrase} {}",
                a.id,
                esc(&what),
                date(w, d)
            ),
        ));
    }
    for m in site.machines {
        let age = (site.now - m.last_seen).num_days();
        if age > STALE_DAYS {
            alerts.push((
                false,
                format!(
                    "<b>{}</b>: {} {age} {}",
                    esc(&m.hostname),
                    w.not_seen,
                    w.days
                ),
            ));
        }
    }

    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n\
         <header><h1>{title}</h1><div class=\"meta\">{generated} {date}<br>{n_m} {machines} · {n_a} {assets}</div></header>\n",
        lang = w.lang,
        title = w.title,
        generated = w.generated,
        date = match site.lang {
            Lang::Fr => site.now.format("%d/%m/%Y %H:%M UTC").to_string(),
            Lang::En => site.now.format("%Y-%m-%d %H:%M UTC").to_string(),
        },
        n_m = site.machines.len(),
        machines = w.machines.to_lowercase(),
        n_a = site.assets.len(),
        assets = w.assets.to_lowercase(),
    );
    let _ = writeln!(
        h,
        "<section class=\"cards\">\
         <div class=\"card\"><b>{}</b><span>{}</span></div>\
         <div class=\"card\"><b>{}</b><span>{}</span></div>\
         <div class=\"card\"><b>{}</b><span>{}</span></div>\
         <div class=\"card{}\"><b>{}</b><span>{}</span></div></section>",
        site.machines.len(),
        w.machines,
        site.assets.len(),
        w.assets,
        site.software.len(),
        w.packages,
        if alerts.is_empty() { "" } else { " alert" },
        alerts.len(),
        w.alerts,
    );

    let _ = writeln!(h, "<h2>{}</h2>", w.alerts);
    if alerts.is_empty() {
        let _ = writeln!(h, "<p class=\"none\">{}</p>", w.no_alert);
    } else {
        h.push_str("<ul class=\"alerts\">\n");
        for (bad, text) in &alerts {
            let _ = writeln!(
                h,
                "<li{}>{text}</li>",
                if *bad { " class=\"bad\"" } else { "" }
            );
        }
        h.push_str("</ul>\n");
    }

    let _ = writeln!(h, "<h2>{}</h2>", w.machines);
    if site.machines.is_empty() {
        let _ = writeln!(h, "<p class=\"none\">{}</p>", w.none);
    } else {
        let _ = writeln!(
            h,
            "<table><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            w.host, w.os, w.ram, w.make_model, w.serial, w.location, w.last_seen, w.snapshots
        );
        for m in site.machines {
            let make_model = [m.vendor.as_deref(), m.model.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let _ = writeln!(
                h,
                "<tr><td class=\"num\">{}</td><td><b>{}</b></td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"mono\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                m.id,
                esc(&m.hostname),
                opt(&m.os),
                m.ram_bytes
                    .map(|b| size(b.max(0) as u64))
                    .unwrap_or_default(),
                esc(&make_model),
                opt(&m.serial),
                opt(&m.location),
                date(w, m.last_seen.date_naive()),
                m.snapshot_count,
            );
        }
        h.push_str("</tbody></table>\n");
    }

    let _ = writeln!(h, "<h2>{}</h2>", w.assets);
    if site.assets.is_empty() {
        let _ = writeln!(h, "<p class=\"none\">{}</p>", w.none);
    } else {
        let _ = writeln!(
            h,
            "<table><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            w.kind, w.make_model, w.serial, w.location, w.user, w.status, w.purchased, w.warranty, w.notes
        );
        for a in site.assets {
            let make_model = [a.make.as_deref(), a.model.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let _ = writeln!(
                h,
                "<tr><td class=\"num\">{}</td><td>{}</td><td><b>{}</b></td><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td><span class=\"badge s-{}\">{}</span></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                a.id,
                esc(&a.kind),
                esc(&make_model),
                opt(&a.serial),
                opt(&a.location),
                opt(&a.assigned_user),
                a.status.name(),
                status_word(w, a.status),
                a.purchased_on.map(|d| date(w, d)).unwrap_or_default(),
                a.warranty_until.map(|d| date(w, d)).unwrap_or_default(),
                opt(&a.notes),
            );
        }
        h.push_str("</tbody></table>\n");
    }

    let _ = writeln!(
        h,
        "<h2>{}<small>{} {} / {}</small></h2>",
        w.software,
        w.software_note,
        site.software.len().min(SOFTWARE_ROWS),
        site.software.len()
    );
    if site.software.is_empty() {
        let _ = writeln!(h, "<p class=\"none\">{}</p>", w.none);
    } else {
        let _ = writeln!(
            h,
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            w.name, w.on_machines, w.versions
        );
        for s in site.software.iter().take(SOFTWARE_ROWS) {
            let versions = if s.versions.len() > 4 {
                format!(
                    "{} … {} ({})",
                    esc(&s.versions[0]),
                    esc(s.versions.last().expect("non-empty")),
                    s.versions.len()
                )
            } else {
                s.versions
                    .iter()
                    .map(|v| esc(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"mono\">{}</td></tr>",
                esc(&s.name),
                s.machines,
                versions
            );
        }
        h.push_str("</tbody></table>\n");
    }
    let _ = writeln!(
        h,
        "<footer>{}</footer>\n</main>\n</body>\n</html>",
        w.footer
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(id: i64, warranty: Option<NaiveDate>, status: AssetStatus) -> Asset {
        Asset {
            id,
            uuid: uuid::Uuid::from_u128(id as u128),
            kind: "printer".into(),
            make: Some("HP".into()),
            model: Some("LaserJet <M404>".into()),
            serial: Some(format!("SN{id}")),
            location: None,
            assigned_user: None,
            status,
            purchased_on: None,
            warranty_until: warranty,
            notes: None,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_csv_has_one_row_per_machine_then_per_asset_and_quotes_commas() {
        let mut a = asset(5, NaiveDate::from_ymd_opt(2027, 1, 10), AssetStatus::Broken);
        a.notes = Some("toner, drum".into());
        let bytes = csv(&[], &[a]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("record,id,uuid,name,type,"));
        assert!(lines[1].starts_with("asset,5,00000000-0000-0000-0000-000000000005,,printer,HP,"));
        assert!(lines[1].contains(",broken,,2027-01-10,,\"toner, drum\""));
    }

    #[test]
    fn alerts_escape_and_skip_retired_equipment() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let assets = [
            asset(1, NaiveDate::from_ymd_opt(2026, 1, 1), AssetStatus::InUse),
            asset(
                2,
                NaiveDate::from_ymd_opt(2027, 1, 10),
                AssetStatus::InStock,
            ),
            asset(3, NaiveDate::from_ymd_opt(2026, 1, 1), AssetStatus::Retired),
            asset(4, NaiveDate::from_ymd_opt(2030, 1, 1), AssetStatus::InUse),
        ];
        let html = html(&Site {
            machines: &[],
            assets: &assets,
            software: &[],
            now,
            lang: Lang::Fr,
        });
        assert!(html.contains("<html lang=\"fr\">"));
        assert!(html.contains("garantie terminée le 01/01/2026"));
        assert!(html.contains("garantie jusqu’au 10/01/2027"));
        assert_eq!(
            html.matches("<li").count(),
            2,
            "retired and far warranties left out"
        );
        assert!(html.contains("LaserJet &lt;M404&gt;"));
        assert!(!html.contains("<M404>"));
        // Self-contained: nothing fetched from anywhere.
        for needle in ["http://", "https://", "<script", "<link", "src="] {
            assert!(!html.contains(needle), "{needle}");
        }
    }
}
