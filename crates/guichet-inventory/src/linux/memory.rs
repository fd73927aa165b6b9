//! Linux `memory` collector: totals from `/proc/meminfo`; as root with `dmidecode`
//! installed, the installed modules (type 17, empty slots skipped) and the slot count
//! (type 16). Without root, modules are simply not readable: that is normal and not recorded
//! as an error; the totals are still returned.

use crate::collect::{Section, SourceError};
use crate::model::{Category, CollectErrorKind};
use crate::parse::{dmidecode, meminfo};
use crate::probe::Probe;

/// Collects memory totals and, when permitted, modules.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    let mut section = Section::default();
    let text = probe.read("/proc/meminfo")?;
    let mut mem = meminfo::parse(&text).ok_or_else(|| {
        SourceError::new(CollectErrorKind::Parse, "/proc/meminfo has no MemTotal")
    })?;
    if super::dmidecode_usable(probe) {
        match probe.run("dmidecode", &["-t", "16", "-t", "17"]) {
            Ok(out) => {
                let d = dmidecode::parse(&out);
                mem.modules = d.memory_modules();
                mem.slots = d.memory_slots();
            }
            Err(e) => section.error(Category::Memory, "dmidecode", e),
        }
    }
    section.found.memory = Some(mem);
    Ok(section)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn totals_from_recorded_meminfo_without_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("proc")).unwrap();
        std::fs::write(
            dir.path().join("proc/meminfo"),
            include_str!("../../tests/fixtures/meminfo/debian12-vm"),
        )
        .unwrap();
        let s = collect(&Probe::fixture(dir.path(), Utc::now())).unwrap();
        let m = s.found.memory.unwrap();
        assert_eq!(m.total_bytes, 24_684_084 * 1024);
        assert!(m.modules.is_empty());
        assert_eq!(m.slots, None);
        assert!(s.errors.is_empty(), "no module access is not an error");
    }

    #[test]
    fn this_host() {
        let probe = Probe::system(Utc::now(), std::time::Duration::from_secs(10));
        let s = collect(&probe).unwrap();
        let m = s.found.memory.unwrap();
        let text = std::fs::read_to_string("/proc/meminfo").unwrap();
        assert_eq!(
            Some(m.total_bytes),
            meminfo::parse(&text).map(|x| x.total_bytes)
        );
        assert!(m.modules.iter().all(|x| x.size_bytes > 0));
    }
}
