//! `guichet diagnose [--json] [--lang en|fr]`: "Check my computer" from the command line.
//!
//! A summary line first ("2 problems, 1 warning"), then every finding, worst first: status,
//! check, subject, what was measured against which threshold, the sentence for the user in
//! the CLI's language (`--lang`, else the locale: `LC_ALL`, `LC_MESSAGES`, `LANG`; the measured
//! value and threshold too) and the built-in fixes that address it. `--json` prints the
//! `Diagnosis` record as is, every wording in both languages.
//!
//! The exit status is 0 whenever the checks ran, problems found or not: a diagnosis that finds
//! a full disk has succeeded. Scripts read the statuses from `--json`.

use std::fmt::Write as _;

use anyhow::Context as _;
use chrono::Utc;
use clap::Args;
use guichet_core::Lang;
use guichet_diagnostics::{CheckStatus, Diagnosis, Finding, Sentence};

use crate::error::CliError;
use crate::{output, Context};

/// `guichet diagnose`
#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// Language of the sentences (default: the locale's, English unless it is French).
    #[arg(long, value_parser = crate::site::lang_arg())]
    lang: Option<Lang>,
}

/// Runs `guichet diagnose`.
pub async fn run(ctx: &Context, args: DiagnoseArgs) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let diagnosis = guichet_core::diagnose(&store, Utc::now()).await?;
    // Kept as the last diagnosis: `kb suggest --diagnosis`, `ticket new --with-diagnosis` and
    // the next inventory use it.
    store.save_diagnosis(&diagnosis).await?;
    let bytes = if ctx.json {
        let mut b = serde_json::to_vec_pretty(&diagnosis).context("encoding JSON")?;
        b.push(b'\n');
        b
    } else {
        // Mount points and queue names come from the machine: `output::write` passes the text
        // through `terminal_safe`.
        text(&diagnosis, args.lang.unwrap_or_else(crate::lang)).into_bytes()
    };
    output::write(None, &bytes)?;
    Ok(())
}

/// The whole report for a person.
pub fn text(d: &Diagnosis, lang: Lang) -> String {
    let mut out = format!("{}\n", summary(d, lang));
    let mut findings: Vec<&Finding> = d.findings.iter().collect();
    findings.sort_by_key(|f| std::cmp::Reverse(rank(f.status)));
    for f in findings {
        finding(&mut out, f, lang);
    }
    out
}

/// Worst first; a finding that could not be measured before a fine one.
fn rank(s: CheckStatus) -> u8 {
    match s {
        CheckStatus::Problem => 3,
        CheckStatus::Warning => 2,
        CheckStatus::Unknown => 1,
        CheckStatus::Ok => 0,
    }
}

fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `2 problems, 1 warning, 3 not measured (12 checks in 48 ms)`.
pub fn summary(d: &Diagnosis, lang: Lang) -> String {
    let (problems, warnings, unknown) = (
        d.count(CheckStatus::Problem),
        d.count(CheckStatus::Warning),
        d.count(CheckStatus::Unknown),
    );
    let fr = lang == Lang::Fr;
    let mut parts = Vec::new();
    if problems > 0 {
        parts.push(match fr {
            true => counted(problems, "problème", "problèmes"),
            false => counted(problems, "problem", "problems"),
        });
    }
    if warnings > 0 {
        parts.push(match fr {
            true => counted(warnings, "avertissement", "avertissements"),
            false => counted(warnings, "warning", "warnings"),
        });
    }
    if parts.is_empty() {
        parts.push(if fr { "Aucun problème" } else { "No problem" }.to_string());
    }
    if unknown > 0 {
        parts.push(match fr {
            true => counted(unknown, "non mesuré", "non mesurés"),
            false => counted(unknown, "not measured", "not measured"),
        });
    }
    let n = d.findings.len();
    let tail = match fr {
        true => format!(
            "({} en {} ms)",
            counted(n, "résultat", "résultats"),
            d.elapsed_ms
        ),
        false => format!(
            "({} in {} ms)",
            counted(n, "finding", "findings"),
            d.elapsed_ms
        ),
    };
    format!("{} {tail}", parts.join(", "))
}

