//! `guichet bench kb`: how the knowledge base scales. Generates N deterministic French and
//! English articles (a seeded generator over a help-desk vocabulary, accents included, 100–400
//! words each, with some HTML) into a fresh temporary store, times their import (sanitising and
//! indexing included, batches of 1,000 per transaction, as a sync would write them), then times
//! Q searches of 1–3 words, some of them prefixes, unaccented or upper-case, as typed by users.
//! Reports the import rate, the search latency percentiles and the database size.
//!
//! The generator is a SplitMix64 written here, not `rand`'s: its sequence is fixed forever, so a
//! seed names the same corpus on every platform and version.

use std::time::Instant;

use anyhow::Context as _;
use chrono::{TimeZone, Utc};
use clap::Args;
use guichet_store::{ArticleInput, Store};
use serde::Serialize;
use uuid::Uuid;

use crate::error::CliError;
use crate::Context;

/// The search latency the knowledge base is meant to stay under, at the 99th percentile.
const TARGET_P99_MS: f64 = 10.0;

/// Articles written per transaction.
const BATCH: usize = 1000;

/// Results asked per search (a result page).
const LIMIT: usize = 20;

/// Unmeasured searches first, so the figures describe a warm cache as in an interactive session.
const WARMUP_QUERIES: usize = 20;

/// `guichet bench kb …`
#[derive(Debug, Args)]
pub struct BenchKbArgs {
    /// Number of articles to generate.
    #[arg(long, default_value_t = 50_000)]
    articles: usize,
    /// Number of timed searches.
    #[arg(long, default_value_t = 1000)]
    queries: usize,
    /// Seed of the generator (same seed, same corpus and queries).
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// The figures.
#[derive(Debug, Serialize)]
pub struct KbBenchReport {
    /// Articles imported.
    pub articles: usize,
    /// Total words of the generated bodies.
    pub words: usize,
    /// Import wall time, seconds.
    pub import_s: f64,
    /// Import rate.
    pub articles_per_s: f64,
    /// Searches timed.
    pub queries: usize,
    /// Searches that found nothing.
    pub empty_results: usize,
    /// Mean number of results (at most [`LIMIT`]).
    pub mean_results: f64,
    /// Median search latency, ms.
    pub p50_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Slowest search, ms.
    pub max_ms: f64,
    /// Size of the database after a checkpoint, bytes.
    pub db_bytes: u64,
    /// Whether p99 is under the target.
    pub p99_target_met: bool,
    /// The slowest queries, for investigation.
    pub slowest: Vec<(String, f64)>,
}

/// Runs the benchmark.
pub async fn run(ctx: &Context, args: BenchKbArgs) -> Result<(), CliError> {
    if args.articles == 0 || args.queries == 0 {
        return Err(CliError::usage(
            "--articles and --queries must be at least 1",
        ));
    }
    let dir = tempfile::Builder::new()
        .prefix("guichet-bench-kb-")
        .tempdir()
        .context("creating a temporary store")?;
    let store = Store::open(dir.path()).await?;
    let mut rng = SplitMix64(args.seed);

    let mut words = 0;
    let started = Instant::now();
    let mut done = 0;
    while done < args.articles {
        let n = BATCH.min(args.articles - done);
        let batch: Vec<(ArticleInput, Uuid)> = (done..done + n)
            .map(|i| {
                let (a, n) = article(&mut rng, i);
                words += n;
                let mut bytes = [0u8; 16];
                bytes[..8].copy_from_slice(&rng.next().to_le_bytes());
                bytes[8..].copy_from_slice(&rng.next().to_le_bytes());
                let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
                (a, id)
            })
            .collect();
        store.upsert_articles(batch).await?;
        done += n;
        eprint!("\rbench kb: imported {done}/{}", args.articles);
    }
    let import_s = started.elapsed().as_secs_f64();
    eprintln!(" in {import_s:.1} s");

    let queries: Vec<String> = (0..args.queries + WARMUP_QUERIES)
        .map(|_| query(&mut rng))
        .collect();
    let mut timings = Vec::with_capacity(args.queries);
    let mut results = 0usize;
    let mut empty = 0usize;
    for (i, q) in queries.iter().enumerate() {
        let t = Instant::now();
        let hits = store.search_articles(q, LIMIT).await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if i >= WARMUP_QUERIES {
            timings.push((q.clone(), ms));
            results += hits.len();
            empty += usize::from(hits.is_empty());
        }
    }
    store.close().await;
    let db = dir.path().join(guichet_store::DATABASE_FILE);
    let db_bytes = std::fs::metadata(&db)
        .with_context(|| format!("reading the size of {}", db.display()))?
        .len();

    let mut sorted: Vec<f64> = timings.iter().map(|t| t.1).collect();
    sorted.sort_by(|a, b| a.total_cmp(b));
    timings.sort_by(|a, b| b.1.total_cmp(&a.1));
    let p99 = percentile(&sorted, 99.0);
    let report = KbBenchReport {
        articles: args.articles,
        words,
        import_s,
        articles_per_s: args.articles as f64 / import_s,
        queries: args.queries,
        empty_results: empty,
        mean_results: results as f64 / args.queries as f64,
        p50_ms: percentile(&sorted, 50.0),
        p95_ms: percentile(&sorted, 95.0),
        p99_ms: p99,
        max_ms: sorted.last().copied().unwrap_or(0.0),
        db_bytes,
        p99_target_met: p99 < TARGET_P99_MS,
        slowest: timings.into_iter().take(5).collect(),
    };
    if ctx.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).context("encoding JSON")?
        );
    } else {
        let r = &report;
        println!(
            "import:  {} articles ({} words) in {:.1} s, {:.0} articles/s",
            r.articles, r.words, r.import_s, r.articles_per_s
        );
        println!(
            "search:  {} queries (limit {LIMIT}), p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            r.queries, r.p50_ms, r.p95_ms, r.p99_ms, r.max_ms
        );
        println!(
            "         {:.1} results per query on average, {} with none",
            r.mean_results, r.empty_results
        );
        println!(
            "slowest: {}",
            r.slowest
                .iter()
                .map(|(q, ms)| format!("{q:?} {ms:.1} ms"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!("store:   {}", crate::table::size(r.db_bytes));
        println!(
            "target:  p99 under {TARGET_P99_MS} ms: {}",
            if r.p99_target_met { "met" } else { "NOT met" }
        );
    }
    Ok(())
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and a fixed sequence for a given seed.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.range(0, from.len() - 1)]
    }

    /// Like [`SplitMix64::pick`], but skewed towards the start of the list, as word frequencies
    /// are (a few words are everywhere, most are rare).
    fn pick_skewed<'a>(&mut self, from: &[&'a str]) -> &'a str {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        from[((u * u * u) * from.len() as f64) as usize % from.len()]
    }
}

