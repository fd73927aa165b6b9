//! Long work behind the commands, kept out of them so they stay a few lines: inventory
//! collection with per-category progress, exports, and the quick inventory of a report.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use guichet_inventory::{Category, GlpiOptions, Inventory};

use crate::error::{AppError, AppResult, ErrorCode};

/// Export formats offered by the inventory page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// GLPI native inventory JSON.
    GlpiJson,
    /// Software list, CSV.
    SoftwareCsv,
}

/// Collects every category in parallel, one collector run per category, calling `progress`
/// (done, total, category) as each finishes; the result is the same document as
/// [`guichet_inventory::collect`] would give.
pub fn collect_with_progress(
    now: DateTime<Utc>,
    timeout: Duration,
    progress: impl Fn(u32, u32, Category),
) -> Inventory {
    let started = Instant::now();
    let total = Category::ALL.len() as u32;
    let (tx, rx) = mpsc::channel();
    for cat in Category::ALL {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let part = guichet_inventory::collect(&guichet_inventory::Options {
                categories: vec![cat],
                timeout,
                now,
            });
            let _ = tx.send((cat, part));
        });
    }
    drop(tx);
    let mut inv = Inventory::new(now, env!("CARGO_PKG_VERSION"));
    inv.categories = Category::ALL.to_vec();
    let mut done = 0;
    // Each run has its own deadline, so every thread reports; the grace covers thread start-up.
    while let Ok((cat, part)) = rx.recv_timeout(timeout + Duration::from_secs(2)) {
        done += 1;
        inv.errors.extend(part.errors.iter().cloned());
        guichet_inventory::merge(&mut inv, part, cat);
        progress(done, total, cat);
        if done == total {
            break;
        }
    }
    inv.errors.sort_by(|a, b| {
        (a.category, &a.source, &a.message).cmp(&(b.category, &b.source, &b.message))
    });
    inv.duration_ms = started.elapsed().as_millis() as u64;
    inv
}

/// Renders an export; the GLPI one needs the machine's stored device id.
pub fn render_export(inv: &Inventory, format: ExportFormat, deviceid: &str) -> AppResult<Vec<u8>> {
    Ok(match format {
        ExportFormat::GlpiJson => {
            let doc = guichet_inventory::to_glpi(
                inv,
                &GlpiOptions {
                    deviceid: deviceid.to_string(),
                },
            );
            serde_json::to_vec_pretty(&doc)
                .map_err(|e| AppError::new(ErrorCode::Failed, e.to_string()))?
        }
        ExportFormat::SoftwareCsv => guichet_inventory::software_csv(inv).into_bytes(),
    })
}

/// Suggested file name of an export.
pub fn export_file_name(inv: &Inventory, format: ExportFormat) -> String {
    let host = inv.hostname().unwrap_or("machine");
    let day = inv.collected_at.format("%Y-%m-%d");
    match format {
        ExportFormat::GlpiJson => format!("{host}-{day}-glpi.json"),
        ExportFormat::SoftwareCsv => format!("{host}-{day}-software.csv"),
    }
}

/// Writes a file atomically (temporary file then rename), so a failed export leaves no half file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> AppResult<()> {
    let tmp = path.with_extension("guichet-tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_render_and_are_named_after_host_and_day() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut inv = Inventory::new(now, "0.1.0");
        inv.os = Some(guichet_inventory::OperatingSystem {
            hostname: "pc1".into(),
            ..Default::default()
        });
        inv.software.push(guichet_inventory::Software {
            name: "zsh".into(),
            version: Some("5.9".into()),
            source: "dpkg".into(),
            ..Default::default()
        });
        assert_eq!(
            export_file_name(&inv, ExportFormat::SoftwareCsv),
            "pc1-2026-11-23-software.csv"
        );
        let csv = String::from_utf8(render_export(&inv, ExportFormat::SoftwareCsv, "d").unwrap())
            .unwrap();
        assert!(
            csv.lines().any(|l| l.contains("zsh") && l.contains("5.9")),
            "{csv}"
        );
        let glpi: serde_json::Value = serde_json::from_slice(
            &render_export(&inv, ExportFormat::GlpiJson, "pc1-2026").unwrap(),
        )
        .unwrap();
        assert_eq!(glpi["deviceid"], "pc1-2026");
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.csv");
        write_atomic(&p, b"x").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"x");
        assert_eq!(
            std::fs::read_dir(d.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn progress_reports_every_category_once() {
        let seen = std::sync::Mutex::new(Vec::new());
        let inv = collect_with_progress(Utc::now(), Duration::from_secs(20), |done, total, cat| {
            seen.lock().unwrap().push((done, total, cat));
        });
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen.len(), Category::ALL.len());
        assert_eq!(seen.last().unwrap().0, Category::ALL.len() as u32);
        assert!(inv.os.is_some(), "the OS category is collected on Linux");
    }
}
