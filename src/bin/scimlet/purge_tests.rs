use super::*;

#[test]
fn ids_are_escaped_as_filter_strings() {
    for (raw, escaped) in [
        ("0190-abc", "0190-abc"),
        ("a\"b", "a\\\"b"),
        ("a\\b", "a\\\\b"),
        ("\\\"", "\\\\\\\""),
    ] {
        assert_eq!(filter_string(raw), escaped);
    }
}
