//! Parsers for the outputs macOS collectors fetch (`system_profiler`, text and `-xml`).

pub mod system_profiler;
