//! Writing results: stdout, or a file replaced atomically so a reader never sees half of it.
//!
//! What goes to stdout is mostly text from outside (ticket titles, replies, articles, asset
//! and machine names from other machines' files): the control characters a terminal would act
//! on are dropped there ([`guichet_store::terminal_safe`]); a file written with `--output`
//! keeps every byte.

use std::io::Write;
use std::path::Path;

use anyhow::Context as _;

/// Writes `bytes` to `path` atomically (temporary file in the same directory, then rename), or
/// to stdout when `path` is `None` or `-`.
pub fn write(path: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match path {
        None => write_stdout(bytes),
        Some(p) if p == Path::new("-") => write_stdout(bytes),
        // Devices and pipes (`--output /dev/null`, a FIFO) cannot be replaced by a rename.
        Some(p) if p.exists() && !p.is_file() => std::fs::OpenOptions::new()
            .write(true)
            .open(p)
            .and_then(|mut f| f.write_all(bytes))
            .with_context(|| format!("writing {}", p.display())),
        Some(p) => {
            let dir = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let name = p
                .file_name()
                .with_context(|| format!("{} is not a file name", p.display()))?;
            let tmp = dir.join(format!(
                ".{}.tmp-{}",
                name.to_string_lossy(),
                std::process::id()
            ));
            let result = (|| -> std::io::Result<()> {
                let mut f = std::fs::File::create(&tmp)?;
                f.write_all(bytes)?;
                f.sync_all()?;
                std::fs::rename(&tmp, p)
            })();
            if result.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            result.with_context(|| format!("writing {}", p.display()))
        }
    }
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let safe = terminal_bytes(bytes);
    let mut out = std::io::stdout().lock();
    match out.write_all(&safe).and_then(|_| out.flush()) {
        // A closed pipe (`guichet inventory | head`) is the reader's choice, not our failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.context("writing to stdout"),
    }
}

/// `bytes` without terminal control characters: text through [`guichet_store::terminal_safe`];
/// bytes that are not UTF-8 without their C0 controls (but tab and line feed) and DEL.
fn terminal_bytes(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    match std::str::from_utf8(bytes) {
        Ok(text) => match guichet_store::terminal_safe(text) {
            std::borrow::Cow::Borrowed(_) => bytes.into(),
            std::borrow::Cow::Owned(s) => s.into_bytes().into(),
        },
        Err(_) => bytes
            .iter()
            .copied()
            .filter(|&b| !(b < 0x20 && b != b'\n' && b != b'\t' || b == 0x7f))
            .collect::<Vec<u8>>()
            .into(),
    }
}

/// Text for stderr, without the control characters a terminal would act on (messages that
/// quote a server or a file).
pub fn terminal(text: &str) -> std::borrow::Cow<'_, str> {
    guichet_store::terminal_safe(text)
}
