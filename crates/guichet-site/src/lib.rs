//! Exports of the site register meant for people, shared by the `guichet` command line and the
//! desktop app (both call these functions; neither formats on its own):
//!
//! * [`report`]: one CSV of machines and assets, and a self-contained printable HTML report in
//!   French or English.
//! * [`label`]: asset labels, a QR code that identifies the asset for good beside the text a
//!   person reads, as SVG, a printable HTML page (one label, or a sheet of several) and PNG.
//!
//! Pure functions of what the store returns and of the time given: no I/O, no clock.

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

pub mod label;
pub mod report;

pub use report::{size, Lang, Site};

/// What can go wrong while producing an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The CSV writer failed.
    #[error("writing CSV: {0}")]
    Csv(String),
    /// The data does not fit in a QR code.
    #[error("QR code: {0}")]
    Qr(String),
    /// Compressing the PNG failed.
    #[error("PNG: {0}")]
    Png(String),
}
