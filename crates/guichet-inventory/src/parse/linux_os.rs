//! Parsers of the small Linux files the `os` category reads besides os-release: the boot
//! time in `/proc/stat`, the FQDN in `/etc/hosts`, the time zone name from `/etc/timezone` or
//! the `/etc/localtime` link target, and the UTC offset from a compiled TZif zone file.
//! The FQDN is taken from files only: a DNS query could hang the whole inventory.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};

/// Boot time from `/proc/stat` (`btime <seconds since the epoch>`).
pub fn boot_time(proc_stat: &str) -> Option<DateTime<Utc>> {
    proc_stat
        .lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse::<i64>().ok())
        .and_then(|secs| Utc.timestamp_opt(secs, 0).single())
}

/// The fully qualified name of `hostname` according to `/etc/hosts`: the first name on a
/// line that lists `hostname` (or its `hostname.` prefix) and contains a dot. Loopback-only
/// aliases like `localhost.localdomain` are ignored.
pub fn fqdn_from_hosts(hosts: &str, hostname: &str) -> Option<String> {
    let short = hostname.split('.').next().unwrap_or(hostname);
    if short.is_empty() {
        return None;
    }
    for line in hosts.lines() {
        let line = line.split('#').next().unwrap_or_default();
        let mut fields = line.split_whitespace();
        if fields.next().is_none() {
            continue;
        }
        let names: Vec<&str> = fields.collect();
        let matches = names.iter().any(|n| {
            n.eq_ignore_ascii_case(hostname)
                || n.eq_ignore_ascii_case(short)
                || n.split('.')
                    .next()
                    .is_some_and(|h| h.eq_ignore_ascii_case(short) && n.contains('.'))
        });
        if !matches {
            continue;
        }
        if let Some(f) = names.iter().find(|n| {
            n.contains('.')
                && n.split('.')
                    .next()
                    .is_some_and(|h| h.eq_ignore_ascii_case(short))
                && !n.to_ascii_lowercase().starts_with("localhost")
        }) {
            return Some(f.trim_end_matches('.').to_string());
        }
    }
    None
}

/// The DNS domain of an FQDN (`pc1.corp.example` → `corp.example`).
pub fn domain_of(fqdn: &str) -> Option<String> {
    fqdn.split_once('.')
        .map(|(_, d)| d.trim_end_matches('.').to_string())
        .filter(|d| !d.is_empty())
}

/// `/proc/sys/kernel/domainname` (the NIS domain) when set: `(none)` means unset.
pub fn nis_domain(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty() && t != "(none)").then(|| t.to_string())
}

/// The IANA zone name from `/etc/timezone` content (Debian) — first non-comment line.
pub fn timezone_file(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
}

/// The IANA zone name from the target of the `/etc/localtime` link:
/// `../usr/share/zoneinfo/Europe/Paris` → `Europe/Paris` (also `posix/` and `right/` trees).
pub fn timezone_from_link(target: &str) -> Option<String> {
    let i = target.find("zoneinfo/")?;
    let mut zone = &target[i + "zoneinfo/".len()..];
    for prefix in ["posix/", "right/"] {
        zone = zone.strip_prefix(prefix).unwrap_or(zone);
    }
    (!zone.is_empty()).then(|| zone.to_string())
}

/// Formats an offset in seconds as `+0100` / `-0430`.
pub fn format_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    format!("{sign}{:02}{:02}", a / 3600, (a % 3600) / 60)
}

/// UTC offset in seconds in force at `now` according to a compiled TZif file
/// (`/etc/localtime`), using the 64-bit data of version 2+ files and the POSIX TZ footer for
/// instants after the last transition. `None` when the bytes are not a TZif file.
pub fn tzif_offset(data: &[u8], now: DateTime<Utc>) -> Option<i32> {
    let v1 = TzifBlock::parse(data, 4)?;
    let (block, footer) = if data.get(4).copied().unwrap_or(0) >= b'2' {
        let rest = data.get(v1.len..)?;
        let v2 = TzifBlock::parse(rest, 8)?;
        let footer = rest.get(v2.len..).and_then(|f| {
            let s = std::str::from_utf8(f).ok()?;
            let s = s.trim_matches('\n');
            (!s.is_empty()).then(|| s.to_string())
        });
        (v2, footer)
    } else {
        (v1, None)
    };
    let t = now.timestamp();
    let idx = block.times.iter().rposition(|tt| *tt <= t);
    if let (Some(i), true) = (idx, idx == Some(block.times.len().wrapping_sub(1))) {
        // After the last transition: the footer rule, when there is one, is authoritative.
        if let Some(off) = footer.as_deref().and_then(|f| posix_tz_offset(f, now)) {
            return Some(off);
        }
        return block.types.get(*block.indices.get(i)? as usize).copied();
    }
    match idx {
        Some(i) => block.types.get(*block.indices.get(i)? as usize).copied(),
        None => {
            if block.times.is_empty() {
                if let Some(off) = footer.as_deref().and_then(|f| posix_tz_offset(f, now)) {
                    return Some(off);
                }
            }
            block.types.first().copied()
        }
    }
}

