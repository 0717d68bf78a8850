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
    let offset = local_zone().to_offset(at);
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
    now().to_zoned_datetime(local_zone()).date()
}

/// The local time zone: `TZ` as jiff reads it, else `/etc/localtime` read as it is. jiff's
/// `TimeZone::system` also names the zone, which walks every directory of the zoneinfo
/// database (0.7–1.4 ms at each start, a tenth of a runbook's first screen); a date and an
/// offset need no name.
fn local_zone() -> TimeZone {
    static ZONE: std::sync::OnceLock<TimeZone> = std::sync::OnceLock::new();
    ZONE.get_or_init(|| {
        use std::io::Read;
        let mut bytes = Vec::new();
        // A TZif file is a few KB; more is not one.
        if std::env::var_os("TZ").is_none()
            && let Ok(file) = std::fs::File::open("/etc/localtime")
            && file.take(1 << 20).read_to_end(&mut bytes).is_ok()
            && let Ok(zone) = TimeZone::tzif("Local", &bytes)
        {
            return zone;
        }
        TimeZone::system()
    })
    .clone()
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

    /// The zone read from `/etc/localtime` gives the offsets jiff's own gives, through a year
    /// (both sides of any daylight-saving change).
    #[test]
    fn the_local_zone_agrees_with_the_system_zone() {
        let (ours, system) = (local_zone(), TimeZone::system());
        let start = Timestamp::now();
        for week in 0..53 {
            let at = start + jiff::SignedDuration::from_hours(24 * 7 * week);
            assert_eq!(ours.to_offset(at), system.to_offset(at), "{at}");
        }
    }
}
