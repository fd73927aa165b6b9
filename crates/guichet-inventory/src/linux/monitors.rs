//! Linux `monitors` collector: every DRM connector with a non-empty
//! `/sys/class/drm/<card>-<connector>/edid` (the kernel exposes the EDID it read over DDC,
//! world-readable), decoded by [`crate::parse::edid`]. The connector directory name
//! (`card0-eDP-1`) is the port.

use crate::collect::{Section, SourceError};
use crate::model::{Category, CollectErrorKind};
use crate::parse::edid;
use crate::probe::Probe;

const DRM: &str = "/sys/class/drm";

/// Collects the connected monitors.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    let mut section = Section::default();
    for name in probe.list(DRM) {
        // Connectors are `cardN-<type>-<n>`; `cardN` itself and render nodes have no EDID.
        if !name.starts_with("card") || !name.contains('-') {
            continue;
        }
        let Ok(bytes) = probe.read_bytes(format!("{DRM}/{name}/edid")) else {
            continue;
        };
        if bytes.is_empty() {
            continue;
        }
        match edid::parse(&bytes) {
            Ok(e) => {
                if !e.checksum_ok {
                    section.error(
                        Category::Monitors,
                        &name,
                        SourceError::new(CollectErrorKind::Parse, "EDID checksum mismatch"),
                    );
                }
                section.found.monitors.push(e.to_monitor(Some(name)));
            }
            Err(err) => section.error(
                Category::Monitors,
                &name,
                SourceError::new(CollectErrorKind::Parse, err.to_string()),
            ),
        }
    }
    Ok(section)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use std::fs;

    #[test]
    fn drm_connectors() {
        let dir = tempfile::tempdir().unwrap();
        let drm = dir.path().join("sys/class/drm");
        let edid = fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../third-party/glpi-agent-fixtures/resources/generic/edid/lcd.dell-U2410"
        ))
        .unwrap();
        for (conn, data) in [
            ("card0-DP-1", edid.as_slice()),
            ("card0-HDMI-A-1", &[][..]),
            ("card0-eDP-1", &[0u8, 1, 2][..]),
        ] {
            fs::create_dir_all(drm.join(conn)).unwrap();
            fs::write(drm.join(conn).join("edid"), data).unwrap();
        }
        fs::create_dir_all(drm.join("card0")).unwrap();
        fs::create_dir_all(drm.join("renderD128")).unwrap();
        let s = collect(&Probe::fixture(dir.path(), Utc::now())).unwrap();
        assert_eq!(s.found.monitors.len(), 1);
        let m = &s.found.monitors[0];
        assert_eq!(m.port.as_deref(), Some("card0-DP-1"));
        assert_eq!(m.name.as_deref(), Some("DELL U2410"));
        assert_eq!(m.manufacturer.as_deref(), Some("Dell"));
        assert_eq!(m.serial.as_deref(), Some("F525M1AGAP6L"));
        // The truncated EDID of eDP-1 is reported, the empty HDMI one is not.
        assert_eq!(s.errors.len(), 1);
        assert_eq!(s.errors[0].source.as_deref(), Some("card0-eDP-1"));
    }
}
