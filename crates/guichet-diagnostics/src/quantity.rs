//! Measured values and thresholds, worded in both languages the app speaks, numbers and units
//! spelled the way each writes them: French with a decimal comma, a space before `%`, binary
//! units in octets (`34,5 Gio`, `572 Kio`), `jours`; English with a decimal point, `%` close to
//! the number, `GiB`/`KiB`, `days`. Every check words its values through [`worded!`] and the
//! quantities here, so a unit is spelled in one place.
//!
//! Names, addresses and messages from other programs read the same in both languages: plain
//! strings and integers are passed through as they are. A decimal number has no spelling of
//! its own (it would keep its point in French), so passing one bare does not compile: it goes
//! through [`Decimal`], [`Share`] or another quantity. Values go in as arguments, never as
//! names captured in the format string (`{days}`), which would skip the spelling.

use guichet_records::Sentence;

/// The language a value is spelled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Fr,
    En,
}

/// A value that [`worded!`] spells for each language.
pub(crate) trait Spelled {
    /// The value as `lang` writes it.
    fn spelled(&self, lang: Lang) -> String;
}

/// A [`Sentence`] from a French and an English format string taking the same arguments, each
/// spelled for its language ([`Spelled`]). The arguments are evaluated once per language: pass
/// values, not calls with effects. Positional `{0}`/`{1}` let the two word orders differ.
macro_rules! worded {
    ($fr:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        guichet_records::Sentence::new(
            format!($fr $(, $crate::quantity::Spelled::spelled(&$arg, $crate::quantity::Lang::Fr))*),
            format!($en $(, $crate::quantity::Spelled::spelled(&$arg, $crate::quantity::Lang::En))*),
        )
    };
}
pub(crate) use worded;

impl Spelled for Sentence {
    fn spelled(&self, lang: Lang) -> String {
        match lang {
            Lang::Fr => self.fr.clone(),
            Lang::En => self.en.clone(),
        }
    }
}

impl Spelled for str {
    fn spelled(&self, _: Lang) -> String {
        self.to_string()
    }
}

impl Spelled for String {
    fn spelled(&self, _: Lang) -> String {
        self.clone()
    }
}

impl<T: Spelled + ?Sized> Spelled for &T {
    fn spelled(&self, lang: Lang) -> String {
        (**self).spelled(lang)
    }
}

/// Integers read the same in both languages (counts, milliseconds, HTTP statuses); large
/// counts that need grouping go through [`Count`].
macro_rules! same_in_both {
    ($($t:ty),*) => {$(
        impl Spelled for $t {
            fn spelled(&self, _: Lang) -> String {
                self.to_string()
            }
        }
    )*};
}
same_in_both!(u16, u32, u64, u128, usize, i64);

/// A decimal number with a fixed number of places: `0,42` / `0.42`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decimal(pub f64, pub usize);

impl Spelled for Decimal {
    fn spelled(&self, lang: Lang) -> String {
        let s = format!("{:.*}", self.1, self.0);
        match lang {
            Lang::Fr => s.replace('.', ","),
            Lang::En => s,
        }
    }
}

/// A size in binary units: `34,5 Gio` / `34.5 GiB`, `512 Mio` / `512 MiB`, `300 o` / `300 B`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bytes(pub u64);

impl Spelled for Bytes {
    fn spelled(&self, lang: Lang) -> String {
        const KIB: f64 = 1024.0;
        let (g, m, k, b) = match lang {
            Lang::Fr => ("Gio", "Mio", "Kio", "o"),
            Lang::En => ("GiB", "MiB", "KiB", "B"),
        };
        #[allow(clippy::cast_precision_loss)] // a display, to one decimal
        let x = self.0 as f64;
        if x >= KIB * KIB * KIB {
            format!("{} {g}", Decimal(x / (KIB * KIB * KIB), 1).spelled(lang))
        } else if x >= KIB * KIB {
            format!("{:.0} {m}", x / (KIB * KIB))
        } else if x >= KIB {
            format!("{:.0} {k}", x / KIB)
        } else {
            format!("{} {b}", self.0)
        }
    }
}

/// A share in percent: `16 %` / `16%`, with one decimal under 10 (`4,6 %` / `4.6%`) so that a
/// share just under a threshold never reads as on it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Share(pub f64);

impl Spelled for Share {
    fn spelled(&self, lang: Lang) -> String {
        let places = if self.0 < 10.0 { 1 } else { 0 };
        let n = Decimal(self.0, places).spelled(lang);
        match lang {
            Lang::Fr => format!("{n} %"),
            Lang::En => format!("{n}%"),
        }
    }
}

/// A whole percentage (battery capacity): `87 %` / `87%`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Percent(pub u64);

impl Spelled for Percent {
    fn spelled(&self, lang: Lang) -> String {
        match lang {
            Lang::Fr => format!("{} %", self.0),
            Lang::En => format!("{}%", self.0),
        }
    }
}

/// A number of days: `1 jour`, `12 jours` / `1 day`, `12 days` (French keeps 0 singular; a
/// negative count, a date already past, counts as its size).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Days(pub i64);

impl Spelled for Days {
    fn spelled(&self, lang: Lang) -> String {
        let n = self.0;
        match lang {
            Lang::Fr if n.abs() <= 1 => format!("{n} jour"),
            Lang::Fr => format!("{n} jours"),
            Lang::En if n.abs() == 1 => format!("{n} day"),
            Lang::En => format!("{n} days"),
        }
    }
}

