//! `xsd:dateTime` without a clock: formatting the host's milliseconds for `meta`, and
//! parsing client date-times into instants so filters and sorts compare moments, not text
//! (`2026-01-01T01:00:00+01:00` equals `2026-01-01T00:00:00Z`).

use crate::value::Text;
use core::fmt::Write;

/// An instant: milliseconds since the Unix epoch plus the sub-millisecond nanoseconds,
/// ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    /// Whole milliseconds since 1970-01-01T00:00:00Z (negative before).
    pub millis: i64,
    /// Extra nanoseconds, `0..1_000_000`.
    pub sub_nanos: u32,
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
///
/// Exactly 24 bytes for years 0 to 9999, so the text is stored inline. Written digit by
/// digit: this runs for every created or modified resource, and `core::fmt` was a tenth
/// of Bulk ingest.
pub fn format_millis(ms: i64) -> Text {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000) as u32;
    let (y, mo, d) = civil_from_days(days);
    let (h, mi, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    let year = match u32::try_from(y) {
        Ok(year) if year <= 9999 => year,
        // Years before 0 or after 9999: rare enough for `core::fmt`.
        _ => {
            let mut out = Text::default();
            let _ = write!(
                out,
                "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z"
            );
            return out;
        }
    };
    let mut text = *b"0000-00-00T00:00:00.000Z";
    for (range, n) in [
        (0..4, year),
        (5..7, mo),
        (8..10, d),
        (11..13, h),
        (14..16, mi),
        (17..19, s),
        (20..23, milli),
    ] {
        write_digits(text.get_mut(range).unwrap_or_default(), n);
    }
    core::str::from_utf8(&text)
        .map(Text::new)
        .unwrap_or_default()
}

/// Writes `n` in decimal into `out`, right-aligned and zero-padded (higher digits that do
/// not fit are dropped).
fn write_digits(out: &mut [u8], mut n: u32) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = b.get(at..at + n)?;
    part.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32)
    })
}

/// Parses an `xsd:dateTime` (`YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]`; a missing zone
/// is read as UTC, a space is accepted for `T`). Returns `None` for anything else.
pub fn parse(text: &str) -> Option<Instant> {
    let b = text.trim().as_bytes();
    let (y, mo, d) = (digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?);
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !(1..=12).contains(&mo)
        || !(1..=31).contains(&d)
    {
        return None;
    }
    let mut days = days_from_civil(y as i64, mo, d);
    if b.len() == 10 {
        return Some(Instant {
            millis: days * 86_400_000,
            sub_nanos: 0,
        });
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' '))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let (h, mi, s) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
    if h > 24 || mi > 59 || s > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos: u64 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        let mut scale = 100_000_000u64;
        while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            nanos += (c - b'0') as u64 * scale;
            scale /= 10;
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset_min: i64 = match b.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
            let (oh, om) = (digits(b, i + 1, 2)? as i64, digits(b, i + 4, 2)? as i64);
            let off = oh * 60 + om;
            if *sign == b'-' {
                -off
            } else {
                off
            }
        }
        _ => return None,
    };
    if h == 24 {
        days += 1;
    }
    let secs = days * 86_400 + (h % 24) as i64 * 3600 + mi as i64 * 60 + s as i64 - offset_min * 60;
    Some(Instant {
        millis: secs * 1000 + (nanos / 1_000_000) as i64,
        sub_nanos: (nanos % 1_000_000) as u32,
    })
}

