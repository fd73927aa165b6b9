//! Fix-it actions: the built-in ones and those the service desk published, each listed with
//! its plan or the reason it is refused, planned, run (off the async thread) and recorded.
//!
//! Published actions are verified again at every list, plan and run against the policy given
//! (the machine's `action_signers`): a key removed from the policy, or a date passed, stops an
//! action that ran yesterday.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use guichet_actions::published::{verify_action, PublishedAction, TrustedSigner, VerifiedAction};
use guichet_actions::{builtin_actions, Action, ActionContext, ActionError, Outcome, Plan};
use guichet_store::{FixRun, NewAttachment, Store};
use serde::Serialize;

use crate::{CoreError, Policy};

/// How long a built-in action may run.
const BUILTIN_TIMEOUT: Duration = Duration::from_secs(60);

/// Why an action in the list cannot be planned or run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixRefusal {
    /// Stable code: `action_unsigned`, `action_tampered`, `action_untrusted`, `action_expired`,
    /// `action_malformed`, `action_too_large`, `action_unavailable`.
    pub code: String,
    /// The reason, in English (the front ends word it for people).
    pub message: String,
}

/// One action as `guichet fix list` and the app show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixEntry {
    /// The action's id.
    pub id: String,
    /// Built in (`true`) or published by the service desk.
    pub builtin: bool,
    /// Where a published action came from (`import`, `rt:12`…).
    pub source: Option<String>,
    /// What it would do now, when it may run.
    pub plan: Option<Plan>,
    /// Why it may not, otherwise.
    pub refusal: Option<FixRefusal>,
    /// What a verified published action's manifest says, and its script.
    pub published: Option<PublishedInfo>,
}

/// A verified published action's manifest and script, for `guichet fix show`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedInfo {
    /// The trusted signer's name.
    pub publisher: String,
    /// The signer's key fingerprint.
    pub signer_fingerprint: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// Its timeout.
    pub timeout_secs: u64,
    /// Whether it keeps the network.
    pub needs_network: bool,
    /// The script it runs.
    pub script: String,
}

impl PublishedInfo {
    fn of(v: &VerifiedAction) -> Self {
        PublishedInfo {
            publisher: v.publisher.clone(),
            signer_fingerprint: guichet_bundle::key_fingerprint(&v.manifest.signer),
            expires_at: v.manifest.expires_at,
            timeout_secs: v.manifest.timeout_secs,
            needs_network: v.manifest.needs_network,
            script: v.script.clone(),
        }
    }
}

/// A run, recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedFix {
    /// The run's number in the store (`guichet ticket new --attach-fix-run N`).
    pub run_id: i64,
    /// How it went.
    pub outcome: Outcome,
}

/// The keys the policy trusts, as the actions crate takes them.
fn trusted(policy: &Policy) -> Vec<TrustedSigner> {
    policy
        .action_signers
        .iter()
        .map(|s| TrustedSigner {
            name: s.name.clone(),
            public_key: s.public_key.clone(),
        })
        .collect()
}

fn context(now: DateTime<Utc>) -> ActionContext {
    ActionContext {
        now,
        home: std::env::var_os("HOME").map(Into::into),
        timeout: BUILTIN_TIMEOUT,
    }
}

fn refusal(e: &ActionError) -> FixRefusal {
    let code = match e {
        ActionError::Refusal(r) => r.code(),
        _ => "action_unavailable",
    };
    FixRefusal {
        code: code.into(),
        message: e.to_string(),
    }
}

