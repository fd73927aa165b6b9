//! A verified published action behind the [`Action`] trait: its plan says what the admin wrote
//! and what the sandbox allows; its run is the script in the sandbox.

use std::time::Duration;

use guichet_records::Sentence;

use super::sandbox::{Sandbox, SandboxRun, MAX_OUTPUT_BYTES};
use super::verify::VerifiedAction;
use crate::{Action, ActionContext, ActionError, Outcome, Plan};

/// A published action that passed verification.
#[derive(Debug, Clone)]
pub struct PublishedAction {
    verified: VerifiedAction,
}

impl PublishedAction {
    /// Wraps a verified action.
    pub fn new(verified: VerifiedAction) -> Self {
        PublishedAction { verified }
    }

    /// What was verified.
    pub fn verified(&self) -> &VerifiedAction {
        &self.verified
    }

    fn timeout(&self) -> Duration {
        Duration::from_secs(self.verified.manifest.timeout_secs)
    }
}

impl Action for PublishedAction {
    fn id(&self) -> String {
        self.verified.manifest.name.clone()
    }

    fn plan(&self, _ctx: &ActionContext) -> Result<Plan, ActionError> {
        let m = &self.verified.manifest;
        let secs = m.timeout_secs;
        let network = if m.needs_network {
            Sentence::new("Il a accès au réseau.", "It has access to the network.")
        } else {
            Sentence::new("Il n'a pas accès au réseau.", "It has no network access.")
        };
        Ok(Plan {
            action: m.name.clone(),
            title: m.title.clone(),
            steps: vec![
                m.description.clone(),
                Sentence::new(
                    // « publié par » reads right before any name (« de IT desk » would not).
                    format!("Le script publié par {} s'exécute dans un bac à sable : le système en lecture seule, sans accès à vos fichiers personnels.", self.verified.publisher),
                    format!("{}'s script runs in a sandbox: the system read-only, no access to your personal files.", self.verified.publisher),
                ),
                network,
                Sentence::new(
                    format!("Il est arrêté au bout de {secs} s."),
                    format!("It is stopped after {secs} s."),
                ),
            ],
            needs_network: m.needs_network,
            publisher: Some(self.verified.publisher.clone()),
            nothing_to_do: false,
        })
    }

    fn run(&self, ctx: &ActionContext) -> Result<Outcome, ActionError> {
        let sandbox = Sandbox::find()?;
        let run = sandbox.run(
            &self.verified.script,
            self.verified.manifest.needs_network,
            self.timeout(),
        )?;
        Ok(outcome(self.id(), ctx, &run))
    }
}

/// The outcome recorded for a sandboxed run: the output, then a line on how it ended.
pub fn outcome(action: String, ctx: &ActionContext, run: &SandboxRun) -> Outcome {
    let mut output = run.output.clone();
    if !output.is_empty() && !output.ends_with('\n') {
        output.push('\n');
    }
    if run.truncated {
        output.push_str(&format!("[output cut at {MAX_OUTPUT_BYTES} bytes]\n"));
    }
    output.push_str(&match (run.timed_out, run.status) {
        (true, _) => format!("[stopped after {} s]\n", run.elapsed.as_secs()),
        (false, Some(code)) => format!("[exit status {code}]\n"),
        (false, None) => "[killed by a signal]\n".to_string(),
    });
    Outcome {
        action,
        started_at: ctx.now,
        elapsed_ms: u64::try_from(run.elapsed.as_millis()).unwrap_or(u64::MAX),
        succeeded: run.succeeded(),
        output,
    }
}
