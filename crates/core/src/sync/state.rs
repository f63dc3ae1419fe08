//! What a sync keeps between runs for one collection (address book or calendar), and the rules
//! for how a run changes it. Pure: the store keeps the values (`dav_collections`), the network
//! crate reads them before a run and hands back what it saw.

use super::{CheckState, unchanged};

/// How a pull found what changed, when not by sync-collection.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    /// It did not: sync-collection answered.
    #[default]
    No,
    /// The server refused the stored token (expired): the next sync starts a fresh one.
    TokenRefused,
    /// The server refused sync-collection without a token: it has none (RFC 6578 missing).
    NoSyncCollection,
}

/// What a sync keeps for one collection, for the change check ([`super::check_first`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectionState {
    /// The token of the last sync-collection (empty: start a fresh one).
    pub sync_token: String,
    /// The CTag read before the last complete pull (empty: none trusted).
    pub ctag: String,
    /// No push of ours since the token was given, so it still describes the server.
    pub token_current: bool,
    /// The server lists instead of answering sync-collection.
    pub listing: bool,
}

impl CollectionState {
    /// What the change check knows of this collection before a run.
    pub fn check_state(&self, pushes_pending: bool) -> CheckState {
        CheckState {
            baseline: !self.ctag.is_empty(),
            token_baseline: self.token_current && !self.sync_token.is_empty(),
            pushes_pending,
            lists: self.listing,
        }
    }

    /// Whether what the check read (CTag, sync token) shows the collection unchanged.
    pub fn unchanged(&self, seen_ctag: Option<&str>, seen_token: Option<&str>) -> bool {
        let current = if self.token_current {
            self.sync_token.as_str()
        } else {
            ""
        };
        unchanged(seen_ctag, seen_token, &self.ctag, current)
    }

    /// After the pull (or the check that spared it): the CTag read before it is the next
    /// baseline (none read: none kept, an old one is not trusted). A pull that ran keeps the
    /// token it got (a refused one is dropped, a listing keeps the old one), which is current
    /// until we push; a server without sync-collection is remembered as listing.
    pub fn pulled(
        &mut self,
        was_unchanged: bool,
        seen_ctag: Option<&str>,
        token: Option<&str>,
        listed: Listed,
    ) {
        self.ctag = seen_ctag.unwrap_or_default().to_string();
        if was_unchanged {
            return;
        }
        match listed {
            Listed::No => {
                if let Some(t) = token {
                    self.sync_token = t.to_string();
                }
            }
            Listed::TokenRefused => self.sync_token.clear(),
            Listed::NoSyncCollection => {}
        }
        self.token_current = listed == Listed::No && token.is_some();
        self.listing = listed == Listed::NoSyncCollection;
    }

    /// Our own pushes moved the CTag and the token: neither says "unchanged" any more.
    pub fn pushed(&mut self) {
        self.ctag.clear();
        self.token_current = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(token: &str, ctag: &str, current: bool) -> CollectionState {
        CollectionState {
            sync_token: token.into(),
            ctag: ctag.into(),
            token_current: current,
            listing: false,
        }
    }

    /// What a pull leaves: `before`, whether the check showed it unchanged, the CTag seen, the
    /// token got, how it was listed.
    fn pull(
        before: CollectionState,
        unchanged: bool,
        ctag: Option<&str>,
        token: Option<&str>,
        listed: Listed,
    ) -> CollectionState {
        let mut s = before;
        s.pulled(unchanged, ctag, token, listed);
        s
    }

    #[test]
    fn a_pull_keeps_what_it_learnt() {
        let (c1, c2, t2) = (Some("c1"), Some("c2"), Some("t2"));
        let after = pull(kept("t1", "", false), false, c2, t2, Listed::No);
        assert_eq!(after, kept("t2", "c2", true));
        let after = pull(kept("t1", "c1", true), true, c1, None, Listed::No);
        assert_eq!(after, kept("t1", "c1", true));
        // A new token, the CTag not seen.
        let after = pull(kept("t1", "c1", true), false, None, t2, Listed::No);
        assert_eq!(after, kept("t2", "", true));
        // A refused token is dropped.
        let refused = Listed::TokenRefused;
        let after = pull(kept("t1", "", true), false, None, None, refused);
        assert_eq!(after, kept("", "", false));
        // Without sync-collection, the collection is listed from now on.
        let listed = Listed::NoSyncCollection;
        let after = pull(kept("", "", false), false, Some("c9"), None, listed);
        let listing = CollectionState {
            listing: true,
            ..kept("", "c9", false)
        };
        assert_eq!(after, listing);
    }

    #[test]
    fn a_push_spends_the_baselines() {
        let mut s = kept("t1", "c1", true);
        s.pushed();
        assert_eq!(s, kept("t1", "", false));
        assert!(!s.unchanged(Some("c1"), Some("t1")));
        let s = kept("t1", "c1", true);
        assert!(s.unchanged(Some("c1"), None) && s.unchanged(None, Some("t1")));
        assert_eq!(
            s.check_state(true),
            CheckState {
                baseline: true,
                token_baseline: true,
                pushes_pending: true,
                lists: false
            }
        );
    }
}
