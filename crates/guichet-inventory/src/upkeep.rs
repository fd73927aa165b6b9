//! Readings of the system's upkeep that "Check my computer" and the home page need: pending
//! updates from apt's own files, whether a reboot is required, failed systemd units, the root
//! file system's encryption. Each fetches through a [`Probe`] (files, or a command bounded by
//! the probe's deadline) and hands the text to a pure parser in [`crate::parse`]; where the
//! thing cannot be read (another OS, no systemd, no apt) the answer is `None`.

use std::io::Read;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use crate::parse::apt_lists::{self, Counter, PendingUpdates};
use crate::parse::clamav::{self, CvdHeader};
use crate::parse::{lsblk, reboot, systemd};
use crate::pending_count_file::{self, Stamp, StampEntry};
use crate::probe::{Probe, RunError};

const APT_LISTS: &str = "/var/lib/apt/lists";
const DPKG_STATUS: &str = "/var/lib/dpkg/status";
/// apt's own tool, which decompresses its lists whatever their compression.
const APT_HELPER: &str = "/usr/lib/apt/apt-helper";

/// The last count, kept for the process: the home page asks at each refresh, and reading
/// ~50 MB of lists again when none changed would be wasted.
static LAST: Mutex<Option<(Stamp, PendingUpdates)>> = Mutex::new(None);

/// What a count is made from: the root read, then each file's name, size and modification
/// time (the lists change at `apt update`, the status at each install).
fn stamp(probe: &Probe, lists: &[String]) -> Stamp {
    let root = probe.path("/").to_string_lossy().into_owned();
    let mut out = vec![StampEntry::new(root, None)];
    let files = std::iter::once(DPKG_STATUS.to_string())
        .chain(lists.iter().map(|f| format!("{APT_LISTS}/{f}")));
    for path in files {
        let meta = probe.metadata(&path).ok();
        out.push(StampEntry::new(path, meta.as_ref()));
    }
    out
}

/// Pending updates from the dpkg database and apt's package lists (see
/// [`apt_lists`](crate::parse::apt_lists)); `None` when this is not an apt system or it has
/// no package list yet. Compressed lists are read through `apt-helper cat-file`. The answer is
/// kept for the process while none of these files changes.
pub fn apt_pending_updates(probe: &Probe) -> Option<PendingUpdates> {
    apt_pending_updates_kept(probe, None)
}

/// [`apt_pending_updates`], also kept on disk in `cache_dir` (the user's cache folder for
/// Guichet) so that the next process does not count again either while none of the files
/// changed (kept with each file's path, size and modification time).
pub fn apt_pending_updates_kept(probe: &Probe, cache_dir: Option<&Path>) -> Option<PendingUpdates> {
    let lists: Vec<String> = probe
        .list(APT_LISTS)
        .into_iter()
        .filter(|f| apt_lists::package_list_compression(f).is_some())
        .collect();
    let stamp = stamp(probe, &lists);
    if let Some((s, last)) = LAST.lock().ok()?.as_ref() {
        if *s == stamp {
            return Some(last.clone());
        }
    }
    let kept = cache_dir.and_then(|dir| pending_count_file::read(dir, &stamp));
    let counted = match kept {
        Some(kept) => kept,
        None => {
            let counted = count(probe, lists)?;
            if let Some(dir) = cache_dir {
                if let Err(e) = pending_count_file::write(dir, &stamp, &counted) {
                    tracing::debug!(dir = %dir.display(), error = %e, "pending updates not kept");
                }
            }
            counted
        }
    };
    if let Ok(mut last) = LAST.lock() {
        *last = Some((stamp, counted.clone()));
    }
    Some(counted)
}

/// How long a count may take, whatever the caller's deadline. A count cut short would be wrong
/// and is never kept; with the caller's deadline (a check's second), a machine too loaded to
/// count within it would start again at each run and never keep a count. So the count goes on
/// past it (the check is reported late once), and is kept for the next runs.
const COUNT_TIMEOUT: Duration = Duration::from_secs(20);

/// Counts from the lists; `None` when none could be read, or one was cut short.
fn count(probe: &Probe, lists: Vec<String>) -> Option<PendingUpdates> {
    let probe = probe.clone().with_timeout(COUNT_TIMEOUT);
    let status = probe.read(DPKG_STATUS).ok()?;
    let mut counter = Counter::new(&status);
    let mut read_any = false;
    for file in lists {
        let path = format!("{APT_LISTS}/{file}");
        let mut pieces = Pieces::default();
        let mut fed = false;
        let mut sink = |bytes: &[u8]| {
            fed |= !bytes.is_empty();
            pieces.push(bytes, |text| counter.feed(&file, text));
        };
        // Lists were kept by their name: plain (`Some(None)`) or compressed (`Some(Some(ext))`).
        let read = match apt_lists::package_list_compression(&file) {
            Some(None) | None => read_in_pieces(&probe, &path, &mut sink),
            Some(Some(_)) => {
                let host = probe.path(&path).to_string_lossy().into_owned();
                probe
                    .run_streaming(APT_HELPER, &["cat-file", &host], &mut sink)
                    .map_err(|e| tracing::debug!(list = %file, error = %e, "unreadable apt list"))
                    .is_ok()
            }
        };
        if fed && !read {
            // Part of a list was counted: the count would be short.
            return None;
        }
        pieces.finish(|text| counter.feed(&file, text));
        read_any |= read;
    }
    read_any.then(|| counter.finish())
}

