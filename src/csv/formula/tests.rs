use super::*;

/// (value, exported cell): the documented example, each dangerous start, what stays as it is.
#[test]
fn cells_that_begin_a_formula_are_wrapped_and_unwrapped() {
    let table = [
        ("@test", "'@test'"),
        ("+1 555 0100", "'+1 555 0100'"),
        ("-5", "'-5'"),
        ("=SUM(A1:A2)", "'=SUM(A1:A2)'"),
        ("|cmd", "'|cmd'"),
        ("%APPDATA%", "'%APPDATA%'"),
        // Not formulas: as they are.
        ("bjensen", "bjensen"),
        ("O'Brien", "O'Brien"),
        ("'Bob'", "'Bob'"),
        ("'", "'"),
        ("''", "''"),
        ("", ""),
        ("a=b", "a=b"),
        ("Zoë", "Zoë"),
        // A value typed with the quotes an export adds gets a layer more.
        ("'=x'", "''=x''"),
        ("''@y''", "'''@y'''"),
    ];
    for (value, cell) in table {
        assert_eq!(escape(value), cell, "{value:?}");
        assert_eq!(unescape(cell), value, "{cell:?}");
    }
}

/// Cells a person typed: wrapped ones lose one layer, anything else is kept.
#[test]
fn imported_cells_lose_one_layer_of_quotes_only_when_wrapped() {
    let table = [
        ("'@test'", "@test"),
        ("'@test", "'@test"),
        ("@test'", "@test'"),
        ("'test'", "'test'"),
        ("'''", "'''"),
        ("'é'", "'é'"),
        ("'-'", "-"),
    ];
    for (cell, value) in table {
        assert_eq!(unescape(cell), value, "{cell:?}");
    }
}

proptest::proptest! {
    #[test]
    fn export_then_import_is_the_identity(value in "['@+=|%a-]{0,6}|.{0,12}") {
        let cell = escape(&value);
        proptest::prop_assert_eq!(unescape(&cell), value.as_str());
    }
}
