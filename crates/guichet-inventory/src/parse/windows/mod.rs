//! Parsers for the outputs Windows collectors fetch: registry exports (`reg export`) and WMI
//! instance dumps in `wmic … get /format:list` layout (which our PowerShell fetch reproduces).

pub mod registry;
pub mod security;
pub mod text;
pub mod wmi;
