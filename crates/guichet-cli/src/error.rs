//! The CLI's error: an `anyhow` chain plus a stable machine-readable code and exit status.

use guichet_store::StoreError;

/// A command's failure.
#[derive(Debug)]
pub struct CliError {
    code: &'static str,
    exit: u8,
    inner: anyhow::Error,
}

impl CliError {
    /// An error with an explicit code (`usage`, `not_found`…) and exit status.
    pub fn new(code: &'static str, exit: u8, inner: anyhow::Error) -> Self {
        CliError { code, exit, inner }
    }

    /// A usage error (bad flag values, inconsistent arguments): exit status 2, like clap's.
    pub fn usage(msg: impl Into<String>) -> Self {
        CliError::new("usage", 2, anyhow::anyhow!(msg.into()))
    }

    /// Stable code for scripts.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Process exit status.
    pub fn exit_code(&self) -> u8 {
        self.exit
    }

    /// The whole context chain, outermost first.
    pub fn message(&self) -> String {
        format!("{:#}", self.inner)
    }
}

impl From<anyhow::Error> for CliError {
    fn from(inner: anyhow::Error) -> Self {
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
        CliError { code, exit, inner }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        let (code, exit) = store_code(&e);
        CliError {
            code,
            exit,
            inner: e.into(),
        }
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
        StoreError::Sql(_) | StoreError::Migrate(_) => ("store", 1),
        StoreError::Invalid(_) => ("invalid", 2),
        StoreError::TooLarge { .. } => ("too_large", 2),
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
            e @ CoreError::Io { .. } => anyhow::Error::new(e).into(),
        }
    }
}
