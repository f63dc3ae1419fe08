//! Vernetzt's network edge and its secrets.
//!
//! Everything that talks to another machine or to the operating system's keyring lives here, apart
//! from the core (`vernetzt-core`), so the core stays fast to build and test and never needs a
//! network, and so the rules that protect users on the wire (https only, bounded size, time and
//! redirects, secrets never in logs or error texts) are written once. What a sync or a send
//! decides (merging, planning pushes, the outbox's states) is pure and lives in the core; the
//! modules here do the I/O around it and keep the store locked only between requests.
//!
//! - [`feed`]: fetch an iCalendar feed over HTTP(S) with conditional GET and hard limits.
//! - [`feed_sync`]: subscribe to feeds and sync them into the store (planning and storing stay in
//!   `vernetzt-core`).
//! - [`dav`]: two-way sync with the user's groupware server: contacts over CardDAV and, when the
//!   server has a calendar, the user's own events with their invitees' answers over CalDAV
//!   (libdav requests over reqwest; discovery, change check, sync-collection, multiget,
//!   conditional PUT/DELETE).
//! - [`loopback`]: the one rule for plain http and smtp: allowed only to this computer.
//! - [`resolve`]: host names resolved for the HTTP clients, refusing a server elsewhere a name
//!   that leads into this computer or a private network.
//! - [`dbkey`]: the database key (keyring or passphrase) and opening the encrypted store.
//! - [`mail`]: send invitations by SMTP from the store's outbox, resumable after a kill.
//! - [`secrets`]: keep every secret Vernetzt holds in the OS keyring (the Secret Service on
//!   Linux), never in the database: feed passwords and tokens, the DAV and SMTP passwords and the
//!   database key.

pub mod dav;
pub mod dbkey;
pub mod feed;
pub mod feed_sync;
pub mod loopback;
pub mod mail;
pub mod outbox;
pub mod resolve;
pub mod secrets;

pub use feed::{
    Auth, FeedRequest, FetchError, FetchOutcome, Limits, client, fetch_feed, normalize_feed_url,
};
pub use secrets::{SecretError, Secrets};