/// A large count, its digits grouped by three: `15 993 093` / `15,993,093`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Count(pub u64);

impl Spelled for Count {
    fn spelled(&self, lang: Lang) -> String {
        let digits = self.0.to_string();
        let sep = match lang {
            Lang::Fr => ' ',
            Lang::En => ',',
        };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }
}

/// An energy given in milliwatt-hours, in watt-hours to two places: `52,26 Wh` / `52.26 Wh`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WattHours(pub u64);

impl Spelled for WattHours {
    fn spelled(&self, lang: Lang) -> String {
        let point = match lang {
            Lang::Fr => ',',
            Lang::En => '.',
        };
        let mwh = self.0;
        format!("{}{point}{:02} Wh", mwh / 1000, (mwh % 1000) / 10)
    }
}

/// `n` things, singular or plural as each language counts them (French keeps 0 and 1
/// singular, English 1 only): `counted(2, ("document", "documents"), ("job", "jobs"))`.
pub(crate) fn counted(n: u64, fr: (&str, &str), en: (&str, &str)) -> Sentence {
    let fr = if n <= 1 { fr.0 } else { fr.1 };
    let en = if n == 1 { en.0 } else { en.1 };
    Sentence::new(format!("{n} {fr}"), format!("{n} {en}"))
}

/// Worded values one after the other, `sep` between them, spelled per language like any
/// other punctuation (`Sentence::new(" ; ", "; ")`).
pub(crate) fn joined(items: &[Sentence], sep: &Sentence) -> Sentence {
    let join = |pick: fn(&Sentence) -> &str| {
        let parts: Vec<&str> = items.iter().map(pick).collect();
        parts.join(pick(sep))
    };
    Sentence::new(join(|s| &s.fr), join(|s| &s.en))
}

/// The comma between the items of a list, the same in both languages.
pub(crate) fn comma() -> Sentence {
    Sentence::same(", ")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn both(v: impl Spelled) -> (String, String) {
        (v.spelled(Lang::Fr), v.spelled(Lang::En))
    }

    fn pair(fr: &str, en: &str) -> (String, String) {
        (fr.to_string(), en.to_string())
    }

    #[test]
    fn sizes_and_shares_read_as_each_language_writes_them() {
        assert_eq!(both(Bytes(37_067_780_096)), pair("34,5 Gio", "34.5 GiB"));
        assert_eq!(both(Bytes(585_728)), pair("572 Kio", "572 KiB"));
        assert_eq!(both(Bytes(8 << 20)), pair("8 Mio", "8 MiB"));
        assert_eq!(both(Bytes(300)), pair("300 o", "300 B"));
        assert_eq!(
            both(Share(percent(585_728, 8_388_608))),
            pair("7,0 %", "7.0%")
        );
        assert_eq!(both(Share(percent(1, 3))), pair("33 %", "33%"));
        assert_eq!(percent(1, 0), 0.0);
        assert_eq!(both(Percent(87)), pair("87 %", "87%"));
    }

    #[test]
    fn days_counts_decimals_and_energy() {
        assert_eq!(both(Days(12)), pair("12 jours", "12 days"));
        assert_eq!(both(Days(1)), pair("1 jour", "1 day"));
        assert_eq!(both(Days(0)), pair("0 jour", "0 days"));
        assert_eq!(both(Days(-5)), pair("-5 jours", "-5 days"));
        assert_eq!(both(Count(15_993_093)), pair("15 993 093", "15,993,093"));
        assert_eq!(both(Count(200)), pair("200", "200"));
        assert_eq!(both(Count(1000)), pair("1 000", "1,000"));
        assert_eq!(both(Decimal(3.4375, 2)), pair("3,44", "3.44"));
        let jobs = |n| counted(n, ("document", "documents"), ("job", "jobs"));
        assert_eq!(jobs(0), Sentence::new("0 document", "0 jobs"));
        assert_eq!(jobs(1), Sentence::new("1 document", "1 job"));
        assert_eq!(jobs(4), Sentence::new("4 documents", "4 jobs"));
        assert_eq!(both(WattHours(52_260)), pair("52,26 Wh", "52.26 Wh"));
    }

    #[test]
    fn worded_spells_each_argument_for_its_sentence() {
        let s = worded!(
            "{} libres sur {} ({})",
            "{} free of {} ({})",
            Bytes(3 << 30),
            Bytes(50 << 30),
            Share(6.0)
        );
        assert_eq!(s.fr, "3,0 Gio libres sur 50,0 Gio (6,0 %)");
        assert_eq!(s.en, "3.0 GiB free of 50.0 GiB (6.0%)");
        let side = Sentence::new("en avance sur", "ahead of");
        let s = worded!("{1} s {0}", "{1} s {0}", &side, 12u64);
        assert_eq!(
            (s.fr.as_str(), s.en.as_str()),
            ("12 s en avance sur", "12 s ahead of")
        );
        let both = [
            Sentence::new("a : 1", "a: 1"),
            Sentence::new("b : 2", "b: 2"),
        ];
        let list = joined(&both, &Sentence::new(" ; ", "; "));
        assert_eq!(list, Sentence::new("a : 1 ; b : 2", "a: 1; b: 2"));
        let name = String::from("cups.service");
        assert_eq!(worded!("{}", "{}", &name), Sentence::same("cups.service"));
    }
}