/// One data block of a TZif file: transitions, their type indices and the type offsets.
struct TzifBlock {
    times: Vec<i64>,
    indices: Vec<u8>,
    types: Vec<i32>,
    len: usize,
}

impl TzifBlock {
    fn parse(d: &[u8], time_size: usize) -> Option<TzifBlock> {
        if d.get(..4)? != b"TZif" {
            return None;
        }
        let count = |i: usize| -> Option<usize> {
            let b = d.get(20 + 4 * i..24 + 4 * i)?;
            Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        };
        let (isut, isstd, leap, timecnt, typecnt, charcnt) = (
            count(0)?,
            count(1)?,
            count(2)?,
            count(3)?,
            count(4)?,
            count(5)?,
        );
        let mut p = 44;
        let mut times = Vec::with_capacity(timecnt);
        for _ in 0..timecnt {
            let b = d.get(p..p + time_size)?;
            times.push(if time_size == 8 {
                i64::from_be_bytes(b.try_into().ok()?)
            } else {
                i32::from_be_bytes(b.try_into().ok()?) as i64
            });
            p += time_size;
        }
        let indices = d.get(p..p + timecnt)?.to_vec();
        p += timecnt;
        let mut types = Vec::with_capacity(typecnt);
        for _ in 0..typecnt {
            let b = d.get(p..p + 6)?;
            types.push(i32::from_be_bytes([b[0], b[1], b[2], b[3]]));
            p += 6;
        }
        p += charcnt + leap * (time_size + 4) + isstd + isut;
        (p <= d.len()).then_some(TzifBlock {
            times,
            indices,
            types,
            len: p,
        })
    }
}

/// Offset (seconds east of UTC) in force at `now` for a POSIX TZ string such as
/// `CET-1CEST,M3.5.0,M10.5.0/3` or `<+0330>-3:30`. Only the `Mm.w.d` rule form (used by
/// every zone in the tz database footers) is evaluated; others give `None`.
fn posix_tz_offset(tz: &str, now: DateTime<Utc>) -> Option<i32> {
    let mut s = tz;
    skip_name(&mut s)?;
    let std_off = -parse_hms(&mut s)?;
    if s.is_empty() {
        return Some(std_off);
    }
    skip_name(&mut s)?;
    let dst_off = if s.starts_with(',') {
        std_off + 3600
    } else {
        -parse_hms(&mut s)?
    };
    let rules = s.strip_prefix(',')?;
    let (start, end) = rules.split_once(',')?;
    let year = now.year();
    let start_utc = rule_instant(start, year)? - std_off as i64;
    let end_utc = rule_instant(end, year)? - dst_off as i64;
    let t = now.timestamp();
    let in_dst = if start_utc < end_utc {
        t >= start_utc && t < end_utc
    } else {
        t >= start_utc || t < end_utc
    };
    Some(if in_dst { dst_off } else { std_off })
}

fn skip_name(s: &mut &str) -> Option<()> {
    if let Some(rest) = s.strip_prefix('<') {
        let end = rest.find('>')?;
        *s = &rest[end + 1..];
    } else {
        let end = s
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(s.len());
        if end < 3 {
            return None;
        }
        *s = &s[end..];
    }
    Some(())
}

/// `[+-]hh[:mm[:ss]]` → seconds (sign as written).
fn parse_hms(s: &mut &str) -> Option<i32> {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (num, rest) = s.split_at(end);
    *s = rest;
    let (sign, num) = match num.strip_prefix('-') {
        Some(n) => (-1, n),
        None => (1, num.strip_prefix('+').unwrap_or(num)),
    };
    let mut parts = num.split(':');
    let h: i32 = parts.next()?.parse().ok()?;
    let m: i32 = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    let sec: i32 = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    Some(sign * (h * 3600 + m * 60 + sec))
}

