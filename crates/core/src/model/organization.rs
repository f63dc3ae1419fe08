//! The directory's vocabulary: federal levels, Länder, Themenfelder and organisations.

use serde::{Deserialize, Serialize};

/// Administrative level of an organisation in the German federal structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Federal level: ministries, federal agencies.
    Bund,
    /// One of the 16 Länder and their authorities.
    Land,
    /// Landkreise, Städte, Gemeinden.
    Kommune,
    /// FITKO, IT service providers, associations (Landkreistag, Städtetag) and everything else.
    Other,
}

impl Level {
    /// The value stored in the database and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Bund => "bund",
            Level::Land => "land",
            Level::Kommune => "kommune",
            Level::Other => "other",
        }
    }

    /// Parses the stored or typed form (`bund`, `land`, `kommune`, `other`).
    pub fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_lowercase().as_str() {
            "bund" => Some(Level::Bund),
            "land" => Some(Level::Land),
            "kommune" => Some(Level::Kommune),
            "other" | "sonstige" => Some(Level::Other),
            _ => None,
        }
    }
}

/// A Land with its official key (Länderschlüssel `01` … `16`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Land {
    /// `01` (Schleswig-Holstein) … `16` (Thüringen).
    pub key: String,
    /// German name.
    pub name: String,
    /// ISO 3166-2 subdivision code without `DE-`, e.g. `BY`.
    pub short_code: String,
}

/// One of the 14 OZG Themenfelder, a fixed list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Themenfeld {
    /// Stable key, e.g. `familie-kind`.
    pub key: String,
    /// German name, e.g. `Familie & Kind`.
    pub name_de: String,
    /// English name.
    pub name_en: String,
}

/// An organisation of the directory, built-in or the user's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// Local id.
    pub id: i64,
    /// Stable global id.
    pub uid: String,
    /// Official or common name.
    pub name: String,
    /// Abbreviation, e.g. `BMI`.
    pub short_name: Option<String>,
    /// Federal level.
    pub level: Level,
    /// Kind within the level: `Landkreis`, `Kreisfreie Stadt`, `Ministerium`, …
    pub kind: Option<String>,
    /// Name of the Land the organisation belongs to, if any.
    pub land: Option<String>,
    /// Key of that Land (`01` … `16`).
    pub land_key: Option<String>,
    /// Official key: AGS/ARS for Kommunen, the Länderschlüssel for a Land.
    pub key: Option<String>,
    /// Parent organisation's id (a Referat inside a Ministerium).
    pub parent_id: Option<i64>,
    /// True for entries of the shipped directory, which app updates may refresh.
    pub builtin: bool,
}

/// What a user sets when creating an organisation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrganizationInput {
    /// Name (required).
    pub name: String,
    /// Abbreviation.
    pub short_name: Option<String>,
    /// Level (required; `other` if unsure).
    pub level: Option<Level>,
    /// Kind within the level.
    pub kind: Option<String>,
    /// Land key `01` … `16`; required for a Kommune.
    pub land_key: Option<String>,
    /// Official key (AGS/ARS).
    pub key: Option<String>,
    /// Parent organisation.
    pub parent_id: Option<i64>,
}
