//! Domain types as the store returns them and as the UI (through the Tauri shell), the CLI
//! (`--json`), the imports and the syncs (feeds, CardDAV, CalDAV) exchange them.
//!
//! They are plain serde data with little behaviour of their own (stored forms, splitting a typed
//! name), so every edge can share them and the JSON the UI and `--json` see is defined in one
//! place. Output types (`Contact`, `Organization`, `Feed`) are flat and denormalised for display:
//! a contact carries its organisation's name, an organisation its Land's name. Input types
//! (`ContactInput`, `OrganizationInput`, `OwnEventInput`) carry only what a user can set; the
//! store validates and normalises them.
//!
//! One file per topic; everything is re-exported here, so the path is always
//! `vernetzt_core::model::X`:
//! - `organization`: levels, Länder, Themenfelder, organisations of the directory.
//! - `contact`: contacts, notes, photos, and splitting a typed name.
//! - `events`: feeds, event occurrences, the user's own events.
//! - `import`: what a vCard or CSV import reads and reports.
//! - `networking`: attendance, encounters, follow-ups, the timeline, event series.

mod contact;
mod events;
mod import;
mod networking;
mod organization;

pub use contact::*;
pub use events::*;
pub use import::*;
pub use networking::*;
pub use organization::*;
