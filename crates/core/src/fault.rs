//! Fault injection for the crash tests: a named point in a multi-step file operation (encrypting
//! a plain database, creating the database key) where a test can make the process die or wait.
//!
//! Only debug builds (`cfg(debug_assertions)`, which `cargo test` and the CLI's integration
//! tests use) read `VERNETZT_FAULT`; in a release build [`point`] is an empty function, so a
//! user's environment can never make the shipped app abort or stall.
//!
//! - `VERNETZT_FAULT=<point>`: the process aborts (`std::process::abort`, no destructors, no
//!   flushing: as close to a kill as a process can do to itself) when it reaches `<point>`.
//! - `VERNETZT_FAULT=pause:<point>`: the process sleeps half a second there, so that a test can
//!   make two processes meet in the window a lock has to close.

/// The environment variable the crash tests set (debug builds only).
pub const FAULT_ENV: &str = "VERNETZT_FAULT";

/// Marks the point `name`; see the module documentation.
#[cfg(debug_assertions)]
pub fn point(name: &str) {
    let Ok(wanted) = std::env::var(FAULT_ENV) else {
        return;
    };
    if wanted == name {
        std::process::abort();
    }
    if wanted.strip_prefix("pause:") == Some(name) {
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// Marks the point `name`: nothing in a release build.
#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn point(_name: &str) {}
