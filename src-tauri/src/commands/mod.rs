//! The commands the UI may call: thin wrappers (a few lines each) over the crates. Every one is
//! registered in [`crate::specta_builder`], which also generates the TypeScript bindings, and is
//! allowed by name in the main window's capability file.
//!
//! One file per page family: [`inventory`], [`tickets`], [`kb`], [`settings`], [`diagnostics`].

pub mod diagnostics;
pub mod inventory;
pub mod kb;
pub mod settings;
pub mod tickets;
