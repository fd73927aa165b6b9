//! The sandbox published scripts run in: bubblewrap (`bwrap`), as the user, never without it.
//!
//! What the script sees:
//! * the system read-only: `/usr`, `/etc` and the `/bin`, `/sbin`, `/lib*` links or folders;
//! * a private `/tmp` (tmpfs) and a private work folder, `/fix`, which is also its `HOME`
//!   and its current folder, removed after the run;
//! * a `/proc` of its own processes only (new PID namespace) and a minimal `/dev`;
//! * no network (`--unshare-all`: network, IPC, UTS, PID, user and cgroup namespaces)
//!   unless the manifest declares it (`--share-net`);
//! * an empty environment but `PATH`, `HOME`, `TMPDIR` and `LANG`.
//!
//! The user's home is not mounted at all. A published script is written by the service desk
//! for every machine: reading the user's files (mail, browser profiles, SSH keys) or changing
//! them is not what it is for, and leaving the home out means a script cannot leak or damage
//! them even if its author's key is stolen. Repairs in the user's own files are the built-in
//! actions' job, which show their plan first. `/var` (where system stores and logs live) and
//! `/run` (sockets of the session bus and other services) are left out for the same reason.
//!
//! Every capability is dropped (`--cap-drop ALL`): bwrap does so itself for a normal user, but
//! run by root it would leave them, and root's `CAP_SYS_ADMIN` remounts the system writable.
//!
//! bwrap runs with `--die-with-parent` and `--new-session` (the script cannot push input to
//! the user's terminal), in a process group of its own; at the timeout the whole group is
//! killed, and with it the sandbox's PID namespace. bwrap itself never gains privileges: it is
//! not setuid here and sets `no_new_privs`, so a setuid program inside does not either.
//! stdout and stderr go to one pipe, of which [`MAX_OUTPUT_BYTES`] are kept.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use wait_timeout::ChildExt as _;

use crate::ActionError;

/// Output kept from a run (stdout and stderr together); the rest is read and dropped.
pub const MAX_OUTPUT_BYTES: usize = 64 * 1024;

/// Where the work folder appears inside the sandbox.
const WORK_DIR: &str = "/fix";

/// The bubblewrap program to run scripts with.
#[derive(Debug, Clone)]
pub struct Sandbox {
    bwrap: PathBuf,
}

/// What a sandboxed run gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxRun {
    /// The script's exit status (`None` when it was killed).
    pub status: Option<i32>,
    /// Killed at the timeout.
    pub timed_out: bool,
    /// stdout and stderr, interleaved as written, at most [`MAX_OUTPUT_BYTES`].
    pub output: String,
    /// More was written than kept.
    pub truncated: bool,
    /// How long it ran.
    pub elapsed: Duration,
}

impl SandboxRun {
    /// The script ran to the end and exited 0.
    pub fn succeeded(&self) -> bool {
        !self.timed_out && self.status == Some(0)
    }
}

