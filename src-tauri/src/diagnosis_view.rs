//! What "Check my computer" and the report form show: a diagnosis with its findings, the
//! articles suggested for what failed or for a report's title, a fix-it action's plan and its
//! outcome. Mirrors of the shared records for the bindings (the records crate stays serde-only,
//! free of the app's type generator); the UI picks the sentence, the measured value and the
//! threshold in its language.

use chrono::{DateTime, Utc};
use guichet_actions::Plan;
use guichet_core::RecordedFix;
use guichet_records::{CheckStatus, Diagnosis, Finding, Sentence};
use serde::Serialize;

/// How a check came out, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum CheckStatusView {
    Ok,
    Unknown,
    Warning,
    Problem,
}

impl From<CheckStatus> for CheckStatusView {
    fn from(s: CheckStatus) -> Self {
        match s {
            CheckStatus::Ok => CheckStatusView::Ok,
            CheckStatus::Unknown => CheckStatusView::Unknown,
            CheckStatus::Warning => CheckStatusView::Warning,
            CheckStatus::Problem => CheckStatusView::Problem,
        }
    }
}

/// One sentence in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SentenceView {
    /// French.
    pub fr: String,
    /// English.
    pub en: String,
}

impl From<Sentence> for SentenceView {
    fn from(s: Sentence) -> Self {
        SentenceView { fr: s.fr, en: s.en }
    }
}

/// What one check found about one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct FindingView {
    /// The check's dotted id (`storage.free`).
    pub check: String,
    /// What was looked at (`/home`), when the check covers several things.
    pub subject: Option<String>,
    /// How it came out.
    pub status: CheckStatusView,
    /// The measured value with its unit, in both languages.
    pub measured: Option<SentenceView>,
    /// The threshold it was compared with, in both languages.
    pub threshold: Option<SentenceView>,
    /// What it means, for the user.
    pub sentence: SentenceView,
    /// Fix-it actions that address it.
    pub fixes: Vec<String>,
}

impl From<Finding> for FindingView {
    fn from(f: Finding) -> Self {
        FindingView {
            check: f.check,
            subject: f.subject,
            status: f.status.into(),
            measured: f.measured.map(SentenceView::from),
            threshold: f.threshold.map(SentenceView::from),
            sentence: f.sentence.into(),
            fixes: f.fixes,
        }
    }
}

/// A knowledge-base article suggested for a failing check or a report's title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SuggestionView {
    /// The check it is suggested for; `None` when it matched a title.
    pub check: Option<String>,
    /// The article's id, as the knowledge-base page opens it.
    pub id: String,
    /// Its title.
    pub title: String,
}

/// A whole run of the checks, with the articles suggested for what failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct DiagnosisView {
    /// When the run started.
    pub taken_at: DateTime<Utc>,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
    /// Every finding, in the order of the checks.
    pub findings: Vec<FindingView>,
    /// Articles for the warnings and problems.
    pub suggestions: Vec<SuggestionView>,
    /// The text a report attaches, exactly (the report form previews it).
    pub attached: String,
}

/// A diagnosis as the UI shows it.
pub fn diagnosis_view(d: Diagnosis, suggestions: Vec<SuggestionView>) -> DiagnosisView {
    DiagnosisView {
        attached: crate::self_help::attached_text(&d),
        taken_at: d.taken_at,
        elapsed_ms: d.elapsed_ms,
        findings: d.findings.into_iter().map(FindingView::from).collect(),
        suggestions,
    }
}

/// Reports solved by an article instead of a ticket, among the admin indicators.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct DeflectionView {
    /// Start of the period counted.
    pub since: DateTime<Utc>,
    /// Reports closed with "this solved my problem".
    pub deflections: u64,
    /// Reports filed as tickets over the same period.
    pub reports: u64,
    /// deflections / (deflections + reports), 0 to 1; `None` when both are 0.
    pub rate: Option<f64>,
}

/// What a fix-it action will do, shown before it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PlanView {
    /// The action's id.
    pub action: String,
    /// Its title.
    pub title: SentenceView,
    /// Each thing it will do, with the figures.
    pub steps: Vec<SentenceView>,
    /// Whether it needs the network.
    pub needs_network: bool,
    /// Who published it (`None`: built into Guichet).
    pub publisher: Option<String>,
    /// Nothing to do: no button is offered.
    pub nothing_to_do: bool,
}

impl From<Plan> for PlanView {
    fn from(p: Plan) -> Self {
        PlanView {
            action: p.action,
            title: p.title.into(),
            steps: p.steps.into_iter().map(SentenceView::from).collect(),
            needs_network: p.needs_network,
            publisher: p.publisher,
            nothing_to_do: p.nothing_to_do,
        }
    }
}

/// How a fix-it run went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct OutcomeView {
    /// The action's id.
    pub action: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
    /// Whether it did what it said.
    pub succeeded: bool,
    /// What it printed or did.
    pub output: String,
    /// The run's number in the store (what a ticket attaches).
    pub run_id: i64,
}

impl From<RecordedFix> for OutcomeView {
    fn from(r: RecordedFix) -> Self {
        let o = r.outcome;
        OutcomeView {
            run_id: r.run_id,
            action: o.action,
            started_at: o.started_at,
            elapsed_ms: o.elapsed_ms,
            succeeded: o.succeeded,
            output: o.output,
        }
    }
}
