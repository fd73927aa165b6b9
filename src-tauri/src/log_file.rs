//! The app's log file, capped in size: `guichet.log` is written until the next line would take
//! it past the cap, then it becomes `guichet.1.log` (the one before becomes `guichet.2.log`, and
//! so on, the oldest beyond the number kept deleted) and a new `guichet.log` starts. A day of
//! errors every few seconds, or a debug level left on, cannot fill the disk: the folder never
//! holds more than (kept + 1) files of at most the cap each (a single longer line excepted).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The file being written; older ones are `guichet.N.log`, 1 the newest.
pub const CURRENT: &str = "guichet.log";

/// `guichet.log` (`n` = 0) or `guichet.N.log`.
pub fn numbered(dir: &Path, n: usize) -> PathBuf {
    if n == 0 {
        dir.join(CURRENT)
    } else {
        dir.join(format!("guichet.{n}.log"))
    }
}

/// A writer that rolls the log files over at a size cap; see the module documentation.
#[derive(Debug)]
pub struct CappedLog {
    dir: PathBuf,
    max_bytes: u64,
    kept: usize,
    file: File,
    written: u64,
}

/// Opens a log file for appending, creating it owner-only: logs name people, machines and
/// tickets.
fn append(path: &Path) -> io::Result<File> {
    guichet_store::private_file_options()
        .create(true)
        .append(true)
        .open(path)
}

impl CappedLog {
    /// Opens (appends to) `dir/guichet.log`, rolling over at `max_bytes`, `kept` older files
    /// kept.
    pub fn open(dir: &Path, max_bytes: u64, kept: usize) -> io::Result<CappedLog> {
        guichet_store::create_private_dir(dir)?;
        let file = append(&numbered(dir, 0))?;
        let written = file.metadata()?.len();
        Ok(CappedLog {
            dir: dir.to_path_buf(),
            max_bytes,
            kept,
            file,
            written,
        })
    }

    fn roll(&mut self) -> io::Result<()> {
        self.file.flush()?;
        // Missing files (fewer rolls so far) are not an error.
        let _ = std::fs::remove_file(numbered(&self.dir, self.kept));
        for n in (0..self.kept).rev() {
            let _ = std::fs::rename(numbered(&self.dir, n), numbered(&self.dir, n + 1));
        }
        self.file = append(&numbered(&self.dir, 0))?;
        self.written = 0;
        Ok(())
    }
}

impl Write for CappedLog {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written > 0 && self.written + buf.len() as u64 > self.max_bytes {
            self.roll()?;
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn the_log_rolls_over_at_its_cap_and_keeps_the_newest_files_only() {
        let d = tempfile::tempdir().unwrap();
        let mut log = CappedLog::open(d.path(), 100, 2).unwrap();
        for i in 0..50 {
            // 19-byte lines: five fit in a file.
            log.write_all(format!("line {i:03} .........\n").as_bytes())
                .unwrap();
        }
        log.flush().unwrap();
        assert_eq!(
            names(d.path()),
            ["guichet.1.log", "guichet.2.log", "guichet.log"]
        );
        let read = |n| std::fs::read_to_string(numbered(d.path(), n)).unwrap();
        for n in 0..=2 {
            assert!(read(n).len() <= 100, "{}", read(n));
            assert!(read(n).ends_with('\n'), "whole lines only");
        }
        assert!(read(0).ends_with("line 049 .........\n"));
        assert!(read(1).ends_with("line 044 .........\n"));
        assert!(read(2).starts_with("line 035"));
    }

    /// Regression (security review): the log files followed the umask (0644), readable by
    /// every local user; they name people, machines and tickets.
    #[cfg(unix)]
    #[test]
    fn log_files_are_private_to_their_owner() {
        use std::os::unix::fs::PermissionsExt as _;
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("logs");
        let mut log = CappedLog::open(&dir, 20, 1).unwrap();
        for _ in 0..3 {
            log.write_all(b"a line of 15 b\n").unwrap();
        }
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(names(&dir), ["guichet.1.log", "guichet.log"]);
        for n in 0..=1 {
            assert_eq!(mode(&numbered(&dir, n)), 0o600);
        }
    }

    #[test]
    fn a_reopened_log_counts_what_it_already_holds() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(numbered(d.path(), 0), "x".repeat(95)).unwrap();
        let mut log = CappedLog::open(d.path(), 100, 1).unwrap();
        log.write_all(b"0123456789\n").unwrap();
        assert_eq!(names(d.path()), ["guichet.1.log", "guichet.log"]);
        assert_eq!(
            std::fs::read_to_string(numbered(d.path(), 0)).unwrap(),
            "0123456789\n"
        );
    }
}
