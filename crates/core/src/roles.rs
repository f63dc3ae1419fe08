//! Roles over time (issue 17): the pure rules behind a contact's history of posts.
//!
//! Why a history at all: the OZG network is a network of posts (the OZG coordinator of a Land,
//! the Themenfeld lead), and posts change hands every few years. Overwriting a contact's role
//! loses who held which post when; keeping each role with its dates answers "who holds post X
//! now, and who held it in 2023?". The rules here need no database and no clock: the store and
//! the UI pass the dates in.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// One role: a function at an organisation, optionally in a Themenfeld, over a span of time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    /// Row id.
    pub id: i64,
    /// The holder; `None` for a vacant post.
    pub contact_id: Option<i64>,
    /// The holder's display name, for lists of holders.
    pub contact_name: Option<String>,
    /// The function ("OZG-Koordinatorin"); may be empty when only the organisation is known.
    pub function: String,
    /// The organisation, if known.
    pub organization_id: Option<i64>,
    /// Its name, for display.
    pub organization: Option<String>,
    /// Its level (`bund`, `land`, `kommune`, `other`).
    pub level: Option<String>,
    /// Its Land key (`14`).
    pub land_key: Option<String>,
    /// Themenfeld key, if the post belongs to one.
    pub themenfeld: Option<String>,
    /// Start (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`); `None` when not known.
    pub from: Option<String>,
    /// End in the same forms; `None` while the role is held.
    pub to: Option<String>,
    /// A post with nobody in it.
    pub vacant: bool,
}

impl Role {
    /// Held now: no end date. The current role of a contact is the one the contact fields show.
    pub fn is_current(&self) -> bool {
        self.to.is_none()
    }
}

/// What the user answered to "Korrektur oder Wechsel der Stelle?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EditKind {
    /// The stored role was wrong (a typo, a wrong organisation): rewrite it, no history.
    Correction,
    /// The person moved to another post: close the old role, open a new one.
    Change,
}

/// What an edit of a contact's role or organisation means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EditMeaning {
    /// Role and organisation are as before: nothing to ask, nothing to record.
    Unchanged,
    /// There was no role before: the new one is simply written, nothing to ask.
    First,
    /// The user must answer "Korrektur oder Wechsel der Stelle?" before saving.
    Ask,
    /// Rewrite the current role.
    Correction,
    /// Close the current role and open a new one.
    Change,
}

/// Decides what an edit of role/organisation means, given the user's answer if any.
///
/// Why a rule of its own: the form, the CLI and the import preview must agree on when the
/// question is asked. Comparison ignores surrounding blanks and letter case, so fixing "ozg-
/// koordinatorin" to "OZG-Koordinatorin" is still a change of text but an empty role that stays
/// empty is not.
pub fn edit_meaning(
    old: (Option<&str>, Option<i64>),
    new: (Option<&str>, Option<i64>),
    answer: Option<EditKind>,
) -> EditMeaning {
    let norm = |s: Option<&str>| {
        s.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let (old_role, old_org) = (norm(old.0), old.1);
    let (new_role, new_org) = (norm(new.0), new.1);
    if old_role == new_role && old_org == new_org {
        return EditMeaning::Unchanged;
    }
    if old_role.is_none() && old_org.is_none() {
        return EditMeaning::First;
    }
    match answer {
        None => EditMeaning::Ask,
        Some(EditKind::Correction) => EditMeaning::Correction,
        Some(EditKind::Change) => EditMeaning::Change,
    }
}

/// A change or correction of a contact's post, as the form or `vernetzt roles change` sends it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RoleChange {
    /// The function; may be empty.
    pub function: String,
    /// The organisation.
    pub organization_id: Option<i64>,
    /// Themenfeld key.
    pub themenfeld: Option<String>,
    /// Date of the change (start of the new role, end of the old one); today when absent.
    pub from: Option<String>,
    /// Correction instead of a change of post.
    pub correction: bool,
}

/// "Who holds post X now, or at date D?", with the directory's filters.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HoldersQuery {
    /// Text in the function ("OZG-Koordinator" finds "OZG-Koordinatorin"); empty for any.
    pub function: String,
    /// Level of the organisation.
    pub level: Option<crate::model::Level>,
    /// Land (key, ISO code or name).
    pub land: Option<String>,
    /// Themenfeld key.
    pub themenfeld: Option<String>,
    /// Organisation id.
    pub organization_id: Option<i64>,
    /// Only roles held at this date (any precision); all roles, current first, when absent.
    pub at: Option<String>,
    /// Only vacant posts.
    pub vacant_only: bool,
}

