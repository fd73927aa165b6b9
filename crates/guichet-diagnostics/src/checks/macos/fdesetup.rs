//! FileVault, from `fdesetup status` (readable without root; English whatever the user's
//! language): `FileVault is On.`, `FileVault is Off.`, `FileVault is Off, but will be enabled
//! after the next restart.`, or a line telling an encryption or decryption in progress
//! (`Encryption in progress: Percent completed = 42.5`). FileVault covers the whole data
//! volume (the users' files and the system's writable data), shown as `/`.

/// Whether the data volume counts as encrypted: on or encrypting yes; off, decrypting or
/// waiting for a restart no; `None` when the output says none of these.
pub(crate) fn filevault(output: &str) -> Option<bool> {
    if output.contains("Decryption in progress") {
        return Some(false);
    }
    if output.contains("Encryption in progress") || output.contains("FileVault is On") {
        return Some(true);
    }
    output.contains("FileVault is Off").then_some(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::encryption::{evaluate, Readings};
    use guichet_records::CheckStatus;

    fn fixture(name: &str) -> String {
        crate::checks::recorded::fixture(&format!("macos/{name}"))
    }

    fn laptop(on: Option<bool>) -> Readings {
        Readings {
            chassis: Some("Laptop".into()),
            volumes: on.map(|on| vec![("/".to_string(), on)]),
        }
    }

    #[test]
    fn on_off_deferred_and_in_progress() {
        let on = filevault(&fixture("fdesetup-on.txt"));
        assert_eq!(on, Some(true));
        let f = &evaluate(&laptop(on))[0];
        assert_eq!(f.status, CheckStatus::Ok);
        assert_eq!(f.measured.as_ref().unwrap().en, "Laptop; encrypted: /");
        let off = filevault(&fixture("fdesetup-off.txt"));
        assert_eq!(evaluate(&laptop(off))[0].status, CheckStatus::Warning);
        let deferred = filevault(&fixture("fdesetup-deferred.txt"));
        assert_eq!(deferred, Some(false));
        let encrypting = "FileVault is Off.\nEncryption in progress: Percent completed = 42.5\n";
        assert_eq!(filevault(encrypting), Some(true));
        let decrypting = "FileVault is On.\nDecryption in progress: Percent completed = 10.0\n";
        assert_eq!(filevault(decrypting), Some(false));
        assert_eq!(filevault(""), None);
        assert_eq!(evaluate(&laptop(None))[0].status, CheckStatus::Unknown);
    }
}
