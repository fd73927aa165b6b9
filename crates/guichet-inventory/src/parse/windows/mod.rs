//! Parsers for the outputs Windows collectors fetch (registry exports, WMI dumps).
