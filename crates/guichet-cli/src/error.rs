//! The CLI's error: an `anyhow` chain plus a stable machine-readable code and exit status.
//!
//! A damaged store is one line naming the file and the commands that deal with it
//! ([`CliError::naming_store`] adds the file when the error was seen below the opening).

use std::path::Path;

use guichet_store::StoreError;

/// Exit status of a damaged store (`store_damaged`).
pub const EXIT_STORE_DAMAGED: u8 = 7;

/// A command's failure.
#[derive(Debug)]
pub struct CliError {
    code: &'static str,
    exit: u8,
    inner: anyhow::Error,
    /// SQLite's reason when the store is damaged, and the file when known.
    damage: Option<(Option<std::path::PathBuf>, String)>,
}

impl CliError {
    /// An error with an explicit code (`usage`, `not_found`…) and exit status.
    pub fn new(code: &'static str, exit: u8, inner: anyhow::Error) -> Self {
        CliError {
            code,
            exit,
            inner,
            damage: None,
        }
    }

    /// A usage error (bad flag values, inconsistent arguments): exit status 2, like clap's.
    pub fn usage(msg: impl Into<String>) -> Self {
        CliError::new("usage", 2, anyhow::anyhow!(msg.into()))
    }

    /// The store is damaged: `store_damaged`, its own exit status.
    fn damaged(path: Option<&Path>, reason: &str) -> Self {
        let mut e = CliError::new("store_damaged", EXIT_STORE_DAMAGED, anyhow::anyhow!(""));
        e.damage = Some((path.map(Path::to_path_buf), reason.to_string()));
        e
    }

    /// Names the database file in a damaged-store error that does not name one yet (the damage
    /// was met by a query after the store opened).
    pub fn naming_store(mut self, db: &Path) -> Self {
        if let Some((path @ None, _)) = &mut self.damage {
            *path = Some(db.to_path_buf());
        }
        self
    }

    /// Stable code for scripts.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Process exit status.
    pub fn exit_code(&self) -> u8 {
        self.exit
    }

    /// The whole context chain, outermost first, each cause once: an error whose message
    /// already ends with its source's (thiserror's `"{path}: {source}"`) does not print the
    /// source again.
    pub fn message(&self) -> String {
        if let Some((path, reason)) = &self.damage {
            let file = path
                .as_ref()
                .map(|p| format!(" {}", p.display()))
                .unwrap_or_default();
            return format!(
                "the local store{file} is damaged ({reason}); run `guichet store check`, then `guichet store repair`"
            );
        }
        once_each(self.inner.chain().map(ToString::to_string))
    }
}

/// Joins messages with `: `, skipping one the text so far already ends with.
fn once_each(messages: impl Iterator<Item = String>) -> String {
    let mut out = String::new();
    for m in messages {
        if m.is_empty() || out.ends_with(&m) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&m);
    }
    out
}

impl From<anyhow::Error> for CliError {
    fn from(inner: anyhow::Error) -> Self {
        if let Some(StoreError::Damaged { path, reason }) = inner
            .chain()
            .find_map(|c| c.downcast_ref::<StoreError>())
            .filter(|e| e.is_damaged())
        {
            return CliError::damaged(path.as_deref(), reason);
        }
        // Classify by the root cause so contexts added on the way up keep the right code.
        let (code, exit) = match inner.root_cause().downcast_ref::<StoreError>() {
            Some(e) => store_code(e),
            None => match inner.downcast_ref::<StoreError>() {
                Some(e) => store_code(e),
                None if inner
                    .root_cause()
                    .downcast_ref::<std::io::Error>()
                    .is_some() =>
                {
                    ("io", 1)
                }
                None => ("failed", 1),
            },
        };
        CliError::new(code, exit, inner)
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        if let StoreError::Damaged { path, reason } = &e {
            return CliError::damaged(path.as_deref(), reason);
        }
        let (code, exit) = store_code(&e);
        CliError::new(code, exit, e.into())
    }
}

fn store_code(e: &StoreError) -> (&'static str, u8) {
    match e {
        StoreError::NotFound(_) => ("not_found", 3),
        StoreError::Ambiguous(..) => ("ambiguous", 3),
        StoreError::TooNew(_) => ("store_too_new", 1),
        StoreError::NoDataDir | StoreError::DataDir { .. } => ("data_dir", 1),
        StoreError::Corrupt { .. } => ("store_corrupt", 1),
        StoreError::DiskFull(_) => ("disk_full", 1),
        StoreError::Damaged { .. } => ("store_damaged", EXIT_STORE_DAMAGED),
        StoreError::Sql(_) | StoreError::Migrate(_) => ("store", 1),
        StoreError::Invalid(_) => ("invalid", 2),
        StoreError::TooLarge { .. } => ("too_large", 2),
        StoreError::SyncRunning(_) => ("busy", crate::sync::EXIT_BUSY),
    }
}

/// The use cases' errors, with the codes and exit statuses the CLI has always used.
impl From<guichet_core::CoreError> for CliError {
    fn from(e: guichet_core::CoreError) -> Self {
        use guichet_core::CoreError;
        match e {
            CoreError::Store(s) => s.into(),
            CoreError::Sync(s) => crate::sync::sync_error(s),
            CoreError::Bundle(b) => crate::bundle::bundle_error(b),
            CoreError::UnknownConnector(kind) => CliError::new(
                "config",
                2,
                anyhow::anyhow!("unknown connector `{kind}`: run `guichet connect` again"),
            ),
            CoreError::Invalid(m) => CliError::usage(m),
            CoreError::Action(a) => crate::fix::action_error(a),
            e @ CoreError::Io { .. } => anyhow::Error::new(e).into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("{path}: {source}")]
    struct Named {
        path: String,
        #[source]
        source: std::io::Error,
    }

    #[test]
    fn a_cause_its_error_already_prints_is_printed_once() {
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let e = anyhow::Error::new(Named {
            path: "forged.guichet".into(),
            source: io,
        })
        .context("importing");
        let m = CliError::from(e).message();
        assert_eq!(m, "importing: forged.guichet: entity not found");
    }

    #[test]
    fn causes_that_add_something_are_all_kept() {
        let e = anyhow::anyhow!("connection refused")
            .context("sending ticket 3")
            .context("sync");
        assert_eq!(
            CliError::from(e).message(),
            "sync: sending ticket 3: connection refused"
        );
    }
}