/// `Mm.w.d[/time]` in `year` → local seconds since the epoch (wall clock, as if UTC).
fn rule_instant(rule: &str, year: i32) -> Option<i64> {
    let (date, time) = match rule.split_once('/') {
        Some((d, t)) => (d, t),
        None => (rule, "2"),
    };
    let mut parts = date.strip_prefix('M')?.split('.');
    let month: u32 = parts.next()?.parse().ok()?;
    let week: u32 = parts.next()?.parse().ok()?;
    let wday: u32 = parts.next()?.parse().ok()?;
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let first_wday = first.weekday().num_days_from_sunday();
    let mut day = 1 + (7 + wday - first_wday) % 7 + 7 * (week.saturating_sub(1));
    let days_in_month = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    }
    .signed_duration_since(first)
    .num_days() as u32;
    while day > days_in_month {
        day -= 7;
    }
    let mut t = time;
    let secs = parse_hms(&mut t)?;
    let midnight = NaiveDate::from_ymd_opt(year, month, day)?
        .and_hms_opt(0, 0, 0)?
        .and_utc()
        .timestamp();
    Some(midnight + secs as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn btime() {
        let stat = "cpu  1 2 3\nintr 5\nctxt 99\nbtime 1700000000\nprocesses 12\n";
        assert_eq!(boot_time(stat), Some(at("2023-11-14T22:13:20Z")));
        assert_eq!(boot_time("cpu 1\n"), None);
    }

    #[test]
    fn fqdn_from_debian_style_hosts() {
        let hosts = "127.0.0.1\tlocalhost\n127.0.1.1\tpc1.corp.example\tpc1\n\n\
                     # The following lines are desirable for IPv6\n::1 localhost ip6-localhost\n";
        assert_eq!(
            fqdn_from_hosts(hosts, "pc1").as_deref(),
            Some("pc1.corp.example")
        );
        assert_eq!(
            domain_of("pc1.corp.example").as_deref(),
            Some("corp.example")
        );
        assert_eq!(fqdn_from_hosts(hosts, "other"), None);
        // A localhost.localdomain alias on the host's line is not its FQDN.
        assert_eq!(
            fqdn_from_hosts("127.0.0.1 localhost.localdomain localhost vm\n", "vm"),
            None
        );
        assert_eq!(nis_domain("(none)\n"), None);
    }

    #[test]
    fn timezone_names() {
        assert_eq!(
            timezone_from_link("/usr/share/zoneinfo/Europe/Paris").as_deref(),
            Some("Europe/Paris")
        );
        assert_eq!(
            timezone_from_link("../usr/share/zoneinfo/posix/America/New_York").as_deref(),
            Some("America/New_York")
        );
        assert_eq!(timezone_from_link("/etc/whatever"), None);
        assert_eq!(timezone_file("Etc/UTC\n").as_deref(), Some("Etc/UTC"));
        assert_eq!(format_offset(3600), "+0100");
        assert_eq!(format_offset(-16200), "-0430");
        assert_eq!(format_offset(0), "+0000");
    }

    #[test]
    fn posix_footer_rules() {
        let paris = "CET-1CEST,M3.5.0,M10.5.0/3";
        assert_eq!(
            posix_tz_offset(paris, at("2026-01-15T12:00:00Z")),
            Some(3600)
        );
        assert_eq!(
            posix_tz_offset(paris, at("2026-07-15T12:00:00Z")),
            Some(7200)
        );
        // 2026-03-29 01:00 UTC is the switch instant in Europe.
        assert_eq!(
            posix_tz_offset(paris, at("2026-03-29T00:59:59Z")),
            Some(3600)
        );
        assert_eq!(
            posix_tz_offset(paris, at("2026-03-29T01:00:00Z")),
            Some(7200)
        );
        let ny = "EST5EDT,M3.2.0,M11.1.0";
        assert_eq!(
            posix_tz_offset(ny, at("2026-12-01T12:00:00Z")),
            Some(-18000)
        );
        assert_eq!(
            posix_tz_offset(ny, at("2026-06-01T12:00:00Z")),
            Some(-14400)
        );
        assert_eq!(
            posix_tz_offset("<+0330>-3:30", at("2026-06-01T12:00:00Z")),
            Some(12600)
        );
        assert_eq!(posix_tz_offset("UTC0", at("2026-06-01T12:00:00Z")), Some(0));
    }

    /// Checks the TZif reader against the zone files of this host (tzdata is installed on
    /// every Debian system); skipped silently where they are absent.
    #[test]
    fn tzif_files_of_this_host() {
        let read = |z: &str| std::fs::read(format!("/usr/share/zoneinfo/{z}")).ok();
        if let Some(paris) = read("Europe/Paris") {
            assert_eq!(tzif_offset(&paris, at("2026-01-15T12:00:00Z")), Some(3600));
            assert_eq!(tzif_offset(&paris, at("2026-07-15T12:00:00Z")), Some(7200));
            // Far past the fat file's last transition (2037): the footer rule applies.
            assert_eq!(tzif_offset(&paris, at("2050-07-15T12:00:00Z")), Some(7200));
            assert_eq!(tzif_offset(&paris, at("1900-01-01T00:00:00Z")), Some(561));
        }
        if let Some(utc) = read("Etc/UTC") {
            assert_eq!(tzif_offset(&utc, at("2026-07-15T12:00:00Z")), Some(0));
        }
        if let Some(kolkata) = read("Asia/Kolkata") {
            assert_eq!(
                tzif_offset(&kolkata, at("2026-07-15T12:00:00Z")),
                Some(19800)
            );
        }
        assert_eq!(tzif_offset(b"not a zone file", Utc::now()), None);
    }
}
