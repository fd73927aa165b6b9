//! The system agent's secrets as systemd encrypted credentials: they survive a reboot, unlike
//! the kernel key store, with the protection systemd gives them.
//!
//! `systemd-creds encrypt` seals each secret with the machine's host key
//! (`/var/lib/systemd/credential.secret`, readable by root only) and, where the machine has
//! one, its TPM2 chip (systemd-creds' `auto` key). One file per secret, in the `credentials/`
//! directory of the system agent's store. The agent's unit loads the whole directory with
//! `LoadCredentialEncrypted=guichet:<dir>`: systemd decrypts each file at start and hands it to
//! the run as `$CREDENTIALS_DIRECTORY/guichet_<file>`, so the secret is in plain text only in
//! the unit's private, non-swappable credentials directory while it runs. A person running a
//! command as root on that store (no `$CREDENTIALS_DIRECTORY`) gets the secret through
//! `systemd-creds decrypt`.
//!
//! The credential name is sealed into the file and checked at decryption, so a file renamed
//! to another account's name is refused.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::SyncError;

/// Prefix of every credential ID: the ID the unit's `LoadCredentialEncrypted=` line gives the
/// directory; systemd names each file's credential `<prefix>_<file name>`.
pub const CREDENTIAL_PREFIX: &str = "guichet";

/// The name of the directory of encrypted credentials inside the system agent's store.
pub const CREDENTIALS_DIR: &str = "credentials";

/// The system agent's encrypted credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemCredentials {
    /// The directory of encrypted credential files.
    dir: PathBuf,
    /// What systemd passed the running unit (`$CREDENTIALS_DIRECTORY`), if anything.
    loaded: Option<PathBuf>,
    /// The `systemd-creds` program.
    program: PathBuf,
}

/// The file name of `account`'s credential: bytes outside `[A-Za-z0-9.-]` become `_XX` (hex),
/// so different accounts never share a file and the name is a valid credential ID.
pub fn file_name(account: &str) -> String {
    let mut out = String::with_capacity(account.len() + 8);
    for b in account.bytes() {
        if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("_{b:02X}"));
        }
    }
    out
}

/// The credential ID systemd gives `account`'s file when it loads the directory.
pub fn credential_id(account: &str) -> String {
    format!("{CREDENTIAL_PREFIX}_{}", file_name(account))
}

impl SystemCredentials {
    /// The credentials of the system agent's store in `data_dir` (its `credentials/`
    /// directory). `loaded` is the unit's `$CREDENTIALS_DIRECTORY`, when it runs under systemd.
    pub fn new(data_dir: &Path, loaded: Option<PathBuf>) -> SystemCredentials {
        SystemCredentials {
            dir: data_dir.join(CREDENTIALS_DIR),
            loaded,
            program: PathBuf::from("systemd-creds"),
        }
    }

