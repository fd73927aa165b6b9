//! Self-help before a ticket, as the app reaches it: running the checks with this user's
//! settings, the articles suggested for failures and for a report's title, the fix-it actions
//! with their plan first, and "this solved my problem". Each is one call into the crates; the
//! commands in [`crate::commands::diagnostics`] only convert to the views.

use chrono::{DateTime, Utc};
use guichet_actions::Plan;
use guichet_core::{ArticleSuggestion, Lang, RecordedFix, SuggestionReason};
use guichet_records::Diagnosis;
use guichet_store::Store;

use crate::diagnosis_view::{DeflectionView, FixEntryView, FixRunView, SuggestionView};
use crate::error::{AppError, AppResult};

/// Runs every check (in parallel, a second each) off the async threads, with the configured
/// service desk (its proxy without credentials, its CA file) and the user's home.
pub async fn diagnose(store: &Store, now: DateTime<Utc>) -> AppResult<Diagnosis> {
    Ok(guichet_core::diagnose(store, now).await?)
}

/// The check's summary exactly as a report attaches it.
pub fn attached_text(d: &Diagnosis) -> String {
    guichet_core::diagnosis_section(d)
}

/// The shell's language for suggestions (`fr*` French, anything else English).
pub fn lang(locale: &str) -> Lang {
    if locale.to_ascii_lowercase().starts_with("fr") {
        Lang::Fr
    } else {
        Lang::En
    }
}

fn suggestion(s: ArticleSuggestion) -> SuggestionView {
    SuggestionView {
        check: match s.why {
            SuggestionReason::Check { check, .. } => Some(check),
            SuggestionReason::Words { .. } => None,
        },
        id: s.id.to_string(),
        title: s.title,
    }
}

/// Articles for the warnings and problems of `d` (tagged with the failing checks' ids); a
/// failure here leaves the diagnosis without suggestions rather than failing it.
pub async fn suggestions(
    store: &Store,
    d: &Diagnosis,
    lang: Lang,
    limit: usize,
) -> Vec<SuggestionView> {
    match guichet_core::suggest_articles(store, d, lang, limit).await {
        Ok(found) => found.into_iter().map(suggestion).collect(),
        Err(e) => {
            tracing::warn!("suggesting articles: {e}");
            Vec::new()
        }
    }
}

/// Articles matching what the user is typing as a report's title (offline full-text search).
pub async fn suggest_for_title(
    store: &Store,
    title: &str,
    lang: Lang,
    limit: usize,
) -> AppResult<Vec<SuggestionView>> {
    Ok(guichet_core::suggest_for_title(store, title, lang, limit)
        .await?
        .into_iter()
        .map(suggestion)
        .collect())
}

/// "This solved my problem": the report is closed without a ticket and counted locally.
pub async fn record_deflection(
    store: &Store,
    now: DateTime<Utc>,
    title: &str,
    article: Option<&str>,
) -> AppResult<()> {
    let article = article
        .map(uuid::Uuid::parse_str)
        .transpose()
        .map_err(|e| AppError::invalid(format!("article id: {e}")))?;
    Ok(guichet_core::record_deflection(store, now, title, article).await?)
}

/// Reports solved without a ticket over the last days, and those filed.
pub async fn deflection_rate(store: &Store, now: DateTime<Utc>) -> AppResult<DeflectionView> {
    let r = guichet_core::deflection_rate(store, now).await?;
    Ok(DeflectionView {
        since: r.since,
        deflections: r.deflections,
        reports: r.reports,
        rate: r.rate,
    })
}

/// The machine's policy for published actions (the keys it trusts); one that cannot be read
/// trusts no key (the built-in actions still run).
fn policy() -> guichet_core::Policy {
    guichet_core::read_policy(&guichet_core::policy_path()).unwrap_or_else(|e| {
        tracing::warn!("{e}: no published action is trusted");
        guichet_core::Policy::default()
    })
}

/// What the action `id` would do now, without changing anything.
pub async fn plan_fix(store: &Store, id: &str, now: DateTime<Utc>) -> AppResult<Plan> {
    Ok(guichet_core::plan_fix(store, &policy(), id, now).await?)
}

/// Every fix-it action, built-in then published, each with its plan or why it is refused.
pub async fn fix_list(store: &Store, now: DateTime<Utc>) -> AppResult<Vec<FixEntryView>> {
    Ok(guichet_core::fix_actions(store, &policy(), now)
        .await?
        .into_iter()
        .map(FixEntryView::from)
        .collect())
}

/// How many runs the report form offers at most.
const RECENT_RUNS: u32 = 10;

/// The fix-it runs recorded since `since` (this session), newest first, as the report form
/// offers them.
pub async fn recent_fix_runs(store: &Store, since: DateTime<Utc>) -> AppResult<Vec<FixRunView>> {
    Ok(guichet_core::recent_fix_runs(store, since, RECENT_RUNS)
        .await?
        .into_iter()
        .map(FixRunView::from)
        .collect())
}

/// Runs the action `id` (after the user confirmed its plan); the run is recorded in the store.
pub async fn run_fix(store: &Store, id: &str, now: DateTime<Utc>) -> AppResult<RecordedFix> {
    Ok(guichet_core::run_fix(store, &policy(), id, now).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggested(why: SuggestionReason) -> ArticleSuggestion {
        ArticleSuggestion {
            id: uuid::Uuid::nil(),
            title: "Disk full".into(),
            excerpt: String::new(),
            why,
        }
    }

    #[test]
    fn a_suggestion_names_its_check_only_when_a_check_suggested_it() {
        let by_check = suggestion(suggested(SuggestionReason::Check {
            check: "storage.free".into(),
            subject: Some("/home".into()),
        }));
        assert_eq!(by_check.check.as_deref(), Some("storage.free"));
        assert_eq!(by_check.id, uuid::Uuid::nil().to_string());
        let by_words = suggestion(suggested(SuggestionReason::Words {
            words: vec!["disk".into()],
        }));
        assert_eq!(by_words.check, None);
    }

    #[test]
    fn suggestions_follow_the_shell_s_language() {
        assert_eq!(lang("fr-FR"), Lang::Fr);
        assert_eq!(lang("FR"), Lang::Fr);
        assert_eq!(lang("en_GB"), Lang::En);
        assert_eq!(lang("de"), Lang::En);
    }
}