/// Parses an HTTP date in the IMF-fixdate form (RFC 9110 section 5.6.7), `Sun, 06 Nov
/// 1994 08:49:37 GMT`: what request signatures sign. Milliseconds since the epoch, or
/// `None` for anything else.
pub fn parse_http_date(text: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let b = text.trim().as_bytes();
    if b.len() != 29 || b.get(3) != Some(&b',') || b.get(26..) != Some(b"GMT".as_slice()) {
        return None;
    }
    let d = digits(b, 5, 2)?;
    let month = b.get(8..11)?;
    let mo = MONTHS.iter().position(|m| m.as_bytes() == month)? as u32 + 1;
    let y = digits(b, 12, 4)?;
    let (h, mi, s) = (digits(b, 17, 2)?, digits(b, 20, 2)?, digits(b, 23, 2)?);
    let separators = [
        (4, b' '),
        (7, b' '),
        (11, b' '),
        (16, b' '),
        (19, b':'),
        (22, b':'),
        (25, b' '),
    ];
    if separators.iter().any(|&(at, c)| b.get(at) != Some(&c))
        || !(1..=31).contains(&d)
        || h > 23
        || mi > 59
        || s > 60
    {
        return None;
    }
    let days = days_from_civil(i64::from(y), mo, d);
    Some(((days * 24 + i64::from(h)) * 60 + i64::from(mi)) * 60_000 + i64::from(s) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_years_outside_four_digits() {
        for (ms, text) in [
            (253_402_300_800_000, "10000-01-01T00:00:00.000Z"),
            (-62_135_596_800_001, "0000-12-31T23:59:59.999Z"),
            (-62_167_219_200_001, "-001-12-31T23:59:59.999Z"),
        ] {
            assert_eq!(format_millis(ms), text);
        }
    }

    #[test]
    fn formats_and_parses_round_trip() {
        for (ms, text) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (1_795_471_779_123, "2026-11-23T22:09:39.123Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ] {
            assert_eq!(format_millis(ms), text);
            assert_eq!(
                parse(text),
                Some(Instant {
                    millis: ms,
                    sub_nanos: 0
                }),
                "{text}"
            );
        }
    }

    #[test]
    fn offsets_compare_as_instants() {
        let table = [
            ("2011-05-13T04:42:34Z", "2011-05-13T06:42:34+02:00"),
            ("2011-05-13T04:42:34Z", "2011-05-12T23:42:34-05:00"),
            ("2011-05-13T04:42:34.5Z", "2011-05-13T04:42:34.500Z"),
            ("2011-05-13T04:42:34Z", "2011-05-13T04:42:34"),
        ];
        for (a, b) in table {
            assert_eq!(parse(a), parse(b), "{a} vs {b}");
        }
        assert!(parse("2011-05-13T04:42:34.000000001Z") > parse("2011-05-13T04:42:34Z"));
    }

    #[test]
    fn rejects_what_is_not_a_date_time() {
        for bad in [
            "",
            "2011",
            "2011-13-01",
            "2011-05-13X04:42:34Z",
            "2011-05-13T04:42:34+0200",
            "2011-05-13T04:42:34.Z",
            "2011-05-13T04:42:34Zjunk",
            "é",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn http_dates_as_request_signatures_send_them() {
        let table = [
            ("Sun, 06 Nov 1994 08:49:37 GMT", Some(784_111_777_000)),
            ("Thu, 01 Jan 1970 00:00:00 GMT", Some(0)),
            ("Fri, 04 Dec 2026 18:24:00 GMT", Some(1_796_408_640_000)),
            (" Fri, 04 Dec 2026 18:24:00 GMT ", Some(1_796_408_640_000)),
            ("Fri, 04 Dec 2026 18:24:00 UTC", None),
            ("Fri, 04 Foo 2026 18:24:00 GMT", None),
            ("Fri, 32 Dec 2026 18:24:00 GMT", None),
            ("Fri, 04 Dec 2026 24:00:00 GMT", None),
            ("Fri 04 Dec 2026 18:24:00 GMT ", None),
            ("Friday, 04-Dec-26 18:24:00 GMT", None),
            ("2026-12-04T18:24:00Z", None),
            ("", None),
        ];
        for (text, expected) in table {
            assert_eq!(parse_http_date(text), expected, "{text:?}");
        }
    }
}