/// The words of one language.
struct Vocabulary {
    topics: &'static [&'static str],
    verbs: &'static [&'static str],
    common: &'static [&'static str],
    suffixes: &'static [&'static str],
    categories: &'static [&'static str],
}

const FRENCH: Vocabulary = Vocabulary {
    topics: &[
        "imprimante",
        "réseau",
        "VPN",
        "messagerie",
        "mot de passe",
        "Wi-Fi",
        "ordinateur portable",
        "écran",
        "clavier",
        "souris",
        "logiciel",
        "mise à jour",
        "sauvegarde",
        "serveur",
        "partage réseau",
        "lecteur réseau",
        "téléphone",
        "badge",
        "accès distant",
        "certificat",
        "navigateur",
        "courriel",
        "calendrier",
        "visioconférence",
        "pilote",
        "disque dur",
        "antivirus",
        "pare-feu",
        "compte",
        "session",
        "bureau à distance",
        "scanner",
        "photocopieuse",
        "toner",
        "batterie",
        "station d'accueil",
        "câble",
        "proxy",
        "authentification",
        "double facteur",
        "intranet",
        "fichier",
        "dossier partagé",
        "droits d'accès",
        "licence",
        "Outlook",
        "Teams",
        "Windows",
        "Linux",
        "macOS",
        "GLPI",
        "ticket",
        "sécurité",
        "chiffrement",
        "clé USB",
        "casque",
        "webcam",
        "agenda partagé",
        "boîte aux lettres",
        "quota",
        "répertoire",
        "sonde",
        "hameçonnage",
        "télétravail",
    ],
    verbs: &[
        "configurer",
        "installer",
        "redémarrer",
        "vérifier",
        "réinitialiser",
        "connecter",
        "déconnecter",
        "ouvrir",
        "fermer",
        "sélectionner",
        "cliquer",
        "saisir",
        "enregistrer",
        "supprimer",
        "ajouter",
        "modifier",
        "demander",
        "contacter",
        "relancer",
        "désinstaller",
        "paramétrer",
        "débloquer",
        "synchroniser",
        "récupérer",
        "déclarer",
        "réparer",
    ],
    common: &[
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "votre",
        "vos",
        "pour",
        "avec",
        "sans",
        "dans",
        "sur",
        "puis",
        "ensuite",
        "si",
        "alors",
        "ne",
        "pas",
        "plus",
        "est",
        "sont",
        "peut",
        "doit",
        "il",
        "elle",
        "vous",
        "nous",
        "service",
        "informatique",
        "poste",
        "utilisateur",
        "problème",
        "erreur",
        "message",
        "fenêtre",
        "paramètres",
        "menu",
        "option",
        "onglet",
        "bouton",
        "étape",
        "procédure",
        "accès",
        "données",
        "démarrage",
        "réponse",
        "délai",
        "équipe",
        "support",
        "bâtiment",
        "étage",
        "salle",
        "réunion",
        "connexion",
        "lenteur",
        "panne",
        "incident",
        "demande",
        "rapide",
        "nouveau",
        "ancien",
        "sécurisé",
        "indisponible",
        "automatique",
        "manuel",
        "général",
        "à",
        "après",
        "avant",
        "très",
        "déjà",
        "également",
        "notamment",
        "généralement",
        "être",
        "avoir",
        "faire",
        "voir",
        "aller",
        "quand",
        "où",
        "chaque",
        "tous",
        "première",
        "fois",
        "jour",
        "heure",
        "minutes",
    ],
    suffixes: &[
        "",
        "",
        "",
        " sous Windows",
        " sous macOS",
        " à distance",
        " : erreur fréquente",
        " en télétravail",
        " (nouvelle procédure)",
        " au bureau",
    ],
    categories: &[
        "Réseau",
        "Imprimantes",
        "Messagerie",
        "Comptes et mots de passe",
        "Sécurité",
        "Postes de travail",
        "Téléphonie",
        "Logiciels",
        "Accès distant",
    ],
};