impl Sandbox {
    /// bubblewrap from `PATH`; `Unavailable` when it is not installed (scripts then never run).
    pub fn find() -> Result<Sandbox, ActionError> {
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path)
            .map(|d| d.join("bwrap"))
            .find(|p| p.is_file())
            .map(|bwrap| Sandbox { bwrap })
            .ok_or_else(|| {
                ActionError::Unavailable(
                    "bubblewrap (bwrap) is not installed: published actions run only in its sandbox (install the `bubblewrap` package)".into(),
                )
            })
    }

    /// The bubblewrap at `bwrap`.
    pub fn at(bwrap: impl Into<PathBuf>) -> Sandbox {
        Sandbox {
            bwrap: bwrap.into(),
        }
    }

    /// Runs `script` with `sh` in the sandbox, killed after `timeout`.
    pub fn run(
        &self,
        script: &str,
        network: bool,
        timeout: Duration,
    ) -> Result<SandboxRun, ActionError> {
        let work = tempfile::Builder::new().prefix("guichet-fix-").tempdir()?;
        std::fs::write(work.path().join("action.sh"), script)?;
        let mut cmd = self.command(work.path(), network);
        let (reader, writer) = std::io::pipe()?;
        cmd.stdin(Stdio::null())
            .stdout(writer.try_clone()?)
            .stderr(writer);
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let started = Instant::now();
        let mut child = cmd.spawn().map_err(|e| {
            ActionError::Unavailable(format!(
                "cannot start bubblewrap {}: {e}",
                self.bwrap.display()
            ))
        })?;
        // Our copies of the pipe's writing end go, so the reader sees its end.
        drop(cmd);
        let collector = std::thread::spawn(move || collect(reader));
        let (status, timed_out) = match child.wait_timeout(timeout)? {
            Some(status) => (status.code(), false),
            None => {
                kill_group(&mut child);
                child.wait()?;
                (None, true)
            }
        };
        let elapsed = started.elapsed();
        let (bytes, truncated) = collector.join().unwrap_or_default();
        Ok(SandboxRun {
            status,
            timed_out,
            output: String::from_utf8_lossy(&bytes).into_owned(),
            truncated,
            elapsed,
        })
    }

    /// The bwrap command line for a run with the work folder `work`.
    fn command(&self, work: &Path, network: bool) -> Command {
        let mut cmd = Command::new(&self.bwrap);
        cmd.env_clear();
        cmd.args(["--unshare-all", "--die-with-parent", "--new-session"]);
        // Run by root, bwrap otherwise leaves the script root's capabilities, with which it
        // can remount the read-only system writable and write to the host's /usr.
        cmd.args(["--cap-drop", "ALL"]);
        if network {
            cmd.arg("--share-net");
        }
        cmd.args([
            "--clearenv",
            "--setenv",
            "PATH",
            "/usr/bin:/bin:/usr/sbin:/sbin",
        ]);
        cmd.args(["--setenv", "HOME", WORK_DIR, "--setenv", "TMPDIR", "/tmp"]);
        cmd.args(["--setenv", "LANG", "C.UTF-8"]);
        cmd.args(["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]);
        for dir in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
            match std::fs::read_link(dir) {
                Ok(target) => {
                    cmd.arg("--symlink").arg(target).arg(dir);
                }
                Err(_) if Path::new(dir).is_dir() => {
                    cmd.args(["--ro-bind", dir, dir]);
                }
                Err(_) => {}
            }
        }
        if network {
            // Where systemd-resolved's resolv.conf points, when /etc/resolv.conf is its link.
            cmd.args([
                "--ro-bind-try",
                "/run/systemd/resolve",
                "/run/systemd/resolve",
            ]);
        }
        cmd.args(["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]);
        cmd.arg("--bind").arg(work).arg(WORK_DIR);
        cmd.args(["--chdir", WORK_DIR, "--", "/bin/sh", "/fix/action.sh"]);
        cmd
    }
}

/// Kills the sandbox's whole process group (bwrap and what it started; the PID namespace dies
/// with bwrap's child).
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{killpg, Signal};
        use nix::unistd::Pid;
        if let Ok(pid) = i32::try_from(child.id()) {
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }
    let _ = child.kill();
}

/// Reads the pipe to its end, keeping the first [`MAX_OUTPUT_BYTES`].
fn collect(mut reader: std::io::PipeReader) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut truncated = false;
    let mut buf = [0u8; 8192];
    loop {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = MAX_OUTPUT_BYTES.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
                truncated |= n > room;
            }
        }
    }
    (kept, truncated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_bubblewrap_is_a_refusal_not_an_unsandboxed_run() {
        let s = Sandbox::at("/nonexistent/bwrap");
        let e = s.run("echo hi", false, Duration::from_secs(5)).unwrap_err();
        assert!(matches!(e, ActionError::Unavailable(_)), "{e}");
    }
}
