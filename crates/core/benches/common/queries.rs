// The search query mix, shared by the search benchmark (benches/search.rs) and the regression
// guard (examples/bench_guard.rs, scripts/bench-guard.sh), so that both measure the same typing.

/// What people type: growing prefixes of names (with and without umlauts, transliterated),
/// organisations, roles, tags, and two-word queries.
fn queries() -> Vec<String> {
    let words = [
        "Müller",
        "Mueller",
        "Weiss",
        "Weiß",
        "Jördis",
        "Joerdis",
        "Schröder",
        "Özdemir",
        "Łukasiewicz",
        "Köhler",
        "Hans-Peter",
        "Landkreis Ravensburg",
        "FITKO",
        "Bundesministerium",
        "Koordinatorin",
        "Registermodernisierung",
        "Digitalisierungsbeauftragte",
        "Berlin",
        "Bärbel Krüger",
        "jor mul",
        "Nachnutzung",
        "Zimmermann",
        "München",
        "EfA",
    ];
    let mut out = Vec::new();
    for w in words {
        let chars: Vec<char> = w.chars().collect();
        for end in 1..=chars.len() {
            out.push(chars[..end].iter().collect());
        }
    }
    out
}
