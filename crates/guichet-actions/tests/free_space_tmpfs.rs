//! `free-space` on a real, small file system: a tmpfs this test mounts (it runs as root in CI)
//! as the user's home, filled until `storage.free` would call it a problem (under 5 % free,
//! and under 1 GiB), then freed. A second tmpfs mounted inside a cache must not be crossed,
//! and a link out of the trash must not be followed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chrono::Utc;
use guichet_actions::{Action, ActionContext, FreeSpace};

/// Unmounts what the test mounted, even when an assertion fails.
struct Mounted(Vec<PathBuf>);

impl Drop for Mounted {
    fn drop(&mut self) {
        for dir in self.0.iter().rev() {
            let _ = Command::new("umount").arg(dir).status();
        }
    }
}

fn mount_tmpfs(dir: &Path, size: &str) -> bool {
    std::fs::create_dir_all(dir).unwrap();
    Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// (total, available) bytes of the file system holding `dir`.
fn space(dir: &Path) -> (u64, u64) {
    let st = rustix::fs::statvfs(dir).unwrap();
    (st.f_blocks * st.f_frsize, st.f_bavail * st.f_frsize)
}

fn write(path: impl AsRef<Path>, bytes: usize) {
    let path = path.as_ref();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, vec![0x5a; bytes]).unwrap();
}

/// A home with a document, a trash, thumbnails, another program's state and a pip cache
/// that grows until under 5 % of the file system is free.
fn fill(home: &Path) -> u64 {
    write(home.join("Documents/report.odt"), 200_000);
    write(home.join(".local/share/Trash/files/holiday.mkv"), 3 << 20);
    write(
        home.join(".local/share/Trash/info/holiday.mkv.trashinfo"),
        120,
    );
    std::os::unix::fs::symlink(
        home.join("Documents"),
        home.join(".local/share/Trash/files/docs-link"),
    )
    .unwrap();
    write(home.join(".cache/thumbnails/large/1.png"), 1 << 20);
    write(home.join(".cache/some-app/state"), 50_000);
    // A cache folder that is a link to the user's data: never followed.
    write(home.join("Documents/yarn-offline/pkg.tgz"), 30_000);
    std::os::unix::fs::symlink(
        home.join("Documents/yarn-offline"),
        home.join(".cache/yarn"),
    )
    .unwrap();
    let (total, _) = space(home);
    let mut n = 0;
    while space(home).1 * 100 >= total * 5 {
        write(home.join(format!(".cache/pip/http/{n:04}")), 64 << 10);
        n += 1;
    }
    total
}

#[test]
fn a_full_home_on_tmpfs_is_freed_without_crossing_mounts_or_following_links() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    if !mount_tmpfs(&home, "8m") {
        eprintln!("SKIP: cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)");
        return;
    }
    let mut mounted = Mounted(vec![home.clone()]);
    let nested = home.join(".cache/thumbnails/other-fs");
    assert!(mount_tmpfs(&nested, "1m"), "second tmpfs");
    mounted.0.push(nested.clone());
    write(nested.join("kept.png"), 10_000);

    let total = fill(&home);
    let (_, before) = space(&home);
    eprintln!(
        "filled: {before} of {total} bytes free ({} %)",
        before * 100 / total
    );

    let ctx = ActionContext {
        now: Utc::now(),
        home: Some(home.clone()),
        timeout: Duration::from_secs(10),
    };
    let action = FreeSpace::default();
    let plan = action.plan(&ctx).unwrap();
    let steps: Vec<&str> = plan.steps.iter().map(|s| s.en.as_str()).collect();
    assert_eq!(steps[0], "Empty the trash: 3.0 MiB", "{steps:#?}");
    assert_eq!(steps[1], "Empty picture thumbnails: 1.0 MiB", "{steps:#?}");
    assert!(steps[2].starts_with("Empty pip's cache: "), "{steps:#?}");
    assert!(steps[3].starts_with("In all: "), "{steps:#?}");
    assert_eq!(space(&home).1, before, "the plan changed nothing");

    let outcome = action.run(&ctx).unwrap();
    eprintln!("{}", outcome.output);
    assert!(outcome.succeeded, "{}", outcome.output);
    let (_, after) = space(&home);
    let freed_line = outcome.output.lines().last().unwrap();
    let measured = after - before;
    eprintln!("statvfs: {measured} bytes more free; {freed_line}");
    // What the action counted is what the file system got back (tmpfs counts pages).
    let counted: f64 = freed_line
        .trim_start_matches("freed ")
        .trim_end_matches(" MiB in all")
        .parse()
        .unwrap();
    assert!(
        (counted * 1048576.0 - measured as f64).abs() < 0.1 * 1048576.0,
        "{counted} MiB vs {measured}"
    );
    assert!(after * 100 > total * 50, "{after} of {total}");

    assert!(
        outcome
            .output
            .contains("emptied picture thumbnails: 1.0 MiB freed, 1 file, 1 left in place"),
        "{}",
        outcome.output
    );
    assert!(
        nested.join("kept.png").exists(),
        "crossed into another file system"
    );
    assert!(
        home.join("Documents/report.odt").exists(),
        "followed a link out of the trash"
    );
    assert!(!home.join(".local/share/Trash/files/docs-link").exists());
    assert!(
        home.join(".cache/some-app/state").exists(),
        "not a listed cache"
    );
    assert!(
        home.join("Documents/yarn-offline/pkg.tgz").exists(),
        "followed a cache's link"
    );
    assert!(
        outcome
            .output
            .contains("emptied Yarn's cache: 0 B freed, 0 files, 1 left in place"),
        "{}",
        outcome.output
    );
    assert!(home.join(".local/share/Trash/files").is_dir());
    drop(mounted);
}
