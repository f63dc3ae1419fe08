//! German-aware folding of text for search and duplicate detection.
//!
//! People type names the way their keyboard lets them: `Müller`, `Mueller` and `muller` must find
//! the same person, as must `Weiß`/`Weiss` and `Jördis`/`Joerdis`. We fold both the indexed text
//! and the query with the same function, so matching is plain (prefix) equality on folded tokens.
//!
//! The steps, in order:
//! 1. `ß`/`ẞ` become `ss`; other letters are lower-cased.
//! 2. Canonical decomposition (NFD) and removal of combining marks: `é` → `e`, `ü` → `u`.
//!    A few letters without a decomposition are mapped by hand (`ł` → `l`, `ø` → `o`, `ı` → `i`).
//! 3. The German transliterations `ae`, `oe`, `ue` collapse to `a`, `o`, `u`, so `Mueller` and
//!    `Müller` meet at `muller`.
//!
//! Step 3 also folds words that merely contain those letter pairs (`Michael` → `michal`), which
//! costs a rare extra hit but never a miss, because query and index are folded alike. Folding only
//! shortens text at digraphs, so a raw prefix of a name still folds to a prefix of the folded name,
//! which is what search-as-you-type needs.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `text` for matching; see the module documentation for the rules.
pub fn fold(text: &str) -> String {
    // Characters of Latin-1, Latin Extended-A and -B, general punctuation (German quotes, dashes)
    // and currency signs come from a table of their single-character folds: decomposing each
    // string was most of an import's folding time. Any other character takes the full path,
    // over the whole string.
    fold_table(text).unwrap_or_else(|| fold_full(text))
}

/// The ranges of characters the table of [`fold_table`] covers, each `[from, to)`.
const TABLE_RANGES: [(u32, u32); 3] = [(0x80, 0x250), (0x2000, 0x2070), (0x20A0, 0x20C0)];

/// Steps 1 and 2 for each character of [`TABLE_RANGES`] on its own, in the ranges' order. Each is
/// the same as within a string: their decompositions are base characters and combining marks,
/// and the marks (the only characters NFD reorders across characters) are removed.
fn table() -> &'static [String] {
    static TABLE: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        TABLE_RANGES
            .iter()
            .flat_map(|&(from, to)| from..to)
            .map(|u| {
                let c = char::from_u32(u).expect("the ranges hold no surrogates");
                let mut pre = String::new();
                pre_fold(c, &mut pre);
                pre.nfd().filter(|c| !is_combining_mark(*c)).collect()
            })
            .collect()
    })
}

/// The table's fold of `c`, `None` when the table does not cover it.
fn table_entry(table: &[String], c: char) -> Option<&str> {
    let u = c as u32;
    let mut base = 0;
    for (from, to) in TABLE_RANGES {
        if (from..to).contains(&u) {
            return Some(&table[(base + u - from) as usize]);
        }
        base += to - from;
        if u < from {
            break;
        }
    }
    None
}

/// [`fold`] for text of ASCII and the table's characters only (steps 1 to 3 in one pass); `None`
/// for any other character.
fn fold_table(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    // Step 3 as it goes: an `e` right after `a`, `o` or `u` is dropped.
    let mut after_vowel = false;
    let mut push = |c: char| {
        if !(after_vowel && c == 'e') {
            out.push(c);
            after_vowel = matches!(c, 'a' | 'o' | 'u');
        } else {
            after_vowel = false;
        }
    };
    if text.is_ascii() {
        // Most text (e-mail addresses, many names) is ASCII.
        text.bytes()
            .for_each(|b| push(b.to_ascii_lowercase() as char));
        return Some(out);
    }
    let table = table();
    for c in text.chars() {
        if c.is_ascii() {
            push(c.to_ascii_lowercase());
        } else {
            table_entry(table, c)?.chars().for_each(&mut push);
        }
    }
    Some(out)
}

