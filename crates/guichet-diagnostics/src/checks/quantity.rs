//! Measured values written the same way in every finding: sizes in binary units, shares in
//! percent with a space before the sign (neither language's own spelling: the sentence is the
//! translated part).

/// `41.0 GiB`, `512 MiB`, `12 KiB`, `300 B`.
pub(crate) fn bytes(n: u64) -> String {
    const KIB: f64 = 1024.0;
    #[allow(clippy::cast_precision_loss)] // a display, to one decimal
    let x = n as f64;
    if x >= KIB * KIB * KIB {
        format!("{:.1} GiB", x / (KIB * KIB * KIB))
    } else if x >= KIB * KIB {
        format!("{:.0} MiB", x / (KIB * KIB))
    } else if x >= KIB {
        format!("{:.0} KiB", x / KIB)
    } else {
        format!("{n} B")
    }
}

/// `part` of `whole` in percent (0 when `whole` is 0).
pub(crate) fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    #[allow(clippy::cast_precision_loss)] // a ratio
    let p = part as f64 * 100.0 / whole as f64;
    p
}

/// `16 %`, or `4.6 %` under 10 so that a share just under a threshold never reads as on it.
pub(crate) fn share(p: f64) -> String {
    if p < 10.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.0} %")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_shares_read_as_expected() {
        assert_eq!(bytes(37_067_780_096), "34.5 GiB");
        assert_eq!(bytes(585_728), "572 KiB");
        assert_eq!(bytes(8 << 20), "8 MiB");
        assert_eq!(bytes(300), "300 B");
        assert_eq!(share(percent(585_728, 8_388_608)), "7.0 %");
        assert_eq!(share(percent(1, 3)), "33 %");
        assert_eq!(percent(1, 0), 0.0);
    }
}
