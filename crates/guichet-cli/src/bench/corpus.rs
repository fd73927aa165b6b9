//! The knowledge-base benchmark's corpus: deterministic French and English help-desk articles
//! and the queries users type, from a seeded generator.
//!
//! The generator is a SplitMix64 written here, not `rand`'s: its sequence is fixed forever, so a
//! seed names the same corpus on every platform and version.

use chrono::{TimeZone, Utc};
use guichet_store::Article;

use super::vocabulary::{ENGLISH, FRENCH};

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and a fixed sequence for a given seed.
pub(super) struct SplitMix64(pub(super) u64);

impl SplitMix64 {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub(super) fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    /// True with probability `percent`/100.
    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub(super) fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.range(0, from.len() - 1)]
    }

    /// Like [`SplitMix64::pick`], but skewed towards the start of the list, as word frequencies
    /// are (a few words are everywhere, most are rare).
    pub(super) fn pick_skewed<'a>(&mut self, from: &[&'a str]) -> &'a str {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        from[((u * u * u) * from.len() as f64) as usize % from.len()]
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Article number `n`: 70 % French, 30 % English.
pub(super) fn article(rng: &mut SplitMix64, n: usize) -> (Article, usize) {
    let french = rng.chance(70);
    let v = if french { &FRENCH } else { &ENGLISH };
    // An article is about one main topic and touches a few others, rather than mentioning the
    // whole vocabulary: that is what keeps real queries selective.
    let main = rng.pick_skewed(v.topics);
    let others: Vec<&str> = (0..rng.range(2, 4)).map(|_| rng.pick(v.topics)).collect();
    let title = format!(
        "{} {}{}{}",
        capitalize(rng.pick(v.verbs)),
        if french { "le " } else { "the " },
        main,
        rng.pick(v.suffixes)
    );
    // A last sentence may overshoot the target by up to 8 words: 100–400 words in all.
    let target = rng.range(100, 392);
    let mut html = String::new();
    let mut count = 0;
    while count < target {
        let list = rng.chance(20);
        html.push_str(if list { "<ul>" } else { "<p>" });
        for _ in 0..rng.range(2, 5) {
            if count >= target {
                break;
            }
            let len = rng.range(8, 18).min(target + 8 - count);
            let mut sentence = Vec::with_capacity(len);
            for _ in 0..len {
                let r = rng.range(0, 99);
                let w = if r < 62 {
                    rng.pick_skewed(v.common)
                } else if r < 80 {
                    rng.pick_skewed(v.verbs)
                } else if r < 90 {
                    main
                } else {
                    others[r % others.len()]
                };
                sentence.push(w);
            }
            count += len;
            let mut s = capitalize(&sentence.join(" "));
            if rng.chance(10) {
                s = format!("<strong>{s}</strong>");
            }
            if list {
                html.push_str(&format!("<li>{s}.</li>"));
            } else {
                html.push_str(&s);
                html.push_str(". ");
            }
        }
        html.push_str(if list { "</ul>\n" } else { "</p>\n" });
    }
    let updated_at = Utc
        .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .expect("valid date")
        + chrono::Duration::minutes(rng.range(0, 1_000_000) as i64);
    let input = Article {
        connector: "bench".into(),
        remote_id: n.to_string(),
        summary: rng
            .chance(50)
            .then(|| format!("{} {}", capitalize(rng.pick(v.verbs)), rng.pick(v.topics))),
        title,
        body_html: html,
        category: Some(rng.pick(v.categories).to_string()),
        tags: Vec::new(),
        language: Some(if french { "fr" } else { "en" }.into()),
        updated_at,
        remote_version: "1".into(),
        images: Vec::new(),
    };
    (input, count)
}

/// A user's query: 1–3 words of the vocabulary; sometimes the last is being typed (a prefix),
/// sometimes accents are left out or caps lock is on.
pub(super) fn query(rng: &mut SplitMix64) -> String {
    let v = if rng.chance(70) { &FRENCH } else { &ENGLISH };
    let n = rng.range(1, 3);
    let mut words: Vec<String> = (0..n)
        .map(|_| {
            let w = if rng.chance(70) {
                rng.pick(v.topics)
            } else {
                rng.pick(v.verbs)
            };
            w.to_string()
        })
        .collect();
    if rng.chance(30) {
        let chars: Vec<char> = words[n - 1].chars().collect();
        if chars.len() > 3 {
            let keep = rng.range(3, (chars.len() - 1).min(5));
            words[n - 1] = chars[..keep].iter().collect();
        }
    }
    let mut q = words.join(" ");
    if rng.chance(20) {
        q = q
            .chars()
            .map(|c| match c {
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'à' | 'â' => 'a',
                'î' | 'ï' => 'i',
                'ô' => 'o',
                'ù' | 'û' => 'u',
                'ç' => 'c',
                c => c,
            })
            .collect();
    }
    if rng.chance(10) {
        q = q.to_uppercase();
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_makes_the_same_corpus() {
        let (a, words) = article(&mut SplitMix64(7), 0);
        let (b, _) = article(&mut SplitMix64(7), 0);
        assert_eq!(a.body_html, b.body_html);
        assert_eq!(a.title, b.title);
        assert!((100..=400).contains(&words), "{words} words");
        assert_ne!(article(&mut SplitMix64(8), 0).0.body_html, a.body_html);
    }
}
