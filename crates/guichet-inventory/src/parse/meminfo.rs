//! Parser of Linux `/proc/meminfo` (`Key:   12345 kB` lines) into the memory totals of a
//! [`Memory`] record, in bytes. Modules and slots come from dmidecode, not from here.

use crate::model::Memory;

/// Value of `key` in bytes (the kernel's `kB` are KiB).
fn field(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        if k.trim() != key {
            return None;
        }
        let mut it = v.split_whitespace();
        let n: u64 = it.next()?.parse().ok()?;
        Some(match it.next() {
            Some(u) if u.eq_ignore_ascii_case("kb") => n.saturating_mul(1024),
            _ => n,
        })
    })
}

/// Parses `/proc/meminfo`; `None` when `MemTotal` is missing (not a meminfo file).
/// `MemAvailable` (kernels ≥ 3.14) is `None` on older kernels rather than an estimate.
pub fn parse(text: &str) -> Option<Memory> {
    Some(Memory {
        total_bytes: field(text, "MemTotal")?,
        available_bytes: field(text, "MemAvailable"),
        swap_total_bytes: field(text, "SwapTotal").unwrap_or(0),
        swap_free_bytes: field(text, "SwapFree"),
        slots: None,
        modules: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../tests/fixtures/meminfo/debian12-vm");

    #[test]
    fn recorded_debian_12() {
        let m = parse(FIXTURE).expect("meminfo");
        assert_eq!(m.total_bytes, 24_684_084 * 1024);
        assert_eq!(m.available_bytes, Some(24_152_344 * 1024));
        assert_eq!(m.swap_total_bytes, 0);
        assert_eq!(m.swap_free_bytes, Some(0));
        assert!(m.modules.is_empty());
    }

    #[test]
    fn old_kernel_without_memavailable() {
        let m =
            parse("MemTotal:  1024 kB\nMemFree: 512 kB\nSwapTotal: 2048 kB\nSwapFree: 2000 kB\n")
                .expect("meminfo");
        assert_eq!(m.total_bytes, 1_048_576);
        assert_eq!(m.available_bytes, None);
        assert_eq!(m.swap_total_bytes, 2_097_152);
        assert_eq!(m.swap_free_bytes, Some(2_048_000));
        assert_eq!(parse("garbage"), None);
    }
}
