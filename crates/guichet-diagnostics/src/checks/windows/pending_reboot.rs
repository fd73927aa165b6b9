//! Whether Windows waits for a restart, from three registry places readable by users (what
//! Windows Update and the servicing stack write, and what `Get-PendingReboot`-style scripts
//! read): the `RebootPending` key of Component Based Servicing, the `RebootRequired` key of
//! Windows Update, and the `PendingFileRenameOperations` value of the Session Manager (files an
//! installer replaces at the next start). Each is asked with `reg query` (tens of
//! milliseconds; its output is not translated, only its error messages, which are not read):
//! success means the key or value exists.
//!
//! Windows records no time for these, so the check warns but never tells how long it has been.

use guichet_inventory::parse::reboot::RebootRequired;

/// One `reg query` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// The key or value exists; its output.
    Present(String),
    /// `reg` said no (the key does not exist, or may not be read: the message does not say).
    Absent,
    /// `reg` did not answer (not installed, too slow).
    Unreadable,
}

/// The files `reg query … /v PendingFileRenameOperations` lists: a `REG_MULTI_SZ` printed with
/// `\0` between strings, source and destination in pairs (an empty destination deletes).
fn pending_renames(output: &str) -> Vec<String> {
    output
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            (f.next()? == "PendingFileRenameOperations" && f.next()? == "REG_MULTI_SZ")
                .then(|| f.collect::<Vec<_>>().join(" "))
        })
        .flat_map(|data| {
            data.split("\\0")
                .map(|s| s.trim().trim_start_matches("\\??\\").to_string())
                .collect::<Vec<_>>()
        })
        .step_by(2)
        .filter(|s| !s.is_empty())
        .collect()
}

/// What the three answers say: `None` when none could be read.
pub(crate) fn reboot_required(
    servicing: &Answer,
    windows_update: &Answer,
    session_manager: &Answer,
) -> Option<RebootRequired> {
    let all = [servicing, windows_update, session_manager];
    if all.iter().all(|a| **a == Answer::Unreadable) {
        return None;
    }
    let mut because = Vec::new();
    if matches!(windows_update, Answer::Present(_)) {
        because.push("Windows Update".to_string());
    }
    if matches!(servicing, Answer::Present(_)) {
        because.push("Windows component servicing".to_string());
    }
    if let Answer::Present(out) = session_manager {
        let files = pending_renames(out);
        if !files.is_empty() {
            let n = files.len();
            let noun = if n == 1 { "file" } else { "files" };
            because.push(format!("{n} {noun} to replace at restart"));
        }
    }
    Some(RebootRequired {
        required: !because.is_empty(),
        because,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::reboot::{evaluate, Readings};
    use guichet_records::CheckStatus;

    fn fixture(name: &str) -> Answer {
        Answer::Present(crate::checks::recorded::fixture(&format!("windows/{name}")))
    }

    #[test]
    fn windows_update_waiting_for_a_restart_warns() {
        let r = reboot_required(
            &Answer::Absent,
            &fixture("reg-query-RebootRequired.txt"),
            &Answer::Absent,
        );
        let readings = Readings {
            reboot: r,
            since: None,
        };
        let f = &evaluate(&readings, chrono::Utc::now())[0];
        assert_eq!(f.status, CheckStatus::Warning);
        assert_eq!(f.measured.as_ref().unwrap().en, "required (Windows Update)");
    }

    #[test]
    fn files_to_replace_at_restart_count_in_pairs() {
        let out = fixture("reg-query-PendingFileRenameOperations.txt");
        let Answer::Present(text) = &out else {
            unreachable!()
        };
        assert_eq!(
            pending_renames(text),
            [
                "C:\\Program Files\\Contoso\\Agent\\agent.dll.pending",
                "C:\\Windows\\Temp\\contoso-setup.tmp"
            ]
        );
        let r = reboot_required(&Answer::Absent, &Answer::Absent, &out).unwrap();
        assert_eq!(r.because, ["2 files to replace at restart"]);
        let r = reboot_required(
            &fixture("reg-query-RebootPending.txt"),
            &Answer::Absent,
            &out,
        );
        assert_eq!(r.unwrap().because.len(), 2);
    }

    #[test]
    fn a_french_windows_path_in_its_oem_code_page_still_counts() {
        // `reg` writes in the console's OEM code page (850 on a French Windows): « é » is one
        // byte, 0x82, which the probe's lossy UTF-8 reading replaces; the count is unchanged.
        let mut bytes = b"\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\r\n    PendingFileRenameOperations    REG_MULTI_SZ    \\??\\C:\\Users\\Fr".to_vec();
        bytes.push(0x82);
        bytes.extend_from_slice(b"d\\AppData\\Local\\Temp\\mise-a-jour.tmp\\0\\0\r\n");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let r = reboot_required(&Answer::Absent, &Answer::Absent, &Answer::Present(text)).unwrap();
        assert_eq!(r.because, ["1 file to replace at restart"]);
    }

    #[test]
    fn nothing_pending_is_ok_and_nothing_readable_is_unknown() {
        let none = reboot_required(&Answer::Absent, &Answer::Absent, &Answer::Absent);
        assert_eq!(none.as_ref().map(|r| r.required), Some(false));
        let now = chrono::Utc::now();
        let ok = Readings {
            reboot: none,
            since: None,
        };
        assert_eq!(evaluate(&ok, now)[0].status, CheckStatus::Ok);
        let u = Answer::Unreadable;
        assert_eq!(reboot_required(&u, &u, &u), None);
        // An empty value (present, nothing listed) asks for nothing.
        let empty = Answer::Present(
            "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\r\n    PendingFileRenameOperations    REG_MULTI_SZ    \r\n".into(),
        );
        let r = reboot_required(&Answer::Absent, &Answer::Absent, &empty).unwrap();
        assert!(!r.required);
    }
}
