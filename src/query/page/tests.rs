use super::*;
use crate::env::Rng;
use crate::store::Record;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec;

/// 40 hits over two types: keys with ties, some unassigned.
fn rows() -> Vec<(Option<String>, usize, String, Record)> {
    rows_of(40)
}

/// `n` hits, the first 25 of type 0, the rest of type 1.
fn rows_of(n: u32) -> Vec<(Option<String>, usize, String, Record)> {
    (0..n)
        .map(|i| {
            let key = (i % 7 != 3).then(|| ["b", "a", "c", "a", "d"][(i % 5) as usize].to_string());
            (
                key,
                usize::from(i >= 25),
                alloc::format!("id-{:03}", (i * 13) % n),
                Record {
                    row: i,
                    value: Arc::new(crate::json!({"id": alloc::format!("id-{:03}", (i * 13) % n)})),
                },
            )
        })
        .collect()
}

fn key_of(k: &Option<String>) -> Key<'_> {
    k.as_deref().map_or(Key::Missing, Key::Text)
}

/// Every hit's place, in the order a page walks them.
fn sorted(rows: &[(Option<String>, usize, String, Record)], descending: bool) -> Vec<Place<'_>> {
    let mut all: Vec<Place<'_>> = rows
        .iter()
        .map(|(k, ti, id, _)| Place {
            key: key_of(k),
            type_index: *ti,
            id,
        })
        .collect();
    all.sort_by(|a, b| order(a.at(), b.at(), descending));
    all
}

/// Pushes one row into the window under `key`.
fn push<'a>(
    window: &mut Window<'a, 'a>,
    key: Key<'a>,
    (_, ti, _, record): &'a (Option<String>, usize, String, Record),
) {
    window.push(key, Hit::new(*ti, Found::Read(record.clone())));
}

/// The page by a full sort, the way a reader would compute it.
fn reference(
    rows: &[(Option<String>, usize, String, Record)],
    start: &Start<'_>,
    take: usize,
    descending: bool,
) -> Vec<String> {
    let all = sorted(rows, descending);
    let ids = |places: Vec<&Place<'_>>| places.iter().map(|p| p.id.to_string()).collect::<Vec<_>>();
    match start {
        Start::Index(skip) => ids(all.iter().skip(*skip).take(take).collect()),
        Start::First => ids(all.iter().take(take).collect()),
        Start::After(at) => ids(all
            .iter()
            .filter(|p| order(p.at(), at.at(), descending) == Ordering::Greater)
            .take(take)
            .collect()),
        Start::Before(at) => {
            let before: Vec<&Place<'_>> = all
                .iter()
                .filter(|p| order(p.at(), at.at(), descending) == Ordering::Less)
                .collect();
            ids(before[before.len().saturating_sub(take)..].to_vec())
        }
    }
}

#[test]
fn selection_matches_a_full_sort() {
    let rows = rows_of(300);
    let anchors = [
        Place {
            key: Key::Text("a"),
            type_index: 0,
            id: "id-13",
        },
        Place {
            key: Key::Text("c"),
            type_index: 1,
            id: "id-00",
        },
        Place {
            key: Key::Missing,
            type_index: 0,
            id: "id-20",
        },
        Place {
            key: Key::Text("zzz"),
            type_index: 0,
            id: "",
        },
        Place {
            key: Key::Text(""),
            type_index: 0,
            id: "",
        },
    ];
    let mut starts = vec![
        Start::First,
        Start::Index(0),
        Start::Index(1),
        Start::Index(17),
        Start::Index(39),
        Start::Index(80),
        Start::Index(usize::MAX),
    ];
    for a in anchors {
        starts.push(Start::After(a.clone()));
        starts.push(Start::Before(a));
    }
    let mut rng = Rng::new(7);
    for descending in [false, true] {
        for start in &starts {
            for take in [0, 1, 2, 5, 39, 40, 1000] {
                // Pushed in three orders: sorted, reversed, shuffled.
                let mut order_of: Vec<usize> = (0..rows.len()).collect();
                for round in 0..3 {
                    match round {
                        1 => order_of.reverse(),
                        2 => {
                            for i in (1..order_of.len()).rev() {
                                order_of.swap(i, rng.below(i as u64 + 1) as usize);
                            }
                        }
                        _ => {}
                    }
                    let mut window = Window::new(start.clone(), take, descending, false);
                    // What the window may hold: the page (and the skipped part, for an
                    // index) twice over, never every match.
                    let bound = match start {
                        Start::Index(skip) if take > 0 => skip.saturating_add(take),
                        Start::Index(_) => 0,
                        _ => take,
                    };
                    let bound = if bound == 0 {
                        0
                    } else {
                        bound.saturating_mul(2).max(64)
                    };
                    for &i in &order_of {
                        push(&mut window, key_of(&rows[i].0), &rows[i]);
                        assert!(window.kept.len() <= bound, "{start:?} take {take}");
                    }
                    let page = window.finish();
                    let got: Vec<String> = page.hits.iter().map(|h| h.id().to_string()).collect();
                    let expected = reference(&rows, start, take, descending);
                    assert_eq!(
                        got, expected,
                        "{start:?} take {take} descending {descending} round {round}"
                    );
                    assert_eq!(page.total, rows.len());
                }
            }
        }
    }
}

