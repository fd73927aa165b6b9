//! A run's one visit to the service desk. `desk.https`, `clock.offset` and `network.dns` all
//! need the desk's name lookup or its answer: each asking on its own made several lookups and
//! connections per run (a desk behind a rate limit counts them; a slow one made each check
//! wait in turn). Now the first of them to need the desk starts the visit on a thread of its
//! own, ending at that check's deadline, and each check waits for the part it needs (the
//! lookup, or the answer) until its own deadline at most.
//!
//! The visit reads the answer whatever the certificate (the clock needs the desk's `Date`
//! even when its certificate is refused; only a `HEAD` request without any credential is
//! sent), and keeps the certificate's verdict, so that [`VisitState::verified`] gives the
//! answer as a client refusing that certificate would have had it (what `desk.https` judges).

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

use super::{
    probe_watched, CertReading, CertVerdict, DeskAddress, DeskAnswer, DeskFailure, NameLookup,
    Progress, ProxyChoice, Step, Trust,
};

/// What the visit has learnt so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitState {
    /// The step it is at (or ended at).
    pub step: Step,
    /// The desk's name lookup, once done (a direct connection only).
    pub lookup: Option<NameLookup>,
    /// The certificate the handshake showed, once over.
    pub cert: Option<CertReading>,
    /// How the exchange ended, once it has.
    pub outcome: Option<Result<DeskAnswer, DeskFailure>>,
}

impl VisitState {
    /// The answer as read whatever the certificate; while none has come, a timeout at the
    /// step reached.
    pub fn read_anyway(&self) -> Result<DeskAnswer, DeskFailure> {
        self.outcome
            .clone()
            .unwrap_or(Err(DeskFailure::TimedOut(self.step)))
    }

    /// The answer as a client stopping at a refused certificate would have had it: the
    /// certificate's refusal, whatever came after it.
    pub fn verified(&self) -> Result<DeskAnswer, DeskFailure> {
        match &self.cert {
            Some(c) if c.verdict != CertVerdict::Valid => Err(DeskFailure::Certificate(c.clone())),
            _ => self.read_anyway(),
        }
    }
}

/// One visit to the desk, shared by the checks of a run (see the module).
pub struct DeskVisit {
    state: Mutex<VisitState>,
    changed: Condvar,
}

impl fmt::Debug for DeskVisit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeskVisit")
            .field("state", &*self.lock())
            .finish()
    }
}

impl DeskVisit {
    /// Starts visiting `desk` (through `proxy`, trusting `ca_file` besides the system's
    /// roots) on a thread of its own, which stops at `deadline`.
    pub fn start(
        desk: DeskAddress,
        proxy: Option<ProxyChoice>,
        ca_file: Option<PathBuf>,
        deadline: Instant,
    ) -> Arc<DeskVisit> {
        let visit = Arc::new(DeskVisit {
            state: Mutex::new(VisitState::default()),
            changed: Condvar::new(),
        });
        let job = Arc::clone(&visit);
        let spawned = std::thread::Builder::new()
            .name("desk visit".into())
            .spawn(move || {
                let outcome = probe_watched(
                    &desk,
                    proxy.as_ref(),
                    ca_file.as_deref(),
                    Trust::ReadAnyway,
                    deadline,
                    job.as_ref(),
                );
                job.update(|s| s.outcome = Some(outcome));
            });
        if let Err(e) = spawned {
            visit.update(|s| s.outcome = Some(Err(DeskFailure::Broken(e.to_string()))));
        }
        visit
    }

