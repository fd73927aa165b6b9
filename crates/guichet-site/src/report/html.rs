//! The printable HTML report: a header with counts, the alerts, then the machines, the other
//! equipment and the most widespread software, each as a table.

use std::fmt::Write as _;

use super::alerts::{alerts, Alert};
use super::format::{date, esc, opt, size, status_word};
use super::words::Words;
use super::{Lang, Site};

/// Rows of the software summary (the most widespread packages).
const SOFTWARE_ROWS: usize = 60;

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
    let w = Words::of(site.lang);
    let alerts = alerts(site, w);
    let mut h = String::with_capacity(64 * 1024);
    head(&mut h, site, w, &alerts);
    alert_list(&mut h, w, &alerts);
    machines(&mut h, site, w);
    assets(&mut h, site, w);
    software(&mut h, site, w);
    let _ = writeln!(
        h,
        "<footer>{}</footer>\n</main>\n</body>\n</html>",
        w.footer
    );
    h
}

/// The document's head, the page header and the count cards.
fn head(h: &mut String, site: &Site<'_>, w: &Words, alerts: &[Alert]) {
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
}

/// The alerts section, or a line saying there is nothing to report.
fn alert_list(h: &mut String, w: &Words, alerts: &[Alert]) {
    let _ = writeln!(h, "<h2>{}</h2>", w.alerts);
    if alerts.is_empty() {
        let _ = writeln!(h, "<p class=\"none\">{}</p>", w.no_alert);
    } else {
        h.push_str("<ul class=\"alerts\">\n");
        for (bad, text) in alerts {
            let _ = writeln!(
                h,
                "<li{}>{text}</li>",
                if *bad { " class=\"bad\"" } else { "" }
            );
        }
        h.push_str("</ul>\n");
    }
}

/// The machines of the register, one row each.
fn machines(h: &mut String, site: &Site<'_>, w: &Words) {
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
}

/// The hand-entered equipment, one row each with its status badge.
fn assets(h: &mut String, site: &Site<'_>, w: &Words) {
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
}

/// The most widespread software, with the number of machines and the versions seen.
fn software(h: &mut String, site: &Site<'_>, w: &Words) {
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
}
