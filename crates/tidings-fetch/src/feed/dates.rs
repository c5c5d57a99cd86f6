//! Dates as feeds write them: RFC 822 (RSS, with every variation seen in
//! the wild: no weekday, two-digit years, named zones, missing seconds),
//! W3C-DTF / ISO 8601 (Atom, Dublin Core, JSON Feed) and C's asctime.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

/// The instant a feed's date string names, in UTC; `None` when it names
/// none we can read.
pub fn parse_date(raw: &str) -> Option<DateTime<Utc>> {
    let text = raw.trim();
    if text.is_empty() {
        return None;
    }
    w3dtf(text)
        .or_else(|| rfc822(text))
        .or_else(|| asctime(text))
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.get(..3)?.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| *m == lower)
        .map(|i| i as u32 + 1)
}

/// A zone name or offset as minutes east of UTC.
fn zone_offset(zone: &str) -> Option<i64> {
    let zone = zone.trim();
    if zone.is_empty() {
        return Some(0);
    }
    if let Some(sign) = zone.chars().next().filter(|c| *c == '+' || *c == '-') {
        let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
        let (hours, minutes) = match digits.len() {
            1 | 2 => (digits.parse::<i64>().ok()?, 0),
            3 | 4 => {
                let split = digits.len() - 2;
                (
                    digits[..split].parse::<i64>().ok()?,
                    digits[split..].parse::<i64>().ok()?,
                )
            }
            _ => return None,
        };
        let total = hours * 60 + minutes;
        return Some(if sign == '-' { -total } else { total });
    }
    let upper = zone.to_ascii_uppercase();
    let upper = upper.trim_end_matches('.');
    // "GMT+2", "UTC-05:00"
    for prefix in ["GMT", "UTC", "UT"] {
        if let Some(rest) = upper.strip_prefix(prefix)
            && (rest.starts_with('+') || rest.starts_with('-'))
        {
            return zone_offset(rest);
        }
    }
    Some(match upper {
        "UT" | "UTC" | "GMT" | "Z" => 0,
        "EST" => -5 * 60,
        "EDT" => -4 * 60,
        "CST" => -6 * 60,
        "CDT" => -5 * 60,
        "MST" => -7 * 60,
        "MDT" => -6 * 60,
        "PST" => -8 * 60,
        "PDT" => -7 * 60,
        "AST" => -4 * 60,
        "ADT" => -3 * 60,
        "BST" => 60,
        "CET" => 60,
        "CEST" => 120,
        "EET" => 120,
        "EEST" => 180,
        "JST" => 9 * 60,
        "KST" => 9 * 60,
        "HKT" => 8 * 60,
        "IST" => 5 * 60 + 30,
        "AEST" => 10 * 60,
        "AEDT" => 11 * 60,
        // RFC 822 military zones: A-I, K-M east, N-Y west.
        one if one.len() == 1 => {
            let c = one.as_bytes()[0];
            match c {
                b'A'..=b'I' => i64::from(c - b'A' + 1) * 60,
                b'K'..=b'M' => i64::from(c - b'K' + 10) * 60,
                b'N'..=b'Y' => -(i64::from(c - b'N' + 1) * 60),
                _ => return None,
            }
        }
        _ => return None,
    })
}

fn at(date: NaiveDate, time: NaiveTime, offset_minutes: i64) -> Option<DateTime<Utc>> {
    let local = date.and_time(time);
    Some(Utc.from_utc_datetime(&local) - Duration::minutes(offset_minutes))
}

fn hms(text: &str) -> Option<NaiveTime> {
    let mut parts = text.split(':');
    let hour: u32 = parts.next()?.trim().parse().ok()?;
    let minute: u32 = parts.next().map_or(Some(0), |m| m.trim().parse().ok())?;
    let second: f64 = parts.next().map_or(Some(0.0), |s| s.trim().parse().ok())?;
    if parts.next().is_some() {
        return None;
    }
    // 24:00 and leap seconds are clamped rather than refused.
    let (hour, minute, second) = if hour == 24 {
        (23, 59, 59.0)
    } else {
        (hour, minute, second)
    };
    NaiveTime::from_hms_opt(hour, minute, (second as u32).min(59))
}

/// RFC 822 and its variations: `[Wdy,] DD Mon YYYY [HH:MM[:SS]] [zone]`.
fn rfc822(text: &str) -> Option<DateTime<Utc>> {
    let mut words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    // A leading weekday name, whatever its spelling.
    if words.first().is_some_and(|w| {
        w.chars().all(|c| c.is_ascii_alphabetic() || c == '.') && month_number(w).is_none()
    }) {
        words.remove(0);
    }
    if words.len() < 3 {
        return None;
    }
    // "DD Mon YYYY" or "Mon DD YYYY"; "DD-Mon-YYYY" splits into one word.
    if words[0].contains('-') && words[0].chars().filter(|c| *c == '-').count() == 2 {
        let parts: Vec<&str> = words[0].split('-').collect();
        let mut rebuilt = parts.clone();
        rebuilt.extend_from_slice(&words[1..]);
        words = rebuilt;
    }
    let (day, month) = match (words[0].parse::<u32>(), month_number(words[1])) {
        (Ok(day), Some(month)) => (day, month),
        _ => (words[1].parse::<u32>().ok()?, month_number(words[0])?),
    };
    let mut year: i32 = words[2].parse().ok()?;
    if words[2].len() <= 2 {
        year += if year < 90 { 2000 } else { 1900 };
    }
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let mut rest = words[3..].iter();
    let (time, zone) = match rest.next() {
        None => (NaiveTime::MIN, String::new()),
        Some(word) if word.contains(':') => {
            // "19:48:21+0100" carries its zone inside the word.
            let split = word.find(['+', '-']).unwrap_or(word.len());
            let zone: String = if split < word.len() {
                word[split..].to_owned()
            } else {
                rest.copied().collect::<Vec<_>>().join("")
            };
            (hms(&word[..split])?, zone)
        }
        Some(word) => return at(date, NaiveTime::MIN, zone_offset(word)?),
    };
    at(date, time, zone_offset(&zone)?)
}

