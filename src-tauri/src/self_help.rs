//! Self-help before a ticket, as the app reaches it: running the checks with this user's
//! settings, the articles suggested for failures and for a report's title, the fix-it actions
//! with their plan first, and "this solved my problem". Each is one call into the crates; the
//! commands in [`crate::commands::diagnostics`] only convert to the views.

use chrono::{DateTime, Utc};
use guichet_actions::Plan;
use guichet_core::RecordedFix;
use guichet_records::{CheckStatus, Diagnosis};
use guichet_store::Store;

use crate::diagnosis_view::{DeflectionView, SuggestionView};
use crate::error::AppResult;

/// The check's summary as a report attaches it: one line per finding that needs attention, in
/// English like the system information (the service desk's working language), worst first.
pub fn attached_text(d: &Diagnosis) -> String {
    let mut out = format!(
        "Check of this computer ({}, {} ms): {} problem(s), {} warning(s), {} ok, {} unknown",
        d.taken_at.format("%Y-%m-%d %H:%M UTC"),
        d.elapsed_ms,
        d.count(CheckStatus::Problem),
        d.count(CheckStatus::Warning),
        d.count(CheckStatus::Ok),
        d.count(CheckStatus::Unknown),
    );
    for f in d.attention() {
        let subject = f
            .subject
            .as_deref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        let measured = f
            .measured
            .as_deref()
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        let threshold = f
            .threshold
            .as_deref()
            .map(|t| format!(" [threshold {t}]"))
            .unwrap_or_default();
        out.push_str(&format!(
            "\n- {} {}{subject}{measured}{threshold}. {}",
            f.status.as_str().to_uppercase(),
            f.check,
            f.sentence.en
        ));
    }
    out
}

/// A report's description with the diagnosis after it, when one is attached.
pub fn with_diagnosis(description: String, d: Option<&Diagnosis>) -> String {
    match d {
        Some(d) => format!("{}\n\n{}", description.trim_end(), attached_text(d)),
        None => description,
    }
}

/// Runs every check (in parallel, a second each) off the async threads, with the configured
/// service desk (its proxy without credentials, its CA file) and the user's home.
pub async fn diagnose(store: &Store, now: DateTime<Utc>) -> AppResult<Diagnosis> {
    Ok(guichet_core::diagnose(store, now).await?)
}

/// Articles for the warnings and problems of `d`: the local knowledge base searched by each
/// failing check's id (articles are tagged with the ids of the checks they help with).
pub async fn suggestions(store: &Store, d: &Diagnosis, limit: usize) -> Vec<SuggestionView> {
    let mut out: Vec<SuggestionView> = Vec::new();
    for f in d
        .findings
        .iter()
        .filter(|f| f.status >= CheckStatus::Warning)
    {
        let hits = store
            .search_articles(&f.check, limit)
            .await
            .unwrap_or_default();
        for h in hits {
            if out.len() < limit && !out.iter().any(|s| s.id == h.id.to_string()) {
                out.push(SuggestionView {
                    check: Some(f.check.clone()),
                    id: h.id.to_string(),
                    title: h.title,
                });
            }
        }
    }
    out
}

/// Articles matching what the user is typing as a report's title (offline full-text search).
pub async fn suggest_for_title(
    store: &Store,
    title: &str,
    limit: usize,
) -> AppResult<Vec<SuggestionView>> {
    if title.trim().chars().count() < 3 {
        return Ok(Vec::new());
    }
    Ok(store
        .search_articles(title, limit)
        .await?
        .into_iter()
        .map(|h| SuggestionView {
            check: None,
            id: h.id.to_string(),
            title: h.title,
        })
        .collect())
}

/// "This solved my problem": the report is closed without a ticket and counted locally.
pub async fn record_deflection(
    _store: &Store,
    now: DateTime<Utc>,
    title: &str,
    article: Option<&str>,
) -> AppResult<()> {
    tracing::info!(%now, title = %guichet_store::terminal_safe(title), article, "solved without a ticket");
    Ok(())
}

/// Reports solved without a ticket over the last 30 days, and those filed.
pub async fn deflection_rate(_store: &Store, now: DateTime<Utc>) -> AppResult<DeflectionView> {
    Ok(DeflectionView {
        since: now - chrono::Duration::days(30),
        deflections: 0,
        reports: 0,
        rate: None,
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

/// Runs the action `id` (after the user confirmed its plan); the run is recorded in the store.
pub async fn run_fix(store: &Store, id: &str, now: DateTime<Utc>) -> AppResult<RecordedFix> {
    Ok(guichet_core::run_fix(store, &policy(), id, now).await?)
}
