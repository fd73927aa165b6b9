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
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(30),
            max: Duration::from_secs(3600),
            malformed_limit: 3,
        }
    }
}

impl RetryPolicy {
    /// The delay after the `attempts`-th consecutive failure (0-based), jittered into
    /// `[d/2, d]`.
    pub fn delay(&self, attempts: u32, rng: &mut (dyn RngCore + Send)) -> Duration {
        let factor = 2u32.saturating_pow(attempts.min(20));
        let d = self.base.saturating_mul(factor).min(self.max);
        let half = d / 2;
        half + half.mul_f64(rng.random::<f64>())
    }
}