    /// Waits until `ready` holds of what the visit knows, or until `until`; what it knows then.
    pub fn wait(&self, until: Instant, ready: impl Fn(&VisitState) -> bool) -> VisitState {
        let mut state = self.lock();
        while !ready(&state) {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = match self.changed.wait_timeout(state, left) {
                Ok((s, _)) => s,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        state.clone()
    }

    /// Waits for the exchange's end (see [`DeskVisit::wait`]).
    pub fn answer(&self, until: Instant) -> VisitState {
        self.wait(until, |s| s.outcome.is_some())
    }

    /// Waits for the desk's name lookup, or the exchange's end when it makes none.
    pub fn lookup(&self, until: Instant) -> VisitState {
        self.wait(until, |s| s.lookup.is_some() || s.outcome.is_some())
    }

    fn lock(&self) -> MutexGuard<'_, VisitState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn update(&self, change: impl FnOnce(&mut VisitState)) {
        change(&mut self.lock());
        self.changed.notify_all();
    }
}

impl Progress for DeskVisit {
    fn step(&self, step: Step) {
        self.update(|s| s.step = step);
    }

    fn looked_up(&self, lookup: &NameLookup) {
        self.update(|s| s.lookup = Some(lookup.clone()));
    }

    fn certificate(&self, cert: Option<&CertReading>) {
        self.update(|s| s.cert = cert.cloned());
    }
}

/// What a visit was made for: a context asking for another desk gets another visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VisitKey {
    pub desk: DeskAddress,
    pub proxy: Option<ProxyChoice>,
    pub ca_file: Option<PathBuf>,
}

/// Where a run keeps its visit, started at the first request. A clone is empty: cloning a
/// context makes a new run, which visits the desk again.
#[derive(Default)]
pub(crate) struct VisitSlot(Mutex<Option<(VisitKey, Arc<DeskVisit>)>>);

impl Clone for VisitSlot {
    fn clone(&self) -> Self {
        VisitSlot::default()
    }
}

impl fmt::Debug for VisitSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let started = self.0.lock().map(|s| s.is_some()).unwrap_or(true);
        f.debug_struct("VisitSlot")
            .field("started", &started)
            .finish()
    }
}

impl VisitSlot {
    /// The visit for `key`, started now (to end by `deadline`) unless it already was.
    pub fn get_or_start(&self, key: VisitKey, deadline: Instant) -> Arc<DeskVisit> {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((k, visit)) = slot.as_ref() {
            if *k == key {
                return Arc::clone(visit);
            }
        }
        let visit = DeskVisit::start(
            key.desk.clone(),
            key.proxy.clone(),
            key.ca_file.clone(),
            deadline,
        );
        *slot = Some((key, Arc::clone(&visit)));
        visit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk_probe::Head;
    use chrono::DateTime;
    use std::time::Duration;

    fn answered() -> Result<DeskAnswer, DeskFailure> {
        Ok(DeskAnswer {
            head: Head {
                status: 200,
                date: None,
            },
            received_at: DateTime::UNIX_EPOCH,
            cert: None,
            elapsed: Duration::from_millis(3),
        })
    }

    #[test]
    fn a_refused_certificate_is_what_a_verifying_client_sees_whatever_came_after() {
        let expired = CertReading {
            verdict: CertVerdict::Expired,
            not_after: None,
        };
        let s = VisitState {
            step: Step::Answer,
            lookup: None,
            cert: Some(expired.clone()),
            outcome: Some(Err(DeskFailure::TimedOut(Step::Answer))),
        };
        assert_eq!(s.verified(), Err(DeskFailure::Certificate(expired)));
        assert_eq!(s.read_anyway(), Err(DeskFailure::TimedOut(Step::Answer)));
        let valid = VisitState {
            cert: Some(CertReading {
                verdict: CertVerdict::Valid,
                not_after: None,
            }),
            outcome: Some(answered()),
            ..s
        };
        assert_eq!(valid.verified(), answered());
    }

    #[test]
    fn a_waiter_gives_up_at_its_deadline_with_the_step_reached() {
        let visit = DeskVisit {
            state: Mutex::new(VisitState::default()),
            changed: Condvar::new(),
        };
        visit.step(Step::Handshake);
        let started = Instant::now();
        let s = visit.answer(started + Duration::from_millis(50));
        assert!(started.elapsed() >= Duration::from_millis(50));
        assert_eq!(s.read_anyway(), Err(DeskFailure::TimedOut(Step::Handshake)));
    }
}
