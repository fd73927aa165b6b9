//! Guichet desktop app entry point; everything lives in the library so tests can reach it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// Two glibc malloc arenas for the whole process instead of up to eight per core: with the
/// default, the app's anonymous memory crept up by about 14 KiB per sync pass over 500 passes
/// (scripts/long-run-app.sh), freed memory staying resident in the arenas of the runtime's
/// worker threads, as it did in the agent (which uses one arena; the app keeps two for its
/// UI thread and its workers).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fewer_malloc_arenas() {
    // SAFETY: mallopt only sets a parameter of glibc's allocator; it is called first thing in
    // main, before any other thread exists, and M_ARENA_MAX takes any positive value.
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fewer_malloc_arenas() {}

fn main() {
    fewer_malloc_arenas();
    guichet_app::run();
}
