use super::*;
use alloc::string::{String, ToString};

/// Each record's number and its cells or the start of its error.
type Read = Vec<(usize, core::result::Result<Vec<String>, String>)>;

/// Every record of a file, as cells or as the start of its error.
fn read_all(data: &[u8], limits: Limits) -> Read {
    let mut records = Records::new(data, limits);
    let mut all = Vec::new();
    while let Some((n, record)) = records.next_record() {
        all.push((
            n,
            record
                .map(|r| r.cells().iter().map(|c| c.to_string()).collect())
                .map_err(|e| e.detail),
        ));
    }
    all
}

fn ok(n: usize, cells: &[&str]) -> (usize, core::result::Result<Vec<String>, String>) {
    (n, Ok(cells.iter().map(|c| c.to_string()).collect()))
}

#[test]
fn records_follow_rfc_4180_with_the_usual_leniencies() {
    let table: Vec<(&[u8], Read)> = vec![
        (b"", vec![]),
        (b"\n\r\n\r", vec![]),
        (
            b"a,b\r\n1,2\r\n",
            vec![ok(0, &["a", "b"]), ok(1, &["1", "2"])],
        ),
        (b"a,b\n1,2", vec![ok(0, &["a", "b"]), ok(1, &["1", "2"])]),
        (b"a,b\r1,2\r", vec![ok(0, &["a", "b"]), ok(1, &["1", "2"])]),
        // A byte-order mark at the start is not part of the first heading.
        (
            b"\xef\xbb\xbfUser Name\nbjensen\n",
            vec![ok(0, &["User Name"]), ok(1, &["bjensen"])],
        ),
        // Quoted cells: commas, doubled quotes and line ends inside.
        (
            b"x\n\"O'Brien, Ann\",\"say \"\"hi\"\"\",\"two\r\nlines\"\n",
            vec![
                ok(0, &["x"]),
                ok(1, &["O'Brien, Ann", "say \"hi\"", "two\r\nlines"]),
            ],
        ),
        // Empty lines between records are not records; empty cells are.
        (b"h\n\n\n,,\n", vec![ok(0, &["h"]), ok(1, &["", "", ""])]),
        // Records may be shorter or longer than the header.
        (
            b"a,b,c\n1\n1,2,3,4\n",
            vec![
                ok(0, &["a", "b", "c"]),
                ok(1, &["1"]),
                ok(2, &["1", "2", "3", "4"]),
            ],
        ),
        (
            "h\nJosé,Zoë,李\n".as_bytes(),
            vec![ok(0, &["h"]), ok(1, &["José", "Zoë", "李"])],
        ),
        // A cell that is not UTF-8 fails its row only.
        (
            b"h\n\xff\xfe,x\nnext\n",
            vec![
                ok(0, &["h"]),
                (1, Err("cell 1 is not UTF-8 text".to_string())),
                ok(2, &["next"]),
            ],
        ),
    ];
    for (input, expected) in table {
        assert_eq!(
            read_all(input, LIMITS),
            expected,
            "{:?}",
            String::from_utf8_lossy(input)
        );
        let rows = expected.len().saturating_sub(1);
        assert_eq!(
            count_rows(input, &LIMITS),
            Ok(rows),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn a_record_past_a_bound_fails_alone_and_reading_goes_on() {
    let limits = Limits {
        max_bytes: 1 << 20,
        max_rows: 10,
        max_field_bytes: 8,
        max_record_bytes: 16,
        max_fields: 3,
    };
    let long = "x".repeat(5000);
    let table: Vec<(String, Read)> = vec![
        (
            "a,b\n123456789\nok\n".into(),
            vec![
                ok(0, &["a", "b"]),
                (1, Err("cell 1 is longer than 8 bytes".into())),
                ok(2, &["ok"]),
            ],
        ),
        (
            "a\n1,2,3,4\nok\n".into(),
            vec![
                ok(0, &["a"]),
                (1, Err("the row has more than 3 cells".into())),
                ok(2, &["ok"]),
            ],
        ),
        (
            format!("a\n\"{long}\",\"{long}\"\nok"),
            vec![
                ok(0, &["a"]),
                (1, Err("the row is longer than 16 bytes".into())),
                ok(2, &["ok"]),
            ],
        ),
        // Exactly at the bounds is fine.
        (
            "a\n12345678,12345678\n".into(),
            vec![ok(0, &["a"]), ok(1, &["12345678", "12345678"])],
        ),
    ];
    for (input, expected) in table {
        assert_eq!(read_all(input.as_bytes(), limits), expected, "{input:.40}");
    }
}

#[test]
fn the_whole_file_is_checked_before_anything_is_read() {
    let limits = Limits {
        max_bytes: 64,
        max_rows: 3,
        ..LIMITS
    };
    let table: [(&str, core::result::Result<usize, &str>); 6] = [
        ("h\n1\n2\n3\n", Ok(3)),
        ("h\n1\n2\n3", Ok(3)),
        ("h\n1\n2\n3\n4\n", Err("more than 3 rows")),
        // A line end inside quotes is no new row.
        ("h\n\"1\n2\n3\n4\"\n", Ok(1)),
        ("h\n\n\n1\n\n", Ok(1)),
        (
            "h\n0123456789012345678901234567890123456789012345678901234567890123\n",
            Err("at most 64 bytes"),
        ),
    ];
    for (input, expected) in table {
        let got = count_rows(input.as_bytes(), &limits);
        match expected {
            Ok(n) => assert_eq!(got, Ok(n), "{input:?}"),
            Err(part) => {
                let err = got.expect_err(input);
                assert_eq!(err.status, 413, "{input:?}");
                assert!(err.detail.contains(part), "{input:?}: {}", err.detail);
            }
        }
    }
}

#[test]
fn reading_resumed_at_any_record_boundary_gives_the_same_records() {
    // The second data row starts with U+FEFF, which is data there, not a byte-order mark.
    let files: [&[u8]; 3] = [
        b"\xef\xbb\xbfa,b\n1,\"x\ny\"\n\xef\xbb\xbf2,3\r\n\r\n4,5",
        b"h\n\xff\n\"q\"\"\",z\n",
        b"only header",
    ];
    for file in files {
        let whole = read_all(file, LIMITS);
        let mut records = Records::new(file, LIMITS);
        let mut boundaries = vec![(0, 0)];
        while records.next_record().is_some() {
            boundaries.push((records.offset(), records.next_number()));
        }
        for (offset, next) in boundaries {
            let mut resumed = Records::resume(file, offset, next, LIMITS);
            let mut rest = Vec::new();
            while let Some((n, r)) = resumed.next_record() {
                rest.push((
                    n,
                    r.map(|r| r.cells().iter().map(|c| c.to_string()).collect())
                        .map_err(|e| e.detail),
                ));
            }
            let expected: Vec<_> = whole.iter().filter(|(n, _)| *n >= next).cloned().collect();
            assert_eq!(
                rest,
                expected,
                "{:?} from {offset}",
                String::from_utf8_lossy(file)
            );
        }
    }
}

#[test]
fn blank_records_are_told_apart() {
    let table: [(&[u8], bool); 4] = [
        (b",,\n", true),
        (b" , \n", false),
        (b",x,\n", false),
        (b"\"\"\n", true),
    ];
    for (input, blank) in table {
        let mut records = Records::new(input, LIMITS);
        let (_, record) = records.next_record().expect("a record");
        assert_eq!(record.expect("cells").is_blank(), blank, "{input:?}");
    }
}