/// W3C-DTF and the ISO 8601 forms feeds use: `YYYY`, `YYYY-MM`,
/// `YYYY-MM-DD`, `YYYYMMDD`, then `[T ]hh:mm[:ss[.fff]]` and a zone.
fn w3dtf(text: &str) -> Option<DateTime<Utc>> {
    let bytes = text.as_bytes();
    if bytes.len() < 4 || !bytes[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let year: i32 = text[..4].parse().ok()?;
    let rest = &text[4..];
    let (month, day, rest) = if let Some(after) = rest.strip_prefix('-') {
        let month: u32 = after.get(..2)?.parse().ok()?;
        let after = &after[2..];
        match after.strip_prefix('-') {
            Some(d) => (month, d.get(..2)?.parse().ok()?, &d[2..]),
            None => (month, 1, after),
        }
    } else if rest.len() >= 4 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        (
            rest[..2].parse().ok()?,
            rest[2..4].parse().ok()?,
            &rest[4..],
        )
    } else {
        (1, 1, rest)
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let rest = rest.trim_start_matches(['T', 't', ' ']);
    if rest.is_empty() {
        return at(date, NaiveTime::MIN, 0);
    }
    let zone_at = rest
        .find(['Z', 'z', '+', '-'])
        .or_else(|| rest.find(' '))
        .unwrap_or(rest.len());
    let clock = rest[..zone_at].trim();
    let zone = rest[zone_at..].trim();
    let time = if clock.contains(':') {
        hms(clock)?
    } else if clock.len() >= 4 && clock.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let h = &clock[..2];
        let m = &clock[2..4];
        let s = clock.get(4..6).unwrap_or("0");
        hms(&format!("{h}:{m}:{s}"))?
    } else {
        return None;
    };
    at(date, time, zone_offset(zone)?)
}

/// `Sun Jan  4 16:29:06 2004` (C's asctime, some Perl and shell tools).
fn asctime(text: &str) -> Option<DateTime<Utc>> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() < 5 {
        return None;
    }
    let month = month_number(words[1])?;
    let day: u32 = words[2].parse().ok()?;
    let time = hms(words[3])?;
    let (year, zone) = match words[4].parse::<i32>() {
        Ok(year) => (year, words.get(5).copied().unwrap_or("")),
        Err(_) => (words.get(5)?.parse().ok()?, words[4]),
    };
    at(
        NaiveDate::from_ymd_opt(year, month, day)?,
        time,
        zone_offset(zone)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> String {
        parse_date(text).map(|d| d.to_rfc3339()).unwrap_or_default()
    }

    #[test]
    fn rfc822_and_its_variations() {
        assert_eq!(
            iso("Thu, 01 Jan 2004 19:48:21 GMT"),
            "2004-01-01T19:48:21+00:00"
        );
        assert_eq!(iso("01 Jan 2004 19:48 -0500"), "2004-01-02T00:48:00+00:00");
        assert_eq!(
            iso("Thursday, 1 Jan 04 19:48:21 EST"),
            "2004-01-02T00:48:21+00:00"
        );
        assert_eq!(iso("Thu, 01 Jan 2004"), "2004-01-01T00:00:00+00:00");
        assert_eq!(
            iso("Thu, 01 Jan 2004 19:48:21+01:00"),
            "2004-01-01T18:48:21+00:00"
        );
        assert_eq!(iso("Jan 01 2004 19:48:21 GMT"), "2004-01-01T19:48:21+00:00");
    }

    #[test]
    fn w3dtf_and_iso8601() {
        assert_eq!(iso("2003-12-31T10:14:55Z"), "2003-12-31T10:14:55+00:00");
        assert_eq!(
            iso("2003-12-31T10:14:55.25-08:00"),
            "2003-12-31T18:14:55+00:00"
        );
        assert_eq!(iso("2003-12-31"), "2003-12-31T00:00:00+00:00");
        assert_eq!(iso("2003-12"), "2003-12-01T00:00:00+00:00");
        assert_eq!(iso("20031231T101455Z"), "2003-12-31T10:14:55+00:00");
        assert_eq!(iso("2003-12-31 10:14"), "2003-12-31T10:14:00+00:00");
    }

    #[test]
    fn asctime_and_nonsense() {
        assert_eq!(iso("Sun Jan  4 16:29:06 2004"), "2004-01-04T16:29:06+00:00");
        assert_eq!(iso("yesterday"), "");
        assert_eq!(iso("2004-13-45"), "");
        assert_eq!(iso(""), "");
    }
}