/// Step 1 for one character.
fn pre_fold(c: char, pre: &mut String) {
    match c {
        'ß' | 'ẞ' => pre.push_str("ss"),
        'æ' | 'Æ' => pre.push_str("ae"),
        'œ' | 'Œ' => pre.push_str("oe"),
        'ł' | 'Ł' => pre.push('l'),
        'ø' | 'Ø' => pre.push('o'),
        'đ' | 'Đ' => pre.push('d'),
        'ı' => pre.push('i'),
        _ => pre.extend(c.to_lowercase()),
    }
}

/// Steps 1 to 3 over the whole text, for any Unicode.
fn fold_full(text: &str) -> String {
    let mut pre = String::with_capacity(text.len());
    for c in text.chars() {
        pre_fold(c, &mut pre);
    }
    collapse_digraphs(pre.nfd().filter(|c| !is_combining_mark(*c)))
}

/// `ae`, `oe`, `ue` → `a`, `o`, `u` (step 3 of the folding).
fn collapse_digraphs(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    let mut chars = chars.peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if matches!(c, 'a' | 'o' | 'u') && chars.peek() == Some(&'e') {
            chars.next();
        }
    }
    out
}

/// Splits folded text into search tokens: runs of letters and digits. Punctuation such as `-`,
/// `.` and `@` separates tokens, so `hans-peter` and `a.b@land.de` are found by each part.
pub fn tokens(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
}

/// Folds `text` and joins its tokens with single spaces: the form stored in the search index.
pub fn index_text(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::with_capacity(folded.len());
    for t in tokens(&folded) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_spellings_meet() {
        assert_eq!(fold("Müller"), fold("Mueller"));
        assert_eq!(fold("Müller"), fold("muller"));
        assert_eq!(fold("Weiß"), fold("Weiss"));
        assert_eq!(fold("Jördis"), fold("Joerdis"));
        assert_eq!(fold("ÄRGER"), fold("aerger"));
        assert_eq!(fold("Chloé"), "chlo");
        assert_eq!(fold("Łukasiewicz"), "lukasiewicz");
        assert_eq!(fold("Yılmaz"), "yilmaz");
    }

    #[test]
    fn raw_prefix_folds_to_folded_prefix() {
        for name in ["Mueller", "Michael", "Jördis", "Weiß", "Boerse", "Ruediger"] {
            let full = fold(name);
            for end in name.char_indices().map(|(i, _)| i).skip(1) {
                let prefix = fold(&name[..end]);
                assert!(full.starts_with(&prefix), "{name}: {prefix} !< {full}");
            }
        }
    }

    #[test]
    fn the_table_folds_as_the_full_path_does() {
        // Every character of the table, alone, between ASCII letters, after an `a`/`o`/`u` (the
        // digraph step runs across characters) and twice; and texts that leave the table.
        let all = TABLE_RANGES.iter().flat_map(|&(from, to)| from..to);
        for c in all.map(|u| char::from_u32(u).unwrap()) {
            for text in [
                format!("{c}"),
                format!("Xa{c}eZ"),
                format!("u{c}e"),
                format!("{c}e{c}"),
            ] {
                assert_eq!(fold_table(&text).unwrap(), fold_full(&text), "{text}");
            }
        }
        for text in ["Ærøskøbing „Œuvre“ – İstanbul 5 €", "Mueller AEE aae", ""] {
            assert_eq!(fold_table(text), Some(fold_full(text)), "{text}");
        }
        assert_eq!(fold_table("Ελλάδα"), None);
        assert_eq!(fold("Ñandú ǅ Ελλάδα ẞ"), fold_full("Ñandú ǅ Ελλάδα ẞ"));
        assert_eq!(fold("u\u{308}e"), "u");
    }

    #[test]
    fn index_text_splits_on_punctuation() {
        assert_eq!(index_text("Hans-Peter  Groß"), "hans peter gross");
        assert_eq!(index_text("a.weiss@kreis-rv.de"), "a weiss kreis rv de");
    }
}
