//! Tickets: creating one exactly once (`create`), replying exactly once (`replies`), the files
//! sent and received with them (`files`), and reading back what the other side changed
//! (`remote`).

mod create;
mod files;
mod remote;
mod replies;