fn status_word(s: CheckStatus, lang: Lang) -> &'static str {
    match (s, lang) {
        (CheckStatus::Ok, _) => "OK",
        (CheckStatus::Warning, Lang::Fr) => "ATTENTION",
        (CheckStatus::Warning, Lang::En) => "WARNING",
        (CheckStatus::Problem, Lang::Fr) => "PROBLÈME",
        (CheckStatus::Problem, Lang::En) => "PROBLEM",
        (CheckStatus::Unknown, Lang::Fr) => "INCONNU",
        (CheckStatus::Unknown, Lang::En) => "UNKNOWN",
    }
}

/// The wording of `s` in `lang`.
fn words(s: &Sentence, lang: Lang) -> &str {
    match lang {
        Lang::Fr => &s.fr,
        Lang::En => &s.en,
    }
}

fn finding(out: &mut String, f: &Finding, lang: Lang) {
    let fr = lang == Lang::Fr;
    let _ = write!(out, "\n{:<9} {}", status_word(f.status, lang), f.check);
    if let Some(s) = &f.subject {
        let _ = write!(out, "  {s}");
    }
    out.push('\n');
    match (&f.measured, &f.threshold) {
        (Some(m), Some(t)) => {
            let _ = writeln!(
                out,
                "  {}  ({} {})",
                words(m, lang),
                if fr { "seuil :" } else { "threshold" },
                words(t, lang)
            );
        }
        (Some(m), None) => {
            let _ = writeln!(out, "  {}", words(m, lang));
        }
        (None, _) => {}
    }
    let _ = writeln!(out, "  {}", words(&f.sentence, lang));
    if !f.fixes.is_empty() {
        let _ = writeln!(
            out,
            "  {} {}",
            if fr { "Réparation :" } else { "Fix:" },
            f.fixes.join(", ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(check: &str, status: CheckStatus) -> Finding {
        Finding {
            check: check.into(),
            subject: Some("/".into()),
            status,
            measured: Some(Sentence::new(
                "1,0 Gio libres sur 20,0 Gio (5,0 %)",
                "1.0 GiB free of 20.0 GiB (5.0%)",
            )),
            threshold: Some(Sentence::new(
                "< 1,0 Gio et < 5,0 %",
                "< 1.0 GiB and < 5.0%",
            )),
            sentence: Sentence::new("Ce disque est presque plein.", "This disk is almost full."),
            fixes: vec!["free-space".into()],
        }
    }

    #[test]
    fn the_summary_comes_first_and_problems_before_the_rest() {
        let d = Diagnosis {
            taken_at: Utc::now(),
            elapsed_ms: 42,
            findings: vec![
                f("cpu.load", CheckStatus::Ok),
                f("storage.free", CheckStatus::Problem),
                f("memory.swap", CheckStatus::Warning),
                f("storage.free", CheckStatus::Problem),
                f("network.dns", CheckStatus::Unknown),
            ],
        };
        let en = text(&d, Lang::En);
        assert!(
            en.starts_with("2 problems, 1 warning, 1 not measured (5 findings in 42 ms)\n"),
            "{en}"
        );
        let order: Vec<usize> = ["PROBLEM", "WARNING", "UNKNOWN", "OK "]
            .iter()
            .map(|w| en.find(w).expect(w))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{en}");
        assert!(
            en.contains("  This disk is almost full.\n  Fix: free-space\n"),
            "{en}"
        );
        let fr = text(&d, Lang::Fr);
        assert!(
            fr.starts_with("2 problèmes, 1 avertissement, 1 non mesuré"),
            "{fr}"
        );
        assert!(
            fr.contains("  1,0 Gio libres sur 20,0 Gio (5,0 %)  (seuil : < 1,0 Gio et < 5,0 %)\n"),
            "{fr}"
        );
        assert!(
            en.contains("  1.0 GiB free of 20.0 GiB (5.0%)  (threshold < 1.0 GiB and < 5.0%)\n"),
            "{en}"
        );
        let fine = Diagnosis {
            findings: vec![f("cpu.load", CheckStatus::Ok)],
            ..d
        };
        assert!(text(&fine, Lang::En).starts_with("No problem (1 finding in 42 ms)"));
    }
}
