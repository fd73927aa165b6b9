//! Retry timing: exponential backoff, capped, with equal jitter (half fixed, half random) so
//! that many agents coming back online do not hit the server in step.

use std::time::Duration;

use rand::{Rng, RngCore};

/// Retry timing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay before the first retry (before jitter).
    pub base: Duration,
    /// Longest delay.
    pub max: Duration,
    /// Attempts after which an entry that keeps getting malformed answers is parked.
    pub malformed_limit: u32,
    /// How long a send whose outcome is unknown (its sender died, or the answer timed out or
    /// the connection broke after the request left) is left to the server before the entry is
    /// looked up there and sent again: a server may still be finishing a request whose
    /// client is gone, and a look-up before it has committed finds nothing, which would
    /// create the ticket twice. The request timeout is the natural value: the time the
    /// client would have waited for that answer anyway.
    pub settle: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(30),
            max: Duration::from_secs(3600),
            malformed_limit: 3,
            settle: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The default policy with `settle` set to the connection's request timeout.
    pub fn with_request_timeout(timeout: Duration) -> Self {
        RetryPolicy {
            settle: timeout,
            ..RetryPolicy::default()
        }
    }

    /// The delay after the `attempts`-th consecutive failure (0-based), jittered into
    /// `[d/2, d]`.
    pub fn delay(&self, attempts: u32, rng: &mut (dyn RngCore + Send)) -> Duration {
        let factor = 2u32.saturating_pow(attempts.min(20));
        let d = self.base.saturating_mul(factor).min(self.max);
        let half = d / 2;
        half + half.mul_f64(rng.random::<f64>())
    }
}
