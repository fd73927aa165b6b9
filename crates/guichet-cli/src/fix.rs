//! `guichet fix list|show|run|runs|import|sign|key new`: fix-it actions.
//!
//! * `list`, `show ID`: every action with what it would do, or why it is refused (published
//!   actions are verified again each time against the policy's `action_signers`).
//! * `run ID`: shows the plan on stderr, asks for confirmation (unless `--yes`), runs it and
//!   records the run; `runs [N]` lists the recorded runs or prints run N's output, which
//!   `ticket new --attach-fix-run N` attaches to a report.
//! * `import FILE`: keeps a `.guichet-action` file brought by hand (USB stick) once it verifies.
//! * `key new -o FILE`, `sign …`: the admin's side: a signing key (0600) and a signed action.
//!
//! A refused action exits with status 2 and an `action_*` code (`action_unsigned`,
//! `action_tampered`, `action_untrusted`, `action_expired`, `action_malformed`,
//! `action_too_large`); an action that ran but failed exits 1 (`action_failed`).

use std::fmt::Write as _;
use std::io::{BufRead as _, Read as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};
use guichet_actions::published::{
    ActionFile, ActionManifest, MAX_ACTION_FILE_BYTES, MAX_SCRIPT_BYTES,
};
use guichet_actions::{ActionError, Plan};
use guichet_bundle::BundleSigner;
use guichet_core::{FixEntry, Policy};
use guichet_records::Sentence;
use serde::Serialize;

use crate::error::CliError;
use crate::{output, Context};

/// `guichet fix …`
#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(subcommand)]
    what: FixSub,
}

