//! Tickets: creating one exactly once (`create`), replying exactly once (`replies`), the files
//! sent and received with them (`files`), and reading back what the other side changed
//! (`remote`).

mod create;
mod files;
mod remote;
mod replies;

#[cfg(feature = "fuzzing")]
pub(crate) use files::{attachment_bytes, file_part};
#[cfg(feature = "fuzzing")]
pub(crate) use remote::{body_part, other_side_reply, ticket_update};