/// Checks a role date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (also `MM/YYYY` as people write it).
/// Returns it in ISO form.
pub fn parse_role_date(text: &str) -> Result<String> {
    let t = text.trim();
    let iso = match t.split_once('/') {
        Some((m, y)) if m.len() <= 2 && y.len() == 4 => format!("{y}-{m:0>2}"),
        _ => t.to_string(),
    };
    let bad = || {
        Error::invalid(
            "date_invalid",
            "date",
            format!("'{t}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        )
    };
    let parts: Vec<&str> = iso.split('-').collect();
    let num = |s: &str, len: usize, lo: u32, hi: u32| {
        s.len() == len && s.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n))
    };
    let ok = match parts.as_slice() {
        [y] => num(y, 4, 1900, 2999),
        [y, m] => num(y, 4, 1900, 2999) && num(m, 2, 1, 12),
        [y, m, d] => {
            num(y, 4, 1900, 2999)
                && num(m, 2, 1, 12)
                && num(d, 2, 1, 31)
                && chrono::NaiveDate::parse_from_str(&iso, "%Y-%m-%d").is_ok()
        }
        _ => false,
    };
    if ok { Ok(iso) } else { Err(bad()) }
}

/// The first day a date of any precision can mean (`2024-03` → `2024-03-01`).
fn first_day(d: &str) -> String {
    match d.len() {
        4 => format!("{d}-01-01"),
        7 => format!("{d}-01"),
        _ => d.to_string(),
    }
}

/// The last day a date of any precision can mean (`2024` → `2024-12-31`; string order suffices).
fn last_day(d: &str) -> String {
    match d.len() {
        4 => format!("{d}-12-31"),
        7 => format!("{d}-31"),
        _ => d.to_string(),
    }
}

/// Whether a role spanning `from`..`to` was held at `at` (any precision). A role "until 2024-03"
/// and one "since 2024-03" both cover March 2024: a month-precise change cannot say more, and
/// answering both is better than answering neither. An unknown start counts as "always".
pub fn held_at(from: Option<&str>, to: Option<&str>, at: &str) -> bool {
    let (at_start, at_end) = (first_day(at), last_day(at));
    let started = from.is_none_or(|f| first_day(f) <= at_end);
    let not_ended = to.is_none_or(|t| last_day(t) >= at_start);
    started && not_ended
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_asks_only_when_a_role_existed_and_changed() {
        let old = (Some("Referentin"), Some(1));
        assert_eq!(
            edit_meaning(old, (Some(" Referentin "), Some(1)), None),
            EditMeaning::Unchanged
        );
        assert_eq!(
            edit_meaning((None, None), (Some("Referentin"), None), None),
            EditMeaning::First
        );
        assert_eq!(
            edit_meaning((Some(""), None), (Some("Referentin"), None), None),
            EditMeaning::First
        );
        assert_eq!(
            edit_meaning(old, (Some("OZG-Koordinatorin"), Some(2)), None),
            EditMeaning::Ask
        );
        assert_eq!(
            edit_meaning(old, (Some("Referentin"), Some(2)), Some(EditKind::Change)),
            EditMeaning::Change
        );
        assert_eq!(
            edit_meaning(old, (Some("Referent"), Some(1)), Some(EditKind::Correction)),
            EditMeaning::Correction
        );
    }

    #[test]
    fn role_dates_take_the_forms_people_write() {
        assert_eq!(parse_role_date("2024").unwrap(), "2024");
        assert_eq!(parse_role_date("2024-03").unwrap(), "2024-03");
        assert_eq!(parse_role_date("03/2024").unwrap(), "2024-03");
        assert_eq!(parse_role_date("3/2024").unwrap(), "2024-03");
        assert_eq!(parse_role_date("2024-03-15").unwrap(), "2024-03-15");
        for bad in ["", "2024-13", "2024-02-30", "24-03", "März 2024", "2024-3"] {
            assert!(parse_role_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn held_at_reads_dates_of_any_precision() {
        // Referentin 2021–2024-03, then OZG-Koordinatorin since 2024-03.
        assert!(held_at(Some("2021"), Some("2024-03"), "2023"));
        assert!(held_at(Some("2021"), Some("2024-03"), "2023-06-30"));
        assert!(!held_at(Some("2021"), Some("2024-03"), "2024-04"));
        assert!(!held_at(Some("2024-03"), None, "2023"));
        assert!(held_at(Some("2024-03"), None, "2024-03-10"));
        assert!(held_at(Some("2024-03"), None, "2026"));
        assert!(held_at(None, None, "1999"));
        assert!(!held_at(Some("2021-05-02"), None, "2021-05-01"));
        assert!(held_at(Some("2021-05-02"), None, "2021-05"));
    }
}
