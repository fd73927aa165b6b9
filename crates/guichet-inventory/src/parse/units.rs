//! Size strings with decimal (SI) units, as GLib's `g_format_size` and snapd print them.

/// Bytes from "479,7 MB", "252,0\u{a0}MB" (French locale), "1.6 GB", "273MB", "512 bytes".
/// Units are powers of 1000: these tools print SI units, not binary ones.
pub fn decimal_size(s: &str) -> Option<u64> {
    let s = s.replace('\u{a0}', " ");
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))?;
    let (num, unit) = s.split_at(split);
    let num: f64 = num.replace(',', ".").parse().ok()?;
    let mult = match unit.trim() {
        "bytes" | "byte" | "B" => 1.0,
        "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "TB" => 1e12,
        _ => return None,
    };
    Some((num * mult).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::decimal_size;

    #[test]
    fn french_and_english_layouts() {
        assert_eq!(decimal_size("479,7 MB"), Some(479_700_000));
        assert_eq!(decimal_size("252,0\u{a0}MB"), Some(252_000_000));
        assert_eq!(decimal_size("273MB"), Some(273_000_000));
        assert_eq!(decimal_size("512 bytes"), Some(512));
        assert_eq!(decimal_size("12 parsecs"), None);
    }
}
