use super::*;
use crate::csv::read::{Records, LIMITS};
use alloc::string::String;
use alloc::vec;

#[test]
fn cells_are_quoted_only_when_they_must_be_and_read_back_exactly() {
    let table: [(&[&str], &str); 6] = [
        (&["a", "b"], "a,b\r\n"),
        (&["Smith, Jr.", "O'Brien"], "\"Smith, Jr.\",O'Brien\r\n"),
        (&["say \"hi\"", ""], "\"say \"\"hi\"\"\",\r\n"),
        (&["two\r\nlines", "x"], "\"two\r\nlines\",x\r\n"),
        (&[" padded ", "Zoë"], "\" padded \",Zoë\r\n"),
        (&["\"", "''"], "\"\"\"\",''\r\n"),
    ];
    for (cells, line) in table {
        let mut out = vec![];
        push_record(&mut out, cells.iter().copied());
        assert_eq!(String::from_utf8(out.clone()).unwrap(), line);
        let mut records = Records::new(&out, LIMITS);
        let (_, record) = records.next_record().expect("a record");
        assert_eq!(record.expect("cells").cells(), cells);
    }
}

proptest::proptest! {
    #[test]
    fn any_cells_read_back_as_written(cells in proptest::collection::vec(".{0,8}", 1..5)) {
        // A record of one empty cell is an empty line, which is no record.
        proptest::prop_assume!(!(cells.len() == 1 && cells[0].is_empty()));
        let mut out = vec![];
        push_record(&mut out, cells.iter().map(String::as_str));
        let mut records = Records::new(&out, LIMITS);
        let (_, record) = records.next_record().expect("a record");
        let read: Vec<&str> = record.expect("cells").cells().to_vec();
        proptest::prop_assert_eq!(read, cells.iter().map(String::as_str).collect::<Vec<_>>());
    }
}
