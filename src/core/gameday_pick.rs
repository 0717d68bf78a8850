//! The game-day pick ("draw"): a risk picked at random, weighted by its score × how long since it was
//! last rehearsed (never rehearsed counts as the stalest), reproducible with a seed.

use crate::model::Register;

/// A risk in the draw with its weight and the reason for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub reference: String,
    pub score: u8,
    /// Days since `last_rehearsed`; `None`: never.
    pub days: Option<i64>,
    pub weight: f64,
}

/// Days a never-rehearsed risk counts as: older than any real rehearsal in the register, and at
/// least two years.
fn never_days(max_seen: i64) -> i64 {
    (max_seen + 1).max(730)
}

/// Every risk's weight: score × staleness in days (at least one day).
pub fn candidates<'a>(
    registers: impl IntoIterator<Item = &'a Register>,
    today: jiff::civil::Date,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = registers
        .into_iter()
        .flat_map(|reg| {
            reg.risks.iter().map(move |risk| Candidate {
                reference: format!("{}/{}", reg.component, risk.id),
                score: risk.score(),
                days: risk
                    .last_rehearsed
                    .map(|d| i64::from((today - d.0).get_days()).max(0)),
                weight: 0.0,
            })
        })
        .collect();
    let max_seen = out.iter().filter_map(|c| c.days).max().unwrap_or(0);
    for c in &mut out {
        let days = c.days.unwrap_or_else(|| never_days(max_seen)).max(1);
        #[allow(clippy::cast_precision_loss)] // days and scores are small
        let weight = f64::from(c.score) * days as f64;
        c.weight = weight;
    }
    out
}

/// A small, seedable generator (SplitMix64): the same seed draws the same risk on any machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[0, 1)`.
    #[allow(clippy::cast_precision_loss)] // 53 bits: exactly representable
    pub fn unit(&mut self) -> f64 {
        let x = (self.next_u64() >> 11) as f64;
        x / (1u64 << 53) as f64
    }
}

/// Picks one candidate with probability proportional to its weight.
pub fn draw<'a>(candidates: &'a [Candidate], rng: &mut Rng) -> Option<&'a Candidate> {
    let total: f64 = candidates.iter().map(|c| c.weight).sum();
    if candidates.is_empty() || total <= 0.0 {
        return None;
    }
    let mut point = rng.unit() * total;
    for c in candidates {
        if point < c.weight {
            return Some(c);
        }
        point -= c.weight;
    }
    candidates.last()
}

/// The draw itself, over a register: the risk drawn (`component/id`) and why; `None` when the
/// register has no risk. `seed` reproduces a draw.
pub fn draw_risk<'a>(
    registers: impl IntoIterator<Item = &'a Register>,
    today: jiff::civil::Date,
    seed: u64,
) -> Option<(String, String)> {
    let candidates = candidates(registers, today);
    let drawn = draw(&candidates, &mut Rng::new(seed))?;
    Some((drawn.reference.clone(), reason(drawn, &candidates)))
}

/// A seed from the clock, for a draw nobody asked to reproduce.
pub fn seed_from_clock() -> u64 {
    u64::try_from(crate::clock::now().as_nanosecond()).unwrap_or(1)
}

/// Why a candidate was drawn, for the person who will run the game day.
pub fn reason(c: &Candidate, candidates: &[Candidate]) -> String {
    let total: f64 = candidates.iter().map(|c| c.weight).sum();
    let share = if total > 0.0 {
        c.weight / total * 100.0
    } else {
        0.0
    };
    let staleness = match c.days {
        Some(d) => format!("last rehearsed {d} days ago"),
        None => "never rehearsed".to_owned(),
    };
    format!(
        "score {} × {staleness}: a {share:.1} % chance among {}",
        c.score,
        crate::finding::plural(candidates.len(), "risk")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates(weights: &[f64]) -> Vec<Candidate> {
        weights
            .iter()
            .enumerate()
            .map(|(i, w)| Candidate {
                reference: format!("c/r{i}"),
                score: 1,
                days: Some(1),
                weight: *w,
            })
            .collect()
    }

    #[test]
    fn a_seed_draws_the_same_risk_every_time() {
        let c = candidates(&[1.0, 2.0, 3.0, 4.0]);
        let first = draw(&c, &mut Rng::new(42)).unwrap().reference.clone();
        for _ in 0..10 {
            assert_eq!(draw(&c, &mut Rng::new(42)).unwrap().reference, first);
        }
    }

    #[test]
    fn frequencies_follow_the_weights() {
        let weights = [1.0, 2.0, 3.0, 10.0];
        let c = candidates(&weights);
        let mut rng = Rng::new(7);
        let mut counts = [0usize; 4];
        let n = 40_000;
        for _ in 0..n {
            let drawn = draw(&c, &mut rng).unwrap();
            let i = c
                .iter()
                .position(|x| x.reference == drawn.reference)
                .unwrap();
            counts[i] += 1;
        }
        let total: f64 = weights.iter().sum();
        for (count, weight) in counts.iter().zip(weights) {
            #[allow(clippy::cast_precision_loss)]
            let observed = *count as f64 / f64::from(n);
            let expected = weight / total;
            // A generous bound: well over five standard deviations at this many draws.
            assert!(
                (observed - expected).abs() < 0.015,
                "observed {observed:.4}, expected {expected:.4}"
            );
        }
    }

    #[test]
    fn never_rehearsed_is_the_stalest() {
        let reg: Register = serde_json::from_str(
            r#"{"component":"a","title":"A","risks":[
                {"id":"old","title":"Old","likelihood":"high","impact":"high","status":"open","last_rehearsed":"2025-01-01"},
                {"id":"never","title":"Never","likelihood":"high","impact":"high","status":"open"}]}"#,
        )
        .unwrap();
        let c = super::candidates([&reg], jiff::civil::date(2026, 11, 24));
        assert!(c[1].weight > c[0].weight, "{c:?}");
    }
}