#[derive(Debug, Subcommand)]
enum FixSub {
    /// Every fix-it action, with what it would do or why it is refused.
    List,
    /// One action: its plan (and, for a published one, its signer, expiry and script).
    Show {
        /// The action's id.
        id: String,
    },
    /// Show an action's plan, ask, run it and record its output.
    Run {
        /// The action's id.
        id: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// The recorded runs; with a number, that run's output.
    Runs {
        /// A run's number.
        id: Option<i64>,
    },
    /// Keep a published action file brought by hand, once it verifies against the policy.
    Import {
        /// The `.guichet-action` file.
        file: PathBuf,
    },
    /// (admins) Sign a script as a published action.
    Sign(Box<SignArgs>),
    /// (admins) Signing keys.
    Key {
        #[command(subcommand)]
        what: KeySub,
    },
}

#[derive(Debug, Subcommand)]
enum KeySub {
    /// Create a signing key (owner-only file) and print the public key for the policy.
    New {
        /// The key file to create (never replaced).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
}

#[derive(Debug, Args)]
struct SignArgs {
    /// The admin's key file (`guichet fix key new`).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The `sh` script.
    #[arg(long, value_name = "FILE")]
    script: PathBuf,
    /// The action's id: lower-case letters, digits and dashes.
    #[arg(long)]
    name: String,
    /// Title in French.
    #[arg(long)]
    title_fr: String,
    /// Title in English.
    #[arg(long)]
    title_en: String,
    /// What it does, in French (shown before it runs).
    #[arg(long)]
    description_fr: String,
    /// What it does, in English.
    #[arg(long)]
    description_en: String,
    /// The script needs the network (otherwise its sandbox has none).
    #[arg(long)]
    network: bool,
    /// Seconds before it is killed.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// Last day it may run (YYYY-MM-DD, through the end of that day UTC, or an RFC 3339 time).
    #[arg(long, value_name = "DATE")]
    expires: String,
    /// The action file to write.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
}

/// Maps an action error to the CLI's codes: a refusal is invalid input (exit 2).
pub(crate) fn action_error(e: ActionError) -> CliError {
    match e {
        ActionError::Refusal(r) => CliError::new(r.code(), 2, anyhow::Error::new(r)),
        e @ ActionError::Unknown(_) => CliError::new("not_found", 1, anyhow::Error::new(e)),
        e @ ActionError::Refused(_) => CliError::new("action_refused", 2, anyhow::Error::new(e)),
        e @ ActionError::Unavailable(_) => {
            CliError::new("action_unavailable", 1, anyhow::Error::new(e))
        }
        e => anyhow::Error::new(e).into(),
    }
}

/// Runs `guichet fix`.
pub async fn run(ctx: &Context, args: FixArgs) -> Result<(), CliError> {
    match args.what {
        FixSub::Sign(a) => return sign(ctx, a),
        FixSub::Key {
            what: KeySub::New { output },
        } => return key_new(ctx, &output),
        _ => {}
    }
    let store = ctx.store().await?;
    let policy = policy()?;
    let now = Utc::now();
    match args.what {
        FixSub::List => {
            let list = guichet_core::fix_actions(&store, &policy, now).await?;
            let text = list.iter().map(line).collect::<String>();
            emit(ctx, &list, text)
        }
        FixSub::Show { id } => {
            let list = guichet_core::fix_actions(&store, &policy, now).await?;
            let e = list
                .into_iter()
                .find(|e| e.id == id)
                .ok_or_else(|| action_error(ActionError::Unknown(id)))?;
            let text = details(&e);
            emit(ctx, &e, text)?;
            match e.refusal {
                Some(r) if r.code.starts_with("action_") && r.code != "action_unavailable" => {
                    Err(refused(r))
                }
                _ => Ok(()),
            }
        }
        FixSub::Run { id, yes } => run_one(ctx, &store, &policy, &id, yes, now).await,
        FixSub::Runs { id } => runs(ctx, &store, id).await,
        FixSub::Import { file } => {
            let bytes = read_bounded(&file, MAX_ACTION_FILE_BYTES)?;
            let v = guichet_core::import_fix(&store, &policy, &bytes, "import", now).await?;
            let text = format!(
                "imported {} ({}), signed by {}, expires {}\n",
                v.manifest.name,
                v.manifest.title.en,
                v.publisher,
                v.manifest.expires_at.to_rfc3339()
            );
            emit(
                ctx,
                &serde_json::json!({"imported": v.manifest.name, "publisher": v.publisher}),
                text,
            )
        }
        FixSub::Sign(_) | FixSub::Key { .. } => Ok(()),
    }
}

fn refused(r: guichet_core::FixRefusal) -> CliError {
    let code = match r.code.as_str() {
        "action_unsigned" => "action_unsigned",
        "action_tampered" => "action_tampered",
        "action_untrusted" => "action_untrusted",
        "action_expired" => "action_expired",
        "action_too_large" => "action_too_large",
        _ => "action_malformed",
    };
    CliError::new(code, 2, anyhow::anyhow!(r.message))
}

fn policy() -> Result<Policy, CliError> {
    let path = guichet_core::policy_path();
    guichet_core::read_policy(&path).map_err(|e| CliError::new("policy", 2, anyhow::Error::new(e)))
}

async fn run_one(
    ctx: &Context,
    store: &guichet_store::Store,
    policy: &Policy,
    id: &str,
    yes: bool,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let plan = guichet_core::plan_fix(store, policy, id, now).await?;
    eprint!("{}", guichet_store::terminal_safe(&plan_text(&plan)));
    if !yes && !confirm()? {
        return Err(CliError::new(
            "cancelled",
            1,
            anyhow::anyhow!("not run: not confirmed (answer y, or pass --yes)"),
        ));
    }
    let done = guichet_core::run_fix(store, policy, id, now).await?;
    let o = &done.outcome;
    let text = format!(
        "{}run {} of {}: {} in {} ms (attach it with `guichet ticket new --attach-fix-run {}`)\n",
        o.output,
        done.run_id,
        o.action,
        if o.succeeded { "succeeded" } else { "failed" },
        o.elapsed_ms,
        done.run_id
    );
    emit(ctx, &done, text)?;
    if o.succeeded {
        Ok(())
    } else {
        Err(CliError::new(
            "action_failed",
            1,
            anyhow::anyhow!("the action {} failed (run {})", o.action, done.run_id),
        ))
    }
}

/// Asks on stderr, reads one line from stdin: `y`/`yes`/`o`/`oui` runs.
fn confirm() -> Result<bool, CliError> {
    eprint!("Run it? [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .take(64)
        .read_line(&mut answer)
        .context("reading the answer")?;
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        // No echo of the answer's newline: end the prompt's line ourselves.
        eprintln!();
    }
    Ok(matches!(
        answer.trim().to_lowercase().as_str(),
        "y" | "yes" | "o" | "oui"
    ))
}

async fn runs(
    ctx: &Context,
    store: &guichet_store::Store,
    id: Option<i64>,
) -> Result<(), CliError> {
    if let Some(id) = id {
        let run = guichet_core::fix_run(store, id).await?;
        let text = run.output.clone();
        return emit(ctx, &run, text);
    }
    let list = store.fix_runs(100).await?;
    let mut text = String::new();
    for r in &list {
        let _ = writeln!(
            text,
            "{}\t{}\t{}\t{}\t{} ms",
            r.id,
            r.action,
            r.started_at.format("%Y-%m-%d %H:%M:%S"),
            if r.succeeded { "ok" } else { "failed" },
            r.elapsed_ms
        );
    }
    emit(ctx, &list, text)
}

fn line(e: &FixEntry) -> String {
    let kind = if e.builtin { "built-in" } else { "published" };
    match (&e.plan, &e.refusal) {
        (Some(p), _) => format!("{}\t{kind}\t{}\n", e.id, p.title.en),
        (None, Some(r)) if r.code == "action_unavailable" => {
            format!("{}\t{kind}\tunavailable: {}\n", e.id, r.message)
        }
        (None, Some(r)) => format!("{}\t{kind}\trefused ({}): {}\n", e.id, r.code, r.message),
        (None, None) => format!("{}\t{kind}\n", e.id),
    }
}

fn plan_text(p: &Plan) -> String {
    let mut s = format!("{} / {}\n", p.title.en, p.title.fr);
    if let Some(who) = &p.publisher {
        let _ = writeln!(s, "published by {who}");
    }
    for step in &p.steps {
        let _ = writeln!(s, "  - {}", step.en);
    }
    if p.nothing_to_do {
        s.push_str("nothing to do\n");
    }
    s
}

fn details(e: &FixEntry) -> String {
    let mut s = line(e);
    if let Some(p) = &e.plan {
        s.push_str(&plan_text(p));
    }
    if let Some(src) = &e.source {
        let _ = writeln!(s, "source: {src}");
    }
    if let Some(i) = &e.published {
        let _ = writeln!(
            s,
            "signer: {} ({})\nexpires: {}\ntimeout: {} s\nnetwork: {}\nscript:\n{}",
            i.publisher,
            i.signer_fingerprint,
            i.expires_at.to_rfc3339(),
            i.timeout_secs,
            if i.needs_network { "yes" } else { "no" },
            i.script
        );
    }
    s
}

fn emit<T: Serialize>(ctx: &Context, value: &T, text: String) -> Result<(), CliError> {
    let bytes = if ctx.json {
        let mut b = serde_json::to_vec_pretty(value).context("encoding JSON")?;
        b.push(b'\n');
        b
    } else {
        text.into_bytes()
    };
    output::write(None, &bytes)?;
    Ok(())
}

/// Reads at most `limit` bytes of `path`; a larger file is refused before it is read whole.
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, CliError> {
    let f = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut bytes = Vec::new();
    f.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    if bytes.len() as u64 > limit {
        let r = guichet_actions::published::Refusal::TooLarge { limit };
        return Err(CliError::new(r.code(), 2, anyhow::Error::new(r)));
    }
    Ok(bytes)
}

fn expiry(text: &str) -> Result<DateTime<Utc>, CliError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| CliError::usage(format!("--expires {text}: expected YYYY-MM-DD")))?;
    let next = day
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .ok_or_else(|| CliError::usage(format!("--expires {text}: out of range")))?;
    Ok(next.and_utc())
}

