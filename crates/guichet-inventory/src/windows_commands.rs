//! The two ways readings are fetched on Windows, shared by the Windows collectors and by
//! "Check my computer": a PowerShell script (its output in a form a parser in
//! [`crate::parse`] reads) and a registry export (`reg export`, parsed by
//! [`crate::parse::windows::registry`]). Both go through the [`Probe`], so they are bounded by
//! its deadline; nothing here is Windows-only at compile time (a fixture probe simply runs no
//! command), which keeps this code type-checked and tested on Linux.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::probe::{Probe, RunError};

/// Export files of this process are numbered: checks and collectors export at the same time.
static EXPORTS: AtomicUsize = AtomicUsize::new(0);

/// The arguments that run `script` in Windows PowerShell: no profile (a user's profile can be
/// slow or print things), no prompt, and the script as `-EncodedCommand` (base64 of
/// UTF-16LE), which sidesteps every command-line quoting pitfall.
pub fn powershell_args(script: &str) -> [String; 4] {
    let utf16: Vec<u8> = script.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, utf16);
    [
        "-NoProfile".into(),
        "-NonInteractive".into(),
        "-EncodedCommand".into(),
        encoded,
    ]
}

impl Probe {
    /// Runs `script` in Windows PowerShell (`powershell.exe`, present on every Windows since
    /// 7) and returns its standard output.
    pub fn powershell(&self, script: &str) -> Result<Vec<u8>, RunError> {
        let args = powershell_args(script);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run_bytes("powershell", &args)
    }

    /// The registry key `key` (`HKLM\…`) exported with `reg export` to a temporary file, its
    /// bytes (UTF-16 `.reg` text); `Ok(None)` when `reg` fails, which it does when the key does
    /// not exist (and when the user may not read it: its message, localized, does not say
    /// which).
    pub fn reg_export(&self, key: &str) -> Result<Option<Vec<u8>>, RunError> {
        let n = EXPORTS.fetch_add(1, Ordering::Relaxed);
        let file = std::env::temp_dir().join(format!("guichet-{}-{n}.reg", std::process::id()));
        let path = file.to_string_lossy().into_owned();
        let run = self.run_bytes("reg", &["export", key, &path, "/y"]);
        let bytes = std::fs::read(&file);
        let _ = std::fs::remove_file(&file);
        match run {
            Ok(_) => {}
            Err(RunError::Failed { .. }) => return Ok(None),
            Err(e) => return Err(e),
        }
        bytes
            .map(Some)
            .map_err(|e| RunError::Io("reg export".into(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_travels_as_base64_of_utf16le() {
        let args = powershell_args("'é'");
        assert_eq!(args[2], "-EncodedCommand");
        // ' é ' as UTF-16LE: 27 00 e9 00 27 00.
        assert_eq!(args[3], "JwDpACcA");
    }

    #[test]
    fn a_fixture_probe_runs_neither() {
        let dir = tempfile::tempdir().unwrap();
        let probe = Probe::fixture(dir.path(), chrono::Utc::now());
        assert!(matches!(probe.powershell("1"), Err(RunError::NotFound(_))));
        assert!(matches!(
            probe.reg_export("HKLM\\X"),
            Err(RunError::NotFound(_))
        ));
    }
}