#[test]
fn next_and_previous_say_whether_there_is_more() {
    let rows = rows();
    let sorted = sorted(&rows, false);
    // (start, take, has previous, has next)
    let table = [
        (Start::First, 10, false, true),
        (Start::First, 40, false, false),
        (Start::After(sorted[9].clone()), 10, true, true),
        (Start::After(sorted[29].clone()), 10, true, false),
        (Start::After(sorted[39].clone()), 10, true, false),
        (Start::Before(sorted[10].clone()), 10, false, true),
        (Start::Before(sorted[11].clone()), 10, true, true),
        (Start::Before(sorted[0].clone()), 10, false, true),
        // An index page has a next (the OCI persona's tokens walk on from it), never a
        // previous.
        (Start::Index(5), 10, false, true),
        (Start::Index(29), 10, false, true),
        (Start::Index(30), 10, false, false),
        (Start::Index(35), 10, false, false),
        (Start::Index(45), 10, false, false),
        (Start::Index(5), 0, false, false),
    ];
    for (start, take, previous, next) in table {
        let mut window = Window::new(start.clone(), take, false, false);
        for r in &rows {
            push(&mut window, key_of(&r.0), r);
        }
        let page = window.finish();
        assert_eq!(
            (page.previous.is_some(), page.next.is_some()),
            (previous, next),
            "{start:?}"
        );
        if let (Some(p), Some(first)) = (&page.previous, page.hits.first()) {
            assert_eq!(
                (p.direction, p.id.as_str()),
                (Direction::Before, first.id())
            );
        }
        if let (Some(n), Some(last)) = (&page.next, page.hits.last()) {
            assert_eq!((n.direction, n.id.as_str()), (Direction::After, last.id()));
        }
    }
}

/// An unsorted listing arrives in order: the window cuts instead of selecting, and says
/// when later matches can change nothing but the counts.
#[test]
fn ordered_walks_stop_when_full() {
    let rows = rows();
    let mut by_id: Vec<&(Option<String>, usize, String, Record)> = rows.iter().collect();
    by_id.sort_by(|a, b| (a.1, &a.2).cmp(&(b.1, &b.2)));
    let at = Place {
        key: Key::Missing,
        type_index: 0,
        id: by_id[4].2.as_str(),
    };
    // (start, take, pushes until full, page)
    let table = [
        (Start::First, 3, Some(4), 0..3),
        (Start::Index(2), 3, Some(5), 2..5),
        (Start::Index(0), 0, Some(0), 0..0),
        (Start::After(at.clone()), 3, Some(9), 5..8),
        (Start::Before(at), 3, None, 1..4),
    ];
    for (start, take, full_after, range) in table {
        let mut window = Window::new(start.clone(), take, false, true);
        let mut pushed = 0;
        for r in &by_id {
            if window.is_full() {
                break;
            }
            push(&mut window, Key::Missing, r);
            pushed += 1;
        }
        assert_eq!(window.is_full().then_some(pushed), full_after, "{start:?}");
        let page = window.finish();
        let got: Vec<&str> = page.hits.iter().map(|h| h.id()).collect();
        let expected: Vec<&str> = by_id[range].iter().map(|r| r.2.as_str()).collect();
        assert_eq!(got, expected, "{start:?}");
    }
}
