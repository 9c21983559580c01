use super::*;

fn limits() -> RateLimits {
    RateLimits {
        enabled: true,
        bulk_per_second: 5,
        bulk_per_minute: 12,
        others_per_second: 3,
    }
}

#[test]
fn bulk_is_limited_per_second_and_per_minute_others_per_second() {
    let mut l = Limiter::default();
    let t0 = 1_800_000_000_000; // the start of a minute
                                // (is Bulk, time, expected)
    let table: [(bool, i64, core::result::Result<(), u64>); 12] = [
        (true, t0, Ok(())),
        (true, t0 + 1, Ok(())),
        (true, t0 + 2, Ok(())),
        (true, t0 + 3, Ok(())),
        (true, t0 + 4, Ok(())),
        (true, t0 + 500, Err(1)),  // sixth in the second
        (false, t0 + 600, Ok(())), // others count apart
        (false, t0 + 700, Ok(())),
        (false, t0 + 800, Ok(())),
        (false, t0 + 900, Err(1)),
        (true, t0 + 1000, Ok(())), // a new second
        (false, t0 + 1000, Ok(())),
    ];
    for (i, (bulk, now, expected)) in table.into_iter().enumerate() {
        assert_eq!(l.admit(&limits(), bulk, now), expected, "row {i}");
    }
    // Six more Bulk requests fill the minute (12); then wait for the next minute.
    for s in 2..8 {
        assert_eq!(
            l.admit(&limits(), true, t0 + s * 1000),
            Ok(()),
            "second {s}"
        );
    }
    assert_eq!(l.admit(&limits(), true, t0 + 8_000), Err(52));
    assert_eq!(l.admit(&limits(), true, t0 + 60_000), Ok(()));
}

#[test]
fn refusals_are_not_counted_and_disabled_limits_admit_everything() {
    let mut l = Limiter::default();
    let t0 = 1_800_000_000_000;
    for i in 0..3 {
        assert_eq!(l.admit(&limits(), false, t0 + i), Ok(()));
    }
    for i in 0..10 {
        assert_eq!(l.admit(&limits(), false, t0 + 10 + i), Err(1));
    }
    assert_eq!(l.admit(&limits(), false, t0 + 1000), Ok(()));
    let off = RateLimits::default();
    let mut l = Limiter::default();
    assert!((0..1000).all(|i| l.admit(&off, true, t0 + i).is_ok()));
}
