//! How a pull fetches what changed: in batches of a few hundred members, each batch fetched by
//! one multiget and stored in its own transaction (issue 15). A first sync of 10,000 cards in one
//! request held the whole answer in memory and showed no progress until it had arrived (over two
//! minutes from a loaded Radicale); in batches the memory is bounded by one batch, progress moves
//! after each, and a sync killed in the middle keeps what it stored: the next one skips every
//! member whose ETag it already holds, so it resumes where the last stopped.

use std::collections::HashMap;

/// Members per multiget when nothing else is asked. 250 vCards are a few hundred kilobytes of
/// answer, one request of well under a second on a loaded server, and 40 steps of progress for
/// 10,000 cards.
pub const PULL_BATCH: usize = 250;

/// The batch size to use: `asked` (a setting or, for tests and benchmarks, the environment) when
/// it is a positive number, else [`PULL_BATCH`].
pub fn pull_batch(asked: Option<&str>) -> usize {
    asked
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(PULL_BATCH)
}

/// The multigets of a pull: the changed members (`changed`, href and the ETag the server gave)
/// that differ from what is held (`known`, href to stored ETag), in batches of `batch` (at least
/// one), in the server's order. A member without an ETag is always fetched (nothing to compare);
/// one held with the same ETag is not, which is what makes a second run after a killed one fetch
/// only the rest.
pub fn plan_pull(
    changed: &[(String, Option<String>)],
    known: &HashMap<String, Option<String>>,
    batch: usize,
) -> Vec<Vec<String>> {
    let fetch: Vec<String> = changed
        .iter()
        .filter(|(h, e)| e.is_none() || known.get(h) != Some(e))
        .map(|(h, _)| h.clone())
        .collect();
    fetch.chunks(batch.max(1)).map(<[String]>::to_vec).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(i: usize) -> (String, Option<String>) {
        (format!("/book/{i}.vcf"), Some(format!("\"e{i}\"")))
    }

    #[test]
    fn a_first_pull_is_split_into_batches_of_the_asked_size_in_order() {
        let changed: Vec<_> = (0..1001).map(member).collect();
        let plan = plan_pull(&changed, &HashMap::new(), 250);
        assert_eq!(
            plan.iter().map(Vec::len).collect::<Vec<_>>(),
            [250, 250, 250, 250, 1]
        );
        let flat: Vec<&String> = plan.iter().flatten().collect();
        let want: Vec<&String> = changed.iter().map(|(h, _)| h).collect();
        assert_eq!(flat, want);
    }

    #[test]
    fn a_resumed_pull_fetches_only_what_is_not_held_with_the_same_etag() {
        let changed: Vec<_> = (0..10).map(member).collect();
        // Killed after the first four were stored; the fifth was changed there since.
        let mut known: HashMap<_, _> = changed[..5].iter().cloned().collect();
        known.insert("/book/4.vcf".into(), Some("\"old\"".into()));
        let plan = plan_pull(&changed, &known, 4);
        let flat: Vec<String> = plan.into_iter().flatten().collect();
        let want: Vec<String> = (4..10).map(|i| format!("/book/{i}.vcf")).collect();
        assert_eq!(flat, want);
    }

    #[test]
    fn a_member_without_etag_is_fetched_and_a_zero_batch_still_makes_progress() {
        let changed = vec![("/book/a.vcf".to_string(), None)];
        let known: HashMap<_, _> = [("/book/a.vcf".to_string(), None)].into();
        assert_eq!(plan_pull(&changed, &known, 0), vec![vec!["/book/a.vcf"]]);
        assert!(plan_pull(&[], &known, 10).is_empty());
    }

    #[test]
    fn the_batch_size_is_the_asked_positive_number_else_the_default() {
        assert_eq!(pull_batch(Some("20")), 20);
        assert_eq!(pull_batch(Some(" 7 ")), 7);
        assert_eq!(pull_batch(Some("0")), PULL_BATCH);
        assert_eq!(pull_batch(Some("many")), PULL_BATCH);
        assert_eq!(pull_batch(None), PULL_BATCH);
    }
}