fn sign(ctx: &Context, a: Box<SignArgs>) -> Result<(), CliError> {
    let key = BundleSigner::open(&a.key)
        .with_context(|| format!("opening the signing key {}", a.key.display()))?;
    let bytes = read_bounded(&a.script, MAX_SCRIPT_BYTES as u64)?;
    let script = String::from_utf8(bytes)
        .map_err(|_| CliError::usage(format!("{} is not UTF-8 text", a.script.display())))?;
    let expires_at = expiry(&a.expires)?;
    if expires_at <= Utc::now() {
        return Err(CliError::usage(format!("--expires {} is past", a.expires)));
    }
    let manifest = ActionManifest {
        name: a.name,
        title: Sentence::new(a.title_fr, a.title_en),
        description: Sentence::new(a.description_fr, a.description_en),
        needs_network: a.network,
        timeout_secs: a.timeout,
        expires_at,
        signer: String::new(),
    };
    let file = ActionFile::sign(manifest, script, &key)
        .map_err(|r| CliError::new(r.code(), 2, anyhow::Error::new(r)))?;
    output::write(Some(&a.output), &file)?;
    let view = serde_json::json!({
        "written": a.output,
        "public_key": key.public_key_hex(),
        "fingerprint": key.fingerprint(),
    });
    let text = format!(
        "signed action written to {} (key {})\n",
        a.output.display(),
        key.fingerprint()
    );
    emit(ctx, &view, text)
}

fn key_new(ctx: &Context, path: &Path) -> Result<(), CliError> {
    let key = BundleSigner::create_at(path, rand::random())
        .with_context(|| format!("creating the signing key {}", path.display()))?;
    let signer = serde_json::json!({"name": "IT", "public_key": key.public_key_hex()});
    let view = serde_json::json!({
        "key_file": path,
        "public_key": key.public_key_hex(),
        "fingerprint": key.fingerprint(),
    });
    let text = format!(
        "signing key written to {} (owner-only; keep it off the machines that run actions)\npublic key: {}\nfingerprint: {}\nadd to /etc/guichet/policy.json on each machine:\n  \"action_signers\": [{}]\n",
        path.display(),
        key.public_key_hex(),
        key.fingerprint(),
        signer
    );
    emit(ctx, &view, text)
}
