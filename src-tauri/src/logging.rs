//! Logs: tracing to a size-capped file in the app's log folder (`guichet.log`, rolled over at
//! [`MAX_BYTES`] with [`KEPT`] older files kept, see [`crate::log_file`]), and to stderr. The
//! "About / diagnostics" page reads the current file.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;

use crate::log_file::{self, CappedLog};

/// Size at which the log file rolls over; `GUICHET_LOG_MAX_BYTES` sets another (the long-run
/// measurement sees the rotation happen in minutes).
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Older log files kept beside the current one.
pub const KEPT: usize = 5;

/// Log lines the writer thread may have queued before new ones are dropped.
const QUEUED_LINES: usize = 4096;

fn max_bytes() -> u64 {
    std::env::var("GUICHET_LOG_MAX_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&b| b > 0)
        .unwrap_or(MAX_BYTES)
}

/// Removes the daily files of earlier versions (`guichet.YYYY-MM-DD.log`): nothing rotates
/// them any more.
fn remove_daily_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        let daily = name
            .strip_prefix("guichet.")
            .and_then(|n| n.strip_suffix(".log"))
            .is_some_and(|d| d.len() == 10 && d.chars().filter(|c| *c == '-').count() == 2);
        if daily {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Starts logging into `dir`; keep the guard alive for the app's lifetime (it flushes on drop).
pub fn init(dir: &Path) -> Option<WorkerGuard> {
    use tracing_subscriber::prelude::*;
    remove_daily_files(dir);
    let appender = CappedLog::open(dir, max_bytes(), KEPT).ok()?;
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

/// The log file being written in `dir`, if there is one.
pub fn newest(dir: &Path) -> Option<PathBuf> {
    Some(log_file::numbered(dir, 0)).filter(|p| p.is_file())
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
    fn tail_keeps_the_last_lines_and_newest_is_the_current_file() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
        let d = tempfile::tempdir().unwrap();
        assert_eq!(newest(d.path()), None);
        for n in [
            "guichet.2026-11-21.log",
            "guichet.1.log",
            "guichet.log",
            "other.log",
        ] {
            std::fs::write(d.path().join(n), "x").unwrap();
        }
        assert_eq!(
            newest(d.path()).unwrap().file_name().unwrap(),
            "guichet.log"
        );
        remove_daily_files(d.path());
        let mut left: Vec<String> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["guichet.1.log", "guichet.log", "other.log"]);
    }
}