/// Every action: built-in first, then the published ones by name, each with its plan at `now`
/// or why it is refused.
pub async fn fix_actions(
    store: &Store,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Vec<FixEntry>, CoreError> {
    let ctx = context(now);
    let builtins = builtin_actions();
    let mut out: Vec<FixEntry> = builtins
        .iter()
        .map(|a| entry(a.id(), true, None, a.plan(&ctx), None))
        .collect();
    let keys = trusted(policy);
    for stored in store.published_actions().await? {
        if builtins.iter().any(|b| b.id() == stored.name) {
            continue;
        }
        let verified = verify_action(&stored.file, &keys, now).map_err(ActionError::from);
        let info = verified.as_ref().ok().map(PublishedInfo::of);
        let plan = verified.and_then(|v| PublishedAction::new(v).plan(&ctx));
        out.push(entry(stored.name, false, Some(stored.source), plan, info));
    }
    Ok(out)
}

fn entry(
    id: String,
    builtin: bool,
    source: Option<String>,
    plan: Result<Plan, ActionError>,
    published: Option<PublishedInfo>,
) -> FixEntry {
    let (plan, refusal) = match plan {
        Ok(p) => (Some(p), None),
        Err(e) => (None, Some(self::refusal(&e))),
    };
    FixEntry {
        id,
        builtin,
        source,
        plan,
        refusal,
        published,
    }
}

/// The action `id`, built-in or published (verified now).
async fn resolve(
    store: &Store,
    policy: &Policy,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Arc<dyn Action>, CoreError> {
    if let Some(a) = builtin_actions().into_iter().find(|a| a.id() == id) {
        return Ok(a);
    }
    let stored = store
        .published_action(id)
        .await?
        .ok_or_else(|| ActionError::Unknown(id.to_string()))?;
    let verified = verify_action(&stored.file, &trusted(policy), now).map_err(ActionError::from)?;
    Ok(Arc::new(PublishedAction::new(verified)))
}

/// What action `id` would do now.
pub async fn plan_fix(
    store: &Store,
    policy: &Policy,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Plan, CoreError> {
    let action = resolve(store, policy, id, now).await?;
    Ok(action.plan(&context(now))?)
}

/// Runs action `id` (after the user confirmed its plan) on a blocking thread, and records the
/// run and its output in the store.
pub async fn run_fix(
    store: &Store,
    policy: &Policy,
    id: &str,
    now: DateTime<Utc>,
) -> Result<RecordedFix, CoreError> {
    let action = resolve(store, policy, id, now).await?;
    let ctx = context(now);
    let outcome = tokio::task::spawn_blocking(move || action.run(&ctx))
        .await
        .map_err(|e| CoreError::Invalid(format!("the action stopped abnormally: {e}")))??;
    let run_id = store
        .record_fix_run(
            &outcome.action,
            outcome.started_at,
            outcome.elapsed_ms,
            outcome.succeeded,
            &outcome.output,
        )
        .await?;
    Ok(RecordedFix { run_id, outcome })
}

/// Verifies an action file (from a USB stick, a bundle) against the policy and keeps it;
/// a file that does not verify is refused, not kept.
pub async fn import_fix(
    store: &Store,
    policy: &Policy,
    file: &[u8],
    source: &str,
    now: DateTime<Utc>,
) -> Result<VerifiedAction, CoreError> {
    let verified = verify_action(file, &trusted(policy), now).map_err(ActionError::from)?;
    let name = &verified.manifest.name;
    if builtin_actions().iter().any(|b| &b.id() == name) {
        return Err(CoreError::Invalid(format!(
            "the published action is named {name}, like a built-in action"
        )));
    }
    store.save_published_action(name, file, source, now).await?;
    Ok(verified)
}

/// Recorded run `id`.
pub async fn fix_run(store: &Store, id: i64) -> Result<FixRun, CoreError> {
    store
        .fix_run(id)
        .await?
        .ok_or_else(|| CoreError::Invalid(format!("no recorded fix-it run number {id}")))
}

/// The text a recorded run attaches to a ticket, exactly (the app's report form previews it).
pub fn fix_run_text(run: &FixRun) -> String {
    format!(
        "Fix-it action: {}\nRun: {}\nStarted: {}\nElapsed: {} ms\nSucceeded: {}\n\n{}",
        run.action,
        run.id,
        run.started_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        run.elapsed_ms,
        if run.succeeded { "yes" } else { "no" },
        run.output
    )
}

/// The name of the file a recorded run attaches as.
pub fn fix_run_file_name(run: &FixRun) -> String {
    format!("fix-run-{}-{}.txt", run.id, run.action)
}

/// A recorded run as a text file to attach to a ticket.
pub fn fix_run_attachment(run: &FixRun) -> NewAttachment {
    NewAttachment {
        file_name: fix_run_file_name(run),
        content_type: "text/plain".into(),
        bytes: fix_run_text(run).into_bytes(),
    }
}

/// The runs recorded since `since` (the app's session), newest first, at most `limit`: what
/// the report form offers to attach.
pub async fn recent_fix_runs(
    store: &Store,
    since: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<FixRun>, CoreError> {
    let mut runs = store.fix_runs(limit).await?;
    runs.retain(|r| r.started_at >= since);
    Ok(runs)
}

/// The recorded runs `ids` as a report's attachments, each once, in the order given; a number
/// with no recorded run is refused (nothing is attached then).
pub async fn fix_run_attachments(
    store: &Store,
    ids: &[i64],
) -> Result<Vec<NewAttachment>, CoreError> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for &id in ids.iter().filter(|&&id| seen.insert(id)) {
        out.push(fix_run_attachment(&fix_run(store, id).await?));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ActionSigner;
    use guichet_actions::published::{ActionFile, ActionManifest};
    use guichet_bundle::BundleSigner;
    use guichet_records::Sentence;

    fn signed(key: &BundleSigner, name: &str) -> Vec<u8> {
        let manifest = ActionManifest {
            name: name.into(),
            title: Sentence::new("Essai", "Trial"),
            description: Sentence::new("Un essai.", "A trial."),
            needs_network: false,
            timeout_secs: 5,
            expires_at: "2030-01-01T00:00:00Z".parse().unwrap(),
            signer: String::new(),
        };
        ActionFile::sign(manifest, "echo trial\n".into(), key).unwrap()
    }

    #[tokio::test]
    async fn a_published_action_is_listed_with_its_plan_then_refused_once_its_key_leaves_the_policy(
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("data")).await.unwrap();
        let key = BundleSigner::create_at(&dir.path().join("admin.key"), [9; 32]).unwrap();
        let mut policy = Policy {
            action_signers: vec![ActionSigner {
                name: "IT".into(),
                public_key: key.public_key_hex(),
            }],
            ..Policy::default()
        };
        let now: DateTime<Utc> = "2027-01-01T00:00:00Z".parse().unwrap();
        import_fix(&store, &policy, &signed(&key, "trial"), "import", now)
            .await
            .unwrap();
        let builtin_name = builtin_actions()[0].id();
        let clash = import_fix(&store, &policy, &signed(&key, &builtin_name), "import", now).await;
        assert!(matches!(clash, Err(CoreError::Invalid(_))), "{clash:?}");

        let find = |list: Vec<FixEntry>| list.into_iter().find(|e| e.id == "trial").unwrap();
        let e = find(fix_actions(&store, &policy, now).await.unwrap());
        assert_eq!(e.plan.unwrap().publisher.as_deref(), Some("IT"));
        assert_eq!(e.published.unwrap().script, "echo trial\n");

        policy.action_signers.clear();
        let e = find(fix_actions(&store, &policy, now).await.unwrap());
        assert_eq!(e.refusal.unwrap().code, "action_untrusted");
        let plan = plan_fix(&store, &policy, "trial", now).await;
        assert!(matches!(
            plan,
            Err(CoreError::Action(ActionError::Refusal(_)))
        ));
    }

    #[tokio::test]
    async fn the_report_attaches_the_runs_asked_once_each_and_refuses_an_unknown_number() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("data")).await.unwrap();
        let before: DateTime<Utc> = "2027-01-01T08:00:00Z".parse().unwrap();
        let session: DateTime<Utc> = "2027-01-01T09:00:00Z".parse().unwrap();
        let old = store
            .record_fix_run("free-space", before, 3, true, "freed 1 B in all")
            .await
            .unwrap();
        let a = store
            .record_fix_run("free-space", session, 12, true, "freed 2.0 MiB in all")
            .await
            .unwrap();
        let b = store
            .record_fix_run("print-queue", session, 5, false, "lpstat failed")
            .await
            .unwrap();

        let recent = recent_fix_runs(&store, session, 10).await.unwrap();
        let ids: Vec<i64> = recent.iter().map(|r| r.id).collect();
        assert_eq!(ids, [b, a], "newest first, only since the session began");
        assert!(!ids.contains(&old));

        let files = fix_run_attachments(&store, &[a, b, a]).await.unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
        assert_eq!(
            names,
            [
                format!("fix-run-{a}-free-space.txt"),
                format!("fix-run-{b}-print-queue.txt")
            ]
        );
        let run = fix_run(&store, a).await.unwrap();
        assert_eq!(files[0].bytes, fix_run_text(&run).into_bytes());
        let unknown = fix_run_attachments(&store, &[a, 999]).await;
        assert!(matches!(unknown, Err(CoreError::Invalid(_))), "{unknown:?}");
    }

    #[test]
    fn a_recorded_run_attaches_as_text_naming_the_action_and_its_end() {
        let run = FixRun {
            id: 7,
            action: "trial".into(),
            started_at: "2027-01-01T00:00:00Z".parse().unwrap(),
            elapsed_ms: 42,
            succeeded: false,
            output: "no space left\n[exit status 1]\n".into(),
        };
        let a = fix_run_attachment(&run);
        assert_eq!(
            (a.file_name.as_str(), a.content_type.as_str()),
            ("fix-run-7-trial.txt", "text/plain")
        );
        let text = String::from_utf8(a.bytes).unwrap();
        assert!(
            text.contains("Succeeded: no") && text.ends_with("[exit status 1]\n"),
            "{text}"
        );
    }
}
