//! "Now" and "today", in one place below everything that needs them, so tests and CI can pin
//! them: `FAULTLINE_NOW=2026-11-24T10:00:00+01:00` fixes the clock, `FAULTLINE_TODAY=YYYY-MM-DD`
//! the date rehearsal ages are counted to.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The current instant (or `FAULTLINE_NOW`).
pub fn now() -> Timestamp {
    std::env::var("FAULTLINE_NOW")
        .ok()
        .and_then(|t| t.parse::<Timestamp>().ok())
        .unwrap_or_else(Timestamp::now)
}

/// An instant as RFC 3339 with the local offset: `2026-11-24T10:04:12+01:00`.
pub fn rfc3339(at: Timestamp) -> String {
    // Seconds are enough for a timeline (a review read `04:58:05.868530697+00:00`).
    let at = Timestamp::from_second(at.as_second()).unwrap_or(at);
    let offset = TimeZone::system().to_offset(at);
    at.display_with_offset(offset).to_string()
}

/// Today's date in the local time zone (or `FAULTLINE_TODAY`; else the date of `FAULTLINE_NOW`).
pub fn today() -> jiff::civil::Date {
    if let Some(date) = std::env::var("FAULTLINE_TODAY")
        .ok()
        .and_then(|d| crate::model::Date::parse(&d))
    {
        return date.0;
    }
    now().to_zoned_datetime(TimeZone::system()).date()
}

/// Whole seconds from `from` to `to` (negative if `to` is earlier).
pub fn seconds_between(from: Timestamp, to: Timestamp) -> i64 {
    to.duration_since(from).as_secs()
}

/// `T+mm:ss` (or `T+h:mm:ss` past an hour; `T-` before the start) for an elapsed time.
pub fn elapsed(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "+" };
    let s = seconds.unsigned_abs();
    if s >= 3600 {
        format!("T{sign}{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    } else {
        format!("T{sign}{:02}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_times_read_as_a_stopwatch() {
        assert_eq!(elapsed(0), "T+00:00");
        assert_eq!(elapsed(75), "T+01:15");
        assert_eq!(elapsed(3725), "T+1:02:05");
        assert_eq!(elapsed(-30), "T-00:30");
    }
}