/// A list arriving in pieces, handed on one run of whole paragraphs at a time.
#[derive(Default)]
struct Pieces {
    pending: Vec<u8>,
}

impl Pieces {
    fn push(&mut self, bytes: &[u8], mut whole: impl FnMut(&str)) {
        self.pending.extend_from_slice(bytes);
        if let Some(end) = apt_lists::complete_paragraphs_end(&self.pending) {
            whole(&text(&self.pending[..end]));
            self.pending.drain(..end);
        }
    }

    fn finish(self, mut whole: impl FnMut(&str)) {
        if !self.pending.is_empty() {
            whole(&text(&self.pending));
        }
    }
}

/// Bytes of a list as text. Lists are UTF-8: `from_utf8`'s check runs several times faster
/// than `from_utf8_lossy`'s (which took a quarter of a count's time), and the lossy
/// conversion is kept for a list that is not.
fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Reads an uncompressed list in pieces of 1 MiB; whether it was read to its end.
fn read_in_pieces(probe: &Probe, path: &str, sink: &mut dyn FnMut(&[u8])) -> bool {
    let Ok(mut file) = std::fs::File::open(probe.path(path)) else {
        return false;
    };
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return true,
            Ok(n) => sink(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        }
    }
}

/// Whether the system asks for a reboot: Debian/Ubuntu's `/run/reboot-required` flag (with
/// the packages named in `.pkgs`), else a kernel newer than the running one installed beside it
/// (every distribution keeps one folder per kernel in `/lib/modules`). `None` when neither
/// source exists here.
pub fn reboot_required(probe: &Probe) -> Option<reboot::RebootRequired> {
    for dir in ["/run", "/var/run"] {
        if probe.exists(format!("{dir}/reboot-required")) {
            let pkgs = probe
                .read(format!("{dir}/reboot-required.pkgs"))
                .unwrap_or_default();
            return Some(reboot::from_flag(&pkgs));
        }
    }
    let running = probe.attr("/proc/sys/kernel/osrelease")?;
    let installed = probe.list("/lib/modules");
    reboot::from_kernels(&running, &installed).or_else(|| {
        probe
            .exists("/var/lib/dpkg/status")
            .then(reboot::not_required)
    })
}

/// Which systemd manager to ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitScope {
    /// The system's (`systemctl`).
    System,
    /// The user's own (`systemctl --user`).
    User,
}

/// The failed units of one systemd manager (`systemctl [--user] --failed --output=json`),
/// `Err` when systemd does not run here or did not answer before the probe's deadline.
pub fn failed_units(probe: &Probe, scope: UnitScope) -> Result<Vec<systemd::Unit>, RunError> {
    let mut args = vec!["--failed", "--output=json", "--no-pager"];
    if scope == UnitScope::User {
        args.insert(0, "--user");
    }
    if !probe.exists("/run/systemd/system") {
        // systemd's own test for "booted with systemd" (sd_booted).
        return Err(RunError::NotFound("systemd".into()));
    }
    let out = probe.run("systemctl", &args)?;
    systemd::parse_units(&out).ok_or_else(|| RunError::Failed {
        program: "systemctl".into(),
        status: "0".into(),
        stderr: "unreadable JSON".into(),
    })
}

/// How the file systems holding `/` and `/home` are stored, from `lsblk --json` (no root
/// needed: it reads sysfs and udev's database); `None` when lsblk is missing or failed.
pub fn block_tree(probe: &Probe) -> Option<Vec<lsblk::Mounted>> {
    let out = probe
        .run("lsblk", &["--json", "-o", "NAME,TYPE,FSTYPE,MOUNTPOINT"])
        .ok()?;
    lsblk::mounted_encryption(&out)
}

/// The header of ClamAV's daily signature database (`daily.cld`, which freshclam keeps up to
/// date by patches, else `daily.cvd`), wherever the distribution keeps it; `None` without
/// ClamAV signatures. The database is world-readable: no root needed.
pub fn clamav_signatures(probe: &Probe) -> Option<CvdHeader> {
    ["/var/lib/clamav", "/var/clamav", "/usr/local/share/clamav"]
        .iter()
        .flat_map(|dir| ["daily.cld", "daily.cvd"].map(|f| format!("{dir}/{f}")))
        .filter_map(|path| probe.read_head(path, 512).ok())
        .find_map(|bytes| clamav::parse_cvd_header(&bytes))
}

/// When the file at `path` was last modified (the reboot flag's age, the last install).
pub fn modified(probe: &Probe, path: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    probe.metadata(path).ok()?.modified().ok().map(Into::into)
}
