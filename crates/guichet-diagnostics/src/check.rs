//! The one trait every check implements.

use guichet_records::Finding;

use crate::Context;

/// One thing Guichet checks on this machine. An implementation reads the machine (through
/// `guichet-inventory`), then hands the readings to its pure evaluation, which is what the
/// tests call with recorded outputs.
pub trait Check: Send + Sync {
    /// The stable id of the check's findings (`storage.free`); a check covering several
    /// subjects (volumes, queues) returns one finding per subject with this id.
    fn id(&self) -> &'static str;

    /// Reads and evaluates. Never panics on odd input, never needs root; when the thing cannot
    /// be measured here it returns one `unknown` finding saying why.
    fn run(&self, ctx: &Context) -> Vec<Finding>;
}
