//! The suggestions' quality against real gold annotations: entity span
//! precision and recall on the brat corpora (CoNLL-2002 Spanish and Dutch
//! news, NEREL Russian news), printed as a table (`cargo test --test quality
//! -- --nocapture`) and held above floors so that a change that makes them
//! worse fails. The README quotes the table.

use std::collections::HashSet;
use std::ops::Range;

use marginote::core::suggest::entities;
use marginote::core::text::Article;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/brat");

/// The gold entity spans (code points) of `name`.ann whose type is in `types`.
fn gold(name: &str, types: &[&str]) -> HashSet<Range<usize>> {
    let ann = std::fs::read_to_string(format!("{DIR}/{name}.ann")).unwrap();
    ann.lines()
        .filter(|l| l.starts_with('T'))
        .filter_map(|l| {
            let mid = l.split('\t').nth(1)?;
            let mut parts = mid.split(' ');
            let t = parts.next()?;
            if !types.contains(&t) || mid.contains(';') {
                return None;
            }
            let start = parts.next()?.parse().ok()?;
            let end = parts.next()?.parse().ok()?;
            Some(start..end)
        })
        .collect()
}

struct Score {
    name: &'static str,
    gold: usize,
    found: usize,
    right: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        self.right as f64 / self.found.max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.right as f64 / self.gold.max(1) as f64
    }
}

fn score(name: &'static str, types: &[&str]) -> Score {
    let text = std::fs::read_to_string(format!("{DIR}/{name}.txt")).unwrap();
    let art = Article::from_text(text.as_str());
    let gold = gold(name, types);
    let found: HashSet<Range<usize>> = entities(&text)
        .into_iter()
        .map(|(r, _)| art.byte_to_char(r.start)..art.byte_to_char(r.end))
        .collect();
    let right = found.intersection(&gold).count();
    Score { name, gold: gold.len(), found: found.len(), right }
}

#[test]
fn entity_spans_against_gold() {
    const CONLL: &[&str] = &["PER", "ORG", "LOC", "MISC"];
    const NEREL: &[&str] = &["PERSON", "ORGANIZATION", "COUNTRY", "CITY", "STATE_OR_PROVINCE", "LOCATION"];
    let scores = [
        score("conll2002-esp.train-doc-46", CONLL),
        score("conll2002-ned.train-doc-123", CONLL),
        score("nerel-ru-dev-598195_text", NEREL),
        score("nerel-ru-dev-192856_text", NEREL),
    ];
    println!(
        "\n{:<32} {:>5} {:>6} {:>6} {:>9} {:>7}",
        "entity spans", "gold", "found", "right", "precision", "recall"
    );
    for s in &scores {
        println!(
            "{:<32} {:>5} {:>6} {:>6} {:>9.2} {:>7.2}",
            s.name,
            s.gold,
            s.found,
            s.right,
            s.precision(),
            s.recall()
        );
    }
    // Floors a little under today's numbers (the aim on CoNLL:
    // recall 0.8 at precision 0.6). NEREL was not looked at while the rules
    // were tuned.
    let floors = [(0.75, 0.80), (0.75, 0.80), (0.70, 0.90), (0.55, 0.80)];
    for (s, (p, r)) in scores.iter().zip(floors) {
        assert!(
            s.precision() >= p && s.recall() >= r,
            "{}: {:.2}/{:.2} below {p}/{r}",
            s.name,
            s.precision(),
            s.recall()
        );
    }
}