const ENGLISH: Vocabulary = Vocabulary {
    topics: &[
        "printer",
        "network",
        "VPN",
        "email",
        "password",
        "Wi-Fi",
        "laptop",
        "monitor",
        "keyboard",
        "mouse",
        "software",
        "update",
        "backup",
        "server",
        "network share",
        "phone",
        "badge",
        "remote access",
        "certificate",
        "browser",
        "calendar",
        "video call",
        "driver",
        "hard drive",
        "antivirus",
        "firewall",
        "account",
        "session",
        "remote desktop",
        "scanner",
        "toner",
        "battery",
        "docking station",
        "cable",
        "proxy",
        "authentication",
        "two-factor",
        "intranet",
        "file",
        "shared folder",
        "permissions",
        "license",
        "Outlook",
        "Teams",
        "Windows",
        "Linux",
        "macOS",
        "ticket",
        "security",
        "encryption",
        "USB stick",
        "headset",
        "webcam",
        "mailbox",
        "quota",
        "phishing",
    ],
    verbs: &[
        "configure",
        "install",
        "restart",
        "check",
        "reset",
        "connect",
        "disconnect",
        "open",
        "close",
        "select",
        "click",
        "enter",
        "save",
        "delete",
        "add",
        "change",
        "request",
        "contact",
        "uninstall",
        "unlock",
        "sync",
        "recover",
        "report",
        "repair",
    ],
    common: &[
        "the",
        "a",
        "an",
        "your",
        "for",
        "with",
        "without",
        "in",
        "on",
        "then",
        "next",
        "if",
        "not",
        "more",
        "is",
        "are",
        "can",
        "must",
        "it",
        "you",
        "we",
        "service",
        "IT",
        "workstation",
        "user",
        "problem",
        "error",
        "message",
        "window",
        "settings",
        "menu",
        "option",
        "tab",
        "button",
        "step",
        "procedure",
        "access",
        "data",
        "startup",
        "answer",
        "delay",
        "team",
        "support",
        "building",
        "floor",
        "room",
        "meeting",
        "connection",
        "slowness",
        "outage",
        "incident",
        "request",
        "quick",
        "new",
        "old",
        "secure",
        "unavailable",
        "automatic",
        "manual",
        "general",
        "after",
        "before",
        "very",
        "already",
        "also",
        "usually",
        "be",
        "have",
        "do",
        "see",
        "when",
        "where",
        "each",
        "all",
        "first",
        "time",
        "day",
        "hour",
        "minutes",
    ],
    suffixes: &[
        "",
        "",
        "",
        " on Windows",
        " on macOS",
        " remotely",
        ": common error",
        " when working from home",
    ],
    categories: &[
        "Network",
        "Printers",
        "Email",
        "Accounts and passwords",
        "Security",
        "Workstations",
        "Telephony",
        "Software",
        "Remote access",
    ],
};

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Article number `n`: 70 % French, 30 % English.
fn article(rng: &mut SplitMix64, n: usize) -> (ArticleInput, usize) {
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
    let input = ArticleInput {
        connector: "bench".into(),
        remote_id: n.to_string(),
        summary: rng
            .chance(50)
            .then(|| format!("{} {}", capitalize(rng.pick(v.verbs)), rng.pick(v.topics))),
        title,
        body_html: html,
        category: Some(rng.pick(v.categories).to_string()),
        language: Some(if french { "fr" } else { "en" }.into()),
        updated_at,
        remote_version: "1".into(),
        images: Vec::new(),
    };
    (input, count)
}

/// A user's query: 1–3 words of the vocabulary; sometimes the last is being typed (a prefix),
/// sometimes accents are left out or caps lock is on.
fn query(rng: &mut SplitMix64) -> String {
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

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
    }
}
