//! Fix-it actions: what Guichet offers to do about a failing check, always shown before it is
//! run (the [`Plan`]), always as the user, never as root.
//!
//! * [`Action`] is the one trait: `plan` says what will happen (sizes, jobs, queues) without
//!   changing anything; `run` does it and returns an [`Outcome`] whose output can be attached
//!   to a ticket.
//! * Built-in actions live in `builtin/`, one file each.
//! * Published actions (a script a service desk signs with `guichet fix sign`) live in
//!   `published/`: verified against the keys the machine's policy trusts, then run in a
//!   sandbox with a timeout.
#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

mod action;
mod builtin;

pub use action::{Action, ActionContext, ActionError, Outcome, Plan};
pub use builtin::{
    builtin_actions, parse_active_connections, parse_permissions, ActiveConnection, FreeSpace,
    NetworkRenew, PrintQueue, SAFE_CACHES,
};
