//! Parsers for the outputs macOS collectors fetch (`system_profiler`).
