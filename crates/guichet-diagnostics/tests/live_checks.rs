//! The live checks on this machine, for real: every one answers, in time, with a measure.

use chrono::Utc;
use guichet_diagnostics::{run, CheckStatus, Context};

#[test]
fn the_live_checks_measure_this_machine_in_time() {
    let d = run(&Context::new(Utc::now()));
    assert!(d.elapsed_ms < 1500, "{} ms", d.elapsed_ms);
    for id in ["storage.free", "memory.pressure", "memory.swap", "cpu.load"] {
        let f: Vec<_> = d.findings.iter().filter(|f| f.check == id).collect();
        assert!(!f.is_empty(), "{id} missing");
        for f in f {
            assert_ne!(f.status, CheckStatus::Unknown, "{f:?}");
            assert!(f.measured.is_some(), "{f:?}");
        }
    }
    if cfg!(target_os = "linux") && std::path::Path::new("/proc/self/mounts").exists() {
        let root_fs = std::fs::read_to_string("/proc/self/mounts")
            .unwrap_or_default()
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some("/"))
            .and_then(|l| l.split_whitespace().nth(2).map(str::to_string))
            .unwrap_or_default();
        let root = d
            .findings
            .iter()
            .find(|f| f.check == "storage.free" && f.subject.as_deref() == Some("/"));
        // A root on a memory or image file system (a live system) is rightly left out.
        if !matches!(root_fs.as_str(), "tmpfs" | "rootfs" | "squashfs" | "ramfs") {
            assert!(root.is_some(), "{:?}", d.findings);
        }
    }
}
