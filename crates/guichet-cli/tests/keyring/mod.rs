//! Running the `guichet` binary as a login session without a desktop would: in a fresh kernel
//! session keyring (`keyctl session -`), without a Secret Service, so a test's secrets never
//! reach a developer's desktop keyring. Shared by the suites that connect to a real server.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `guichet ARGS` on the store in `dir`, in a fresh kernel session keyring, with `stdin`,
/// as user `alice` in the C locale (English messages).
pub fn guichet(dir: &Path, args: &[&str], stdin: &str) -> Output {
    guichet_with(dir, args, stdin, &[])
}

/// The command [`guichet`] runs, for a caller that starts it itself (and may kill it): its
/// standard streams are the caller's to set.
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("keyctl");
    c.args(["session", "-"])
        .arg(env!("CARGO_BIN_EXE_guichet"))
        .args(args)
        .env("GUICHET_DATA_DIR", dir)
        .env("USER", "alice")
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("CREDENTIALS_DIRECTORY");
    c
}

/// [`guichet`] with more environment variables (`envs`).
pub fn guichet_with(dir: &Path, args: &[&str], stdin: &str, envs: &[(&str, &str)]) -> Output {
    let mut child = command(dir, args)
        .envs(envs.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running keyctl (package keyutils) and guichet");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().expect("waiting for guichet")
}

/// Status, stdout and stderr of a run, for a failure message.
pub fn describe(out: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
