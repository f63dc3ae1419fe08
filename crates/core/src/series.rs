//! Event series: events that belong together (every OZG-Erfahrungsaustausch), suggested from
//! their titles and confirmed by the user. Pure functions; the store applies them.

use crate::fold::index_text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Words that tell editions of a series apart rather than name it.
const EDITION_WORDS: &[&str] = &[
    "fruhjahr",
    "fruhling",
    "sommer",
    "herbst",
    "winter",
    "januar",
    "februar",
    "marz",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
    "spring",
    "summer",
    "autumn",
    "fall",
    "jahrestreffen",
    "treffen",
    "edition",
    "ausgabe",
    "teil",
];

/// A title up to its motto (` – `, ` — `, ` - `, `: `, ` | `, whichever comes first): the part
/// that can name a series, for the key and for the suggested name alike.
fn before_motto(title: &str) -> &str {
    [" – ", " — ", " - ", ": ", " | "]
        .iter()
        .filter_map(|sep| title.find(sep))
        .min()
        .map_or(title, |i| &title[..i])
}

/// The part of a title that names the series: before a motto (` – `, ` - `, `: `), without
/// years, numbers, seasons and months, folded. "OZG-Erfahrungsaustausch Sommer 2024 - Im Land der
/// Dichter und Denker" and "OZG-Erfahrungsaustausch 2023 – Winterwonderland" both give
/// `ozg erfahrungsaustausch`.
pub fn series_key(title: &str) -> String {
    index_text(before_motto(title))
        .split(' ')
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .filter(|w| !EDITION_WORDS.contains(w))
        .filter(|w| {
            !matches!(
                *w,
                "ii" | "iii" | "iv" | "v" | "vi" | "vii" | "viii" | "ix" | "x"
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A suggested series: a name and the events that would belong to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesSuggestion {
    /// A readable name: the shortest title's series part.
    pub name: String,
    /// The events, by id, in the order given.
    pub event_ids: Vec<i64>,
}

/// Groups events (id, title) whose titles share a series key; only groups of two or more, and
/// only keys of two words or 12 characters (so two events called "Workshop" make no series, two
/// "Digitalisierungslabor" do).
pub fn suggest(events: &[(i64, String)]) -> Vec<SeriesSuggestion> {
    let mut groups: BTreeMap<String, Vec<(i64, &str)>> = BTreeMap::new();
    for (id, title) in events {
        let key = series_key(title);
        if key.contains(' ') || key.chars().count() >= 12 {
            groups.entry(key).or_default().push((*id, title));
        }
    }
    groups
        .into_values()
        .filter(|g| g.len() >= 2)
        .map(|g| {
            let shortest = g
                .iter()
                .map(|(_, t)| *t)
                .min_by_key(|t| t.len())
                .unwrap_or_default();
            let head = before_motto(shortest);
            // The title's own words, without the edition's year, number or season.
            let name = head
                .split_whitespace()
                .filter(|w| {
                    let f = index_text(w);
                    !f.is_empty()
                        && !f.chars().all(|c| c.is_ascii_digit())
                        && !EDITION_WORDS.contains(&f.as_str())
                })
                .collect::<Vec<_>>()
                .join(" ");
            SeriesSuggestion {
                name,
                event_ids: g.iter().map(|(id, _)| *id).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editions_of_one_series_meet() {
        let titles = [
            "OZG-Erfahrungsaustausch 2023 – Winterwonderland",
            "OZG-Erfahrungsaustausch Sommer 2024 - Im Land der Dichter und Denker",
            "OZG Erfahrungsaustausch 2023: Sommer in der Stadt",
            "2. Treffen der OZG-Taskforce",
            "3. Treffen der OZG-Taskforce",
            "Workshop",
            "Workshop",
            "Digitalisierungslabor Familie",
        ];
        let events: Vec<(i64, String)> = titles
            .iter()
            .enumerate()
            .map(|(i, t)| (i as i64, t.to_string()))
            .collect();
        let s = suggest(&events);
        assert_eq!(s.len(), 2, "{s:?}");
        let erfa = s.iter().find(|x| x.event_ids.contains(&0)).unwrap();
        assert_eq!(erfa.event_ids, vec![0, 1, 2]);
        let taskforce = s.iter().find(|x| x.event_ids.contains(&3)).unwrap();
        assert_eq!(taskforce.event_ids, vec![3, 4]);
        assert_eq!(
            series_key("OZG-Erfahrungsaustausch Sommer 2024 - Im Land"),
            "ozg erfahrungsaustausch"
        );
        assert_eq!(erfa.name, "OZG-Erfahrungsaustausch");
        assert_eq!(taskforce.name, "der OZG-Taskforce");
    }
}
