//! Logs: tracing to a daily-rotated file in the app's log folder (seven files kept), and to
//! stderr. The "About / diagnostics" page reads the newest file.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};

/// Prefix of the log files (`guichet.YYYY-MM-DD.log`).
pub const LOG_PREFIX: &str = "guichet";

/// Log lines the writer thread may have queued before new ones are dropped.
const QUEUED_LINES: usize = 4096;

/// Starts logging into `dir`; keep the guard alive for the app's lifetime (it flushes on drop).
pub fn init(dir: &Path) -> Option<WorkerGuard> {
    use tracing_subscriber::prelude::*;
    std::fs::create_dir_all(dir).ok()?;
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_PREFIX)
        .filename_suffix("log")
        .max_log_files(7)
        .build(dir)
        .ok()?;
    // The writer thread's queue is allocated whole up front: tracing-appender's default of
    // 128,000 lines kept 4 MiB resident for nothing (seen in the idle-memory benchmark). A few
    // thousand lines absorb any burst the app makes; past that, lines are dropped rather than
    // blocking the UI thread.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(QUEUED_LINES)
        .lossy(true)
        .finish(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("GUICHET_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false),
        )
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .try_init();
    Some(guard)
}

/// The newest log file in `dir`.
pub fn newest(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(LOG_PREFIX) && n.ends_with(".log"))
        })
        .max()
}

/// The last `lines` lines of a text.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines_and_newest_picks_the_latest_day() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
        let d = tempfile::tempdir().unwrap();
        for n in [
            "guichet.2026-11-21.log",
            "guichet.2026-11-23.log",
            "other.log",
        ] {
            std::fs::write(d.path().join(n), "x").unwrap();
        }
        assert_eq!(
            newest(d.path()).unwrap().file_name().unwrap(),
            "guichet.2026-11-23.log"
        );
    }
}