    /// The directory of encrypted credential files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, account: &str) -> Result<PathBuf, SyncError> {
        let name = file_name(account);
        // A credential ID is a file name: NAME_MAX, with the prefix.
        if name.len() + CREDENTIAL_PREFIX.len() + 1 > 255 {
            return Err(SyncError::Secret(format!(
                "the account {account} is too long to name a systemd credential"
            )));
        }
        Ok(self.dir.join(name))
    }

    /// Encrypts `secret` with `systemd-creds` into `account`'s file, atomically: written next
    /// to the directory first, so that systemd never loads half a file.
    pub fn store(&self, account: &str, secret: &str) -> Result<(), SyncError> {
        let path = self.path(account)?;
        let parent = self.dir.parent().unwrap_or(Path::new("/"));
        let tmp = parent.join(format!(".credential.tmp-{}", std::process::id()));
        let keep = |e: std::io::Error| {
            SyncError::Secret(format!("keeping the credential {}: {e}", path.display()))
        };
        let result = self
            .encrypt(&credential_id(account), secret, &tmp)
            .and_then(|()| {
                // systemd-creds follows the umask (0644): the sealed file is root's alone.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt as _;
                    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))
                        .map_err(keep)?;
                }
                std::fs::rename(&tmp, &path).map_err(keep)
            });
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    fn encrypt(&self, id: &str, secret: &str, out: &Path) -> Result<(), SyncError> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| SyncError::Secret(format!("creating {}: {e}", self.dir.display())))?;
        // The secret goes through stdin, never the command line (other users see that).
        let mut child = Command::new(&self.program)
            .arg("encrypt")
            .arg(format!("--name={id}"))
            .arg("-")
            .arg(out)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                SyncError::Secret(format!(
                    "running systemd-creds (systemd 250 or later) to encrypt the secret: {e}"
                ))
            })?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(secret.as_bytes()).map_err(|e| {
                SyncError::Secret(format!("passing the secret to systemd-creds: {e}"))
            })?;
        }
        let done = child
            .wait_with_output()
            .map_err(|e| SyncError::Secret(format!("waiting for systemd-creds: {e}")))?;
        if !done.status.success() {
            return Err(SyncError::Secret(format!(
                "systemd-creds could not encrypt the secret (run as root): {}",
                last_line(&done.stderr)
            )));
        }
        Ok(())
    }

    /// The secret of `account`: from the unit's credentials when systemd loaded them, else
    /// decrypted from its file (needs root).
    pub fn load(&self, account: &str) -> Result<String, SyncError> {
        let id = credential_id(account);
        if let Some(loaded) = &self.loaded {
            match std::fs::read(loaded.join(&id)) {
                Ok(bytes) => return text(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(SyncError::Secret(format!(
                        "reading the credential {id} systemd passed: {e}"
                    )))
                }
            }
        }
        let path = self.path(account)?;
        if !path.is_file() {
            return Err(SyncError::Secret(format!(
                "no credential for {account} in {} (run `guichet --system-agent connect …` as \
                 root again)",
                self.dir.display()
            )));
        }
        let out = Command::new(&self.program)
            .arg("decrypt")
            .arg(format!("--name={id}"))
            .arg(&path)
            .arg("-")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| SyncError::Secret(format!("running systemd-creds to decrypt: {e}")))?;
        if !out.status.success() {
            return Err(SyncError::Secret(format!(
                "systemd-creds could not decrypt {} (run as root, on the machine that \
                 encrypted it): {}",
                path.display(),
                last_line(&out.stderr)
            )));
        }
        text(out.stdout)
    }

    /// Removes `account`'s credential, if there is one.
    pub fn delete(&self, account: &str) {
        if let Ok(path) = self.path(account) {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn text(bytes: Vec<u8>) -> Result<String, SyncError> {
    String::from_utf8(bytes).map_err(|_| SyncError::Secret("the credential is not UTF-8".into()))
}

/// systemd-creds' reason: its last line (earlier ones are warnings such as "not located on
/// encrypted media").
fn last_line(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no reason given")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_map_to_distinct_valid_credential_names() {
        let a = credential_id("rt:https://rt.example.org:alice");
        assert_eq!(a, "guichet_rt_3Ahttps_3A_2F_2Frt.example.org_3Aalice");
        assert_ne!(
            file_name("rt:https://a-b:u"),
            file_name("rt:https://a_b:u"),
            "injective"
        );
        for id in [a, credential_id("glpi:https://g/x y:é")] {
            assert!(id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)));
        }
    }

    #[test]
    fn a_credential_systemd_passed_is_read_without_decrypting() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = dir.path().join("creds");
        std::fs::create_dir(&loaded).unwrap();
        let account = "rt:https://rt.example.org:alice";
        std::fs::write(loaded.join(credential_id(account)), "pw").unwrap();
        let mut c = SystemCredentials::new(dir.path(), Some(loaded));
        c.program = PathBuf::from("/nonexistent/systemd-creds");
        assert_eq!(c.load(account).unwrap(), "pw");
        let e = c.load("rt:https://other:bob").unwrap_err().to_string();
        assert!(e.contains("--system-agent connect"), "{e}");
    }

    /// Needs root and `systemd-creds` (systemd 250+); PID 1 need not be systemd.
    #[test]
    fn systemd_creds_round_trips_a_secret_with_the_host_key() {
        let probe = Command::new("systemd-creds").arg("--version").output();
        if !probe.is_ok_and(|o| o.status.success()) {
            eprintln!("SKIP: systemd-creds is not installed");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let c = SystemCredentials::new(dir.path(), None);
        let account = "rt:https://rt.example.org:alice";
        if let Err(e) = c.store(account, "s3cret pass") {
            eprintln!("SKIP: systemd-creds cannot encrypt here (not root?): {e}");
            return;
        }
        let file = c.dir().join(file_name(account));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let m = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(m & 0o777, 0o600);
        }
        let sealed = std::fs::read(&file).unwrap();
        assert!(
            !String::from_utf8_lossy(&sealed).contains("s3cret"),
            "the file is encrypted"
        );
        assert_eq!(c.load(account).unwrap(), "s3cret pass");
        // The sealed name is checked: the file under another account's name is refused.
        let other = "rt:https://rt.example.org:mallory";
        std::fs::copy(&file, c.dir().join(file_name(other))).unwrap();
        assert!(c.load(other).is_err());
        // As systemd would decrypt it for the unit, with the host key explicitly.
        let out = Command::new("systemd-creds")
            .args(["decrypt", "--with-key=host"])
            .arg(format!("--name={}", credential_id(account)))
            .arg(&file)
            .arg("-")
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "s3cret pass");
        c.delete(account);
        assert!(!file.exists());
    }
}
