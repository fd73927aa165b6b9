//! The site's machines as GLPI inventory files, one per machine, for a GLPI that the site
//! cannot reach (imported there by hand or by GLPI's inventory upload).

use std::path::{Path, PathBuf};

use guichet_inventory::GlpiOptions;
use guichet_store::{MachineFilter, SiteMachine, Store};

use crate::CoreError;

/// The device id a machine is exported under: its agent's, else one in GLPI Agent's shape
/// from its host name and first sighting (stable across exports).
pub fn site_export_deviceid(m: &SiteMachine) -> String {
    m.deviceid.clone().unwrap_or_else(|| {
        format!(
            "{}-{}",
            m.hostname.replace(char::is_whitespace, "-"),
            m.first_seen.format("%Y-%m-%d-%H-%M-%S")
        )
    })
}

/// A file-system-safe name for a machine's GLPI file: `<hostname>-<id>.json`.
pub fn site_glpi_file_name(m: &SiteMachine) -> String {
    let host: String = m
        .hostname
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}-{}.json", host.trim_start_matches('.'), m.id)
}

/// Writes one GLPI JSON file per machine of the register into `dir` (created if needed), each
/// replaced atomically; the files written, in the register's order.
pub async fn export_site_glpi(store: &Store, dir: &Path) -> Result<Vec<PathBuf>, CoreError> {
    std::fs::create_dir_all(dir).map_err(CoreError::io("creating", dir))?;
    let mut written = Vec::new();
    for m in store.site_machines(&MachineFilter::default()).await? {
        let (_, inv) = store.site_latest_inventory(m.id).await?;
        let options = GlpiOptions {
            deviceid: site_export_deviceid(&m),
        };
        let doc = guichet_inventory::to_glpi(&inv, &options);
        let mut bytes = serde_json::to_vec_pretty(&doc).expect("a JSON value always encodes");
        bytes.push(b'\n');
        let path = dir.join(site_glpi_file_name(&m));
        write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// Writes `bytes` to a temporary file beside `path`, syncs it and renames it over `path`, so a
/// reader never sees half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CoreError> {
    use std::io::Write as _;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        CoreError::io("writing", path)(e)
    })
}
