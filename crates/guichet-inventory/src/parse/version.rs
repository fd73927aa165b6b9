//! Debian-style version comparison (`dpkg --compare-versions` semantics).
//!
//! Used by the inventory diff to tell an upgrade from a downgrade. The algorithm also orders
//! rpm, pacman and Windows dotted versions sensibly, since it compares digit runs numerically
//! and the rest character by character.
//!
//! A version is `[epoch:]upstream[-revision]`: the epoch is compared numerically first, then the
//! upstream part, then the revision (split at the LAST hyphen). Within a part, non-digit runs are
//! compared with letters sorting before non-letters and `~` before everything, even the end of
//! the string (so `1.0~rc1` < `1.0`); digit runs are compared as numbers of any length.

use std::cmp::Ordering;

/// Compares two version strings the way dpkg does. Surrounding white space is ignored.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let (ea, ua, ra) = split(a.trim());
    let (eb, ub, rb) = split(b.trim());
    compare_numbers(ea, eb)
        .then_with(|| compare_part(ua, ub))
        .then_with(|| compare_part(ra, rb))
}

/// Splits into (epoch digits, upstream, revision). A missing or non-numeric epoch counts as 0.
fn split(v: &str) -> (&str, &str, &str) {
    let (epoch, rest) = match v.split_once(':') {
        Some((e, rest)) if e.bytes().all(|b| b.is_ascii_digit()) => (e, rest),
        _ => ("0", v),
    };
    match rest.rsplit_once('-') {
        Some((upstream, revision)) => (epoch, upstream, revision),
        None => (epoch, rest, ""),
    }
}

/// Weight of a non-digit character: `~` lowest, then the end of the run, then letters, then the
/// rest (in byte order).
fn weight(c: Option<u8>) -> i32 {
    match c {
        Some(b'~') => -1,
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// Compares two runs of ASCII digits as numbers of unbounded size.
fn compare_numbers(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// dpkg's `verrevcmp`.
fn compare_part(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    while !a.is_empty() || !b.is_empty() {
        // Non-digit prefixes, character by character.
        loop {
            let ca = a.first().copied().filter(|c| !c.is_ascii_digit());
            let cb = b.first().copied().filter(|c| !c.is_ascii_digit());
            if ca.is_none() && cb.is_none() {
                break;
            }
            let order = weight(ca).cmp(&weight(cb));
            if order != Ordering::Equal {
                return order;
            }
            a = &a[1..];
            b = &b[1..];
        }
        // Digit runs, numerically.
        let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
        let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
        // Both runs are ASCII digits, hence valid UTF-8.
        let na = std::str::from_utf8(&a[..da]).unwrap_or("");
        let nb = std::str::from_utf8(&b[..db]).unwrap_or("");
        let order = compare_numbers(na, nb);
        if order != Ordering::Equal {
            return order;
        }
        a = &a[da..];
        b = &b[db..];
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::compare_versions as cmp;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn tilde_sorts_before_everything_debian_policy_5_6_12() {
        // Policy's own example: ~~, ~~a, ~, the empty part, a.
        let ordered = ["1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a"];
        for w in ordered.windows(2) {
            assert_eq!(cmp(w[0], w[1]), Less, "{} < {}", w[0], w[1]);
            assert_eq!(cmp(w[1], w[0]), Greater, "{} > {}", w[1], w[0]);
        }
        assert_eq!(cmp("1.0~rc1", "1.0"), Less);
        assert_eq!(cmp("1.0~rc1-1", "1.0-1"), Less);
    }

    #[test]
    fn epoch_wins_over_everything() {
        assert_eq!(cmp("1:0.1", "2.0"), Greater);
        assert_eq!(cmp("0:2.0", "2.0"), Equal);
        assert_eq!(cmp("2:1.0", "10:0.1"), Less);
    }

    #[test]
    fn revision_split_at_last_hyphen_and_compared_last() {
        assert_eq!(cmp("1.0-1", "1.0-2"), Less);
        assert_eq!(cmp("1.0-10", "1.0-9"), Greater);
        assert_eq!(cmp("1.2-3-4", "1.2-3-5"), Less);
        assert_eq!(cmp("2.0-1", "1.9-99"), Greater);
        // A missing revision is an empty one, which sorts before any revision.
        assert_eq!(cmp("1.0", "1.0-0"), Equal);
        assert_eq!(cmp("1.0", "1.0-1"), Less);
    }

    #[test]
    fn digits_numerically_letters_before_symbols() {
        assert_eq!(cmp("1.10", "1.9"), Greater);
        assert_eq!(cmp("1.002", "1.2"), Equal);
        assert_eq!(cmp("1.0a", "1.0+"), Less);
        assert_eq!(cmp("1.0+dfsg", "1.0"), Greater);
        assert_eq!(cmp("2.36.1-8+deb11u1", "2.36.1-8"), Greater);
        assert_eq!(cmp("6.1.0-18-amd64", "6.1.0-21-amd64"), Less);
        // Numbers longer than any integer type.
        assert_eq!(cmp("1.123456789012345678901234567890", "1.99"), Greater);
    }

    #[test]
    fn other_ecosystems_order_sensibly() {
        assert_eq!(cmp("10.0.19045", "10.0.22631"), Less);
        assert_eq!(cmp("115.6.0esr-1~deb12u1", "115.7.0esr-1~deb12u1"), Less);
        assert_eq!(cmp("3.32.1-1.fc31", "3.32.1-2.fc31"), Less);
        assert_eq!(cmp(" 1.0 ", "1.0"), Equal);
        assert_eq!(cmp("", ""), Equal);
        assert_eq!(cmp("", "0"), Equal);
        assert_eq!(cmp("é1", "é2"), Less);
    }
}
