//! Likelihood and impact levels, the score they multiply to, its band, and a risk's status.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A likelihood or impact level, `very-low` (1) to `very-high` (5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    VeryLow,
    Low,
    Medium,
    High,
    VeryHigh,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::VeryLow,
        Level::Low,
        Level::Medium,
        Level::High,
        Level::VeryHigh,
    ];

    /// The level's weight, 1 to 5.
    pub fn value(self) -> u8 {
        match self {
            Level::VeryLow => 1,
            Level::Low => 2,
            Level::Medium => 3,
            Level::High => 4,
            Level::VeryHigh => 5,
        }
    }

    /// The level of weight `value` (1 to 5).
    pub fn from_value(value: u8) -> Option<Level> {
        Level::ALL.get(usize::from(value).checked_sub(1)?).copied()
    }

    /// The name used in register files.
    pub fn name(self) -> &'static str {
        match self {
            Level::VeryLow => "very-low",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::VeryHigh => "very-high",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a score falls: 1–4 low, 5–9 medium, 10–16 high, 20–25 critical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Band {
    Low,
    Medium,
    High,
    Critical,
}

impl Band {
    pub const ALL: [Band; 4] = [Band::Low, Band::Medium, Band::High, Band::Critical];

    pub fn of_score(score: u8) -> Band {
        match score {
            0..=4 => Band::Low,
            5..=9 => Band::Medium,
            10..=16 => Band::High,
            _ => Band::Critical,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
            Band::Critical => "critical",
        }
    }

    /// A four-character marker, so bands read without colour.
    pub fn marker(self) -> &'static str {
        match self {
            Band::Low => "LOW ",
            Band::Medium => "MED ",
            Band::High => "HIGH",
            Band::Critical => "CRIT",
        }
    }

    /// High and critical risks are the ones policy asks more of.
    pub fn is_severe(self) -> bool {
        matches!(self, Band::High | Band::Critical)
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Score = likelihood × impact, 1 to 25.
pub fn score(likelihood: Level, impact: Level) -> u8 {
    likelihood.value() * impact.value()
}

/// Where a risk stands in the team's work on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Mitigating,
    Mitigated,
    Accepted,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::Mitigating,
        Status::Mitigated,
        Status::Accepted,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Mitigating => "mitigating",
            Status::Mitigated => "mitigated",
            Status::Accepted => "accepted",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_multiplies_levels() {
        assert_eq!(score(Level::Medium, Level::High), 12);
        assert_eq!(score(Level::VeryLow, Level::VeryLow), 1);
        assert_eq!(score(Level::VeryHigh, Level::VeryHigh), 25);
    }

    #[test]
    fn bands_follow_the_product_boundaries() {
        let expect = [
            (1, Band::Low),
            (4, Band::Low),
            (5, Band::Medium),
            (9, Band::Medium),
            (10, Band::High),
            (16, Band::High),
            (20, Band::Critical),
            (25, Band::Critical),
        ];
        for (s, band) in expect {
            assert_eq!(Band::of_score(s), band, "score {s}");
        }
    }

    #[test]
    fn every_product_of_levels_lands_in_a_band() {
        for l in Level::ALL {
            for i in Level::ALL {
                let s = score(l, i);
                assert!((1..=25).contains(&s));
                // No product of two levels is 17, 18 or 19: the bands leave no gap.
                assert!(!(17..=19).contains(&s));
            }
        }
    }

    #[test]
    fn level_values_round_trip() {
        for l in Level::ALL {
            assert_eq!(Level::from_value(l.value()), Some(l));
        }
        assert_eq!(Level::from_value(0), None);
        assert_eq!(Level::from_value(6), None);
    }

    #[test]
    fn level_names_match_serde() {
        for l in Level::ALL {
            let json = serde_json::to_string(&l).unwrap();
            assert_eq!(json, format!("\"{}\"", l.name()));
        }
        for s in Status::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.name()));
        }
    }
}
