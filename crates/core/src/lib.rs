//! Vernetzt's core: the domain, the local store, search and the built-in directory.
//!
//! This crate knows nothing of Tauri or the network, so it builds and tests in seconds without a
//! display. The desktop shell (`src-tauri/`) and the CLI (`crates/cli`) are thin adapters over it.

pub mod accessibility;
pub mod at_event;
pub mod card;
pub mod clock;
pub mod csv;
pub mod demo;
pub mod directory;
pub mod error;
pub mod exchange;
pub mod export;
pub mod fault;
pub mod files;
pub mod fold;
pub mod hash;
pub mod ical;
pub mod invite;
pub mod model;
pub mod opening;
pub mod paths;
pub mod photo;
pub mod qr;
pub mod redact;
pub mod retention;
pub mod roles;
pub mod rules;
pub mod schedule;
pub mod series;
pub mod settings;
pub mod store;
pub mod sync;
#[cfg(test)]
mod test_support;
pub mod vcard;

pub use error::{Error, Result};
pub use store::Store;
