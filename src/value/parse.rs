//! A JSON parser that builds [`Value`]s directly: the one path from JSON text to a
//! [`Value`], for request bodies ([`from_slice`]) and for the stored resources and
//! exports hosts read back ([`from_str`]).
//!
//! Why not `serde_json::from_slice` through `Deserialize`: the visitor protocol returns
//! each value through several layers of `Result`, and those moves plus the visitor calls
//! were a third of a Bulk load. This parser is one loop over the input with an explicit
//! stack (no recursion, so no input can overflow the call stack), collecting members on
//! scratch vectors and allocating each object and array once at its exact size.
//!
//! It accepts exactly what `serde_json::from_slice::<serde_json::Value>` accepts, including
//! its nesting limit, and gives the same values (floats correctly rounded, as serde_json
//! rounds them with `float_roundtrip`); the `json` fuzz target and the tests below compare
//! the two. Errors read like serde_json's: what was wrong, then the line
//! and column.

use super::{Key, Map, Number, Text, Value};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Containers nested deeper than this are refused, as serde_json refuses them.
const MAX_DEPTH: usize = 127;

/// Which of `schemas`, `id` and `meta` an object has shown so far, one bit each.
///
/// An object with `schemas` (a resource) keeps a spare slot for each of the `id` and
/// `meta` it lacks, which a create adds, so the create neither reallocates nor copies it;
/// a stored resource, which has both, is allocated exactly.
#[derive(Clone, Copy, Default)]
struct Seen(u8);

impl Seen {
    const SCHEMAS: u8 = 1;
    const ID: u8 = 2;
    const META: u8 = 4;

    fn with(self, key: &str) -> Seen {
        let bit = match key {
            "schemas" => Seen::SCHEMAS,
            "id" => Seen::ID,
            "meta" => Seen::META,
            _ => 0,
        };
        Seen(self.0 | bit)
    }

    /// Spare slots for the object: one per member a create adds that a resource lacks.
    fn room(self) -> usize {
        if self.0 & Seen::SCHEMAS == 0 {
            return 0;
        }
        usize::from(self.0 & Seen::ID == 0) + usize::from(self.0 & Seen::META == 0)
    }
}

/// Why an input is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    what: &'static str,
    line: usize,
    column: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.what, self.line, self.column
        )
    }
}

impl core::error::Error for ParseError {}

/// Parses one JSON document (whitespace around it allowed): a request body.
pub fn from_slice(input: &[u8]) -> Result<Value, ParseError> {
    match core::str::from_utf8(input) {
        Ok(text) => from_str(text),
        // Only strings may hold non-ASCII bytes; anything else there is a syntax error
        // serde_json would report too, so one check up front serves for both.
        Err(e) => {
            Err(Parser::new("").error_at(input, e.valid_up_to(), "invalid unicode code point"))
        }
    }
}

/// Parses one JSON document held as text: a stored resource or an export a host reads
/// back, without checking again that it is UTF-8.
pub fn from_str(text: &str) -> Result<Value, ParseError> {
    Parser::new(text).document()
}

/// An open container.
enum Frame {
    /// An array whose items so far are `items[start..]`.
    Array { start: usize },
    /// An object whose members so far are `pairs[start..]`, waiting for the value of `key`.
    Object { start: usize, key: Key, seen: Seen },
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
    stack: Vec<Frame>,
    items: Vec<Value>,
    pairs: Vec<(Key, Value)>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser {
            text,
            at: 0,
            stack: Vec::new(),
            items: Vec::new(),
            pairs: Vec::new(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// The next non-whitespace byte, consumed.
    fn next_token(&mut self) -> Option<u8> {
        self.skip_whitespace();
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn error(&self, what: &'static str) -> ParseError {
        self.error_at(self.text.as_bytes(), self.at, what)
    }

    /// Line and column (1-based, the column in bytes) of the byte at `at`.
    fn error_at(&self, input: &[u8], at: usize, what: &'static str) -> ParseError {
        let before = input.get(..at).unwrap_or(input);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + before.iter().rev().take_while(|&&b| b != b'\n').count();
        ParseError { what, line, column }
    }

    fn document(mut self) -> Result<Value, ParseError> {
        'values: loop {
            let mut value = match self.next_token() {
                None => return Err(self.error("EOF while parsing a value")),
                Some(b'{' | b'[') if self.stack.len() >= MAX_DEPTH => {
                    return Err(self.error("recursion limit exceeded"))
                }
                Some(b'{') => match self.next_token() {
                    Some(b'}') => Value::Object(Map::new()),
                    Some(b'"') => {
                        let key = self.string()?;
                        self.colon()?;
                        self.stack.push(Frame::Object {
                            start: self.pairs.len(),
                            seen: Seen::default().with(&key),
                            key,
                        });
                        continue 'values;
                    }
                    Some(_) => return Err(self.error("key must be a string")),
                    None => return Err(self.error("EOF while parsing an object")),
                },
                Some(b'[') => {
                    self.skip_whitespace();
                    if self.peek() == Some(b']') {
                        self.at += 1;
                        Value::Array(Vec::new())
                    } else {
                        self.stack.push(Frame::Array {
                            start: self.items.len(),
                        });
                        continue 'values;
                    }
                }
                Some(b'"') => Value::String(self.string()?),
                Some(b't') => self.literal("rue", Value::Bool(true))?,
                Some(b'f') => self.literal("alse", Value::Bool(false))?,
                Some(b'n') => self.literal("ull", Value::Null)?,
                Some(b'-' | b'0'..=b'9') => {
                    self.at -= 1;
                    self.number()?
                }
                Some(_) => {
                    self.at -= 1;
                    return Err(self.error("expected value"));
                }
            };
            // A value is complete: add it to its container, closing containers it completes.
            loop {
                match self.stack.last_mut() {
                    None => {
                        self.skip_whitespace();
                        return match self.peek() {
                            None => Ok(value),
                            Some(_) => Err(self.error("trailing characters")),
                        };
                    }
                    Some(Frame::Array { start }) => {
                        let start = *start;
                        self.items.push(value);
                        match self.next_token() {
                            Some(b',') => continue 'values,
                            Some(b']') => {
                                self.stack.pop();
                                value = Value::Array(self.items.drain(start..).collect());
                            }
                            Some(_) => return Err(self.error("expected `,` or `]`")),
                            None => return Err(self.error("EOF while parsing a list")),
                        }
                    }
                    Some(Frame::Object { start, key, seen }) => {
                        let (start, seen) = (*start, *seen);
                        self.pairs.push((core::mem::take(key), value));
                        match self.next_token() {
                            Some(b',') => {
                                if self.next_token() != Some(b'"') {
                                    return Err(self.error("key must be a string"));
                                }
                                let next = self.string()?;
                                self.colon()?;
                                if let Some(Frame::Object { key, seen, .. }) = self.stack.last_mut()
                                {
                                    *seen = seen.with(&next);
                                    *key = next;
                                }
                                continue 'values;
                            }
                            Some(b'}') => {
                                let room = seen.room();
                                self.stack.pop();
                                value = Value::Object(self.close_object(start, room));
                            }
                            Some(_) => return Err(self.error("expected `,` or `}`")),
                            None => return Err(self.error("EOF while parsing an object")),
                        }
                    }
                }
            }
        }
    }

    /// Moves an object's members off the scratch vector into one exact allocation, plus
    /// `room` spare slots (see [`Seen`]).
    fn close_object(&mut self, start: usize, room: usize) -> Map {
        let len = self.pairs.len().saturating_sub(start);
        let mut pairs = Vec::with_capacity(len + room);
        pairs.extend(self.pairs.drain(start..));
        Map::from_pairs(pairs)
    }

    fn colon(&mut self) -> Result<(), ParseError> {
        match self.next_token() {
            Some(b':') => Ok(()),
            Some(_) => Err(self.error("expected `:`")),
            None => Err(self.error("EOF while parsing an object")),
        }
    }

    fn literal(&mut self, rest: &str, value: Value) -> Result<Value, ParseError> {
        for expected in rest.bytes() {
            match self.peek() {
                Some(b) if b == expected => self.at += 1,
                Some(_) => return Err(self.error("expected ident")),
                None => return Err(self.error("EOF while parsing a value")),
            }
        }
        Ok(value)
    }

    /// A string's contents, the opening quote already read.
    fn string(&mut self) -> Result<Text, ParseError> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        // The usual case: no escape, borrowed straight from the input.
        loop {
            match bytes.get(self.at) {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    let text = self.text.get(start..self.at).unwrap_or_default();
                    self.at += 1;
                    return Ok(Text::new(text));
                }
                Some(b'\\') => break,
                Some(0..=0x1f) => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                Some(_) => self.at += 1,
            }
        }
        let mut out = String::from(self.text.get(start..self.at).unwrap_or_default());
        loop {
            let run = self.at;
            while let Some(&b) = bytes.get(self.at) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            out.push_str(self.text.get(run..self.at).unwrap_or_default());
            match bytes.get(self.at) {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(Text::from(out));
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
            }
        }
    }

    /// One escape sequence, the backslash already read.
    fn escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let Some(b) = self.peek() else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.at += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                let code = match first {
                    0xD800..=0xDBFF => {
                        if self.peek() != Some(b'\\') {
                            return Err(self.error("lone leading surrogate in hex escape"));
                        }
                        self.at += 1;
                        if self.peek() != Some(b'u') {
                            return Err(self.error("unexpected end of hex escape"));
                        }
                        self.at += 1;
                        let second = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&second) {
                            return Err(self.error("lone leading surrogate in hex escape"));
                        }
                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    }
                    0xDC00..=0xDFFF => {
                        return Err(self.error("lone leading surrogate in hex escape"))
                    }
                    code => code,
                };
                match char::from_u32(code) {
                    Some(c) => c,
                    None => return Err(self.error("invalid unicode code point")),
                }
            }
            _ => return Err(self.error("invalid escape")),
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut code = 0;
        for _ in 0..4 {
            let Some(b) = self.peek() else {
                return Err(self.error("EOF while parsing a string"));
            };
            let digit = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return Err(self.error("invalid escape")),
            };
            self.at += 1;
            code = code * 16 + u32::from(digit);
        }
        Ok(code)
    }

    /// A number: an integer as `u64`/`i64` when it fits, anything else as a finite `f64`.
    fn number(&mut self) -> Result<Value, ParseError> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let negative = bytes.get(self.at) == Some(&b'-');
        if negative {
            self.at += 1;
        }
        match bytes.get(self.at) {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        let mut integral = true;
        if bytes.get(self.at) == Some(&b'.') {
            integral = false;
            self.at += 1;
            if !matches!(bytes.get(self.at), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = bytes.get(self.at) {
            integral = false;
            self.at += 1;
            if let Some(b'+' | b'-') = bytes.get(self.at) {
                self.at += 1;
            }
            if !matches!(bytes.get(self.at), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number"));
            }
            self.digits();
        }
        let text = self.text.get(start..self.at).unwrap_or_default();
        if integral {
            let parsed = if negative {
                text.parse::<i64>()
                    .ok()
                    .filter(|&n| n != 0)
                    .map(Number::from)
            } else {
                text.parse::<u64>().ok().map(Number::from)
            };
            if let Some(n) = parsed {
                return Ok(Value::Number(n));
            }
        }
        match text.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => Ok(Value::Number(n)),
            None => Err(self.error("number out of range")),
        }
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde_json makes of `input`, in our terms.
    fn serde(input: &[u8]) -> Result<Value, ()> {
        serde_json::from_slice::<serde_json::Value>(input)
            .map(Value::from)
            .map_err(drop)
    }

    /// Same acceptance and, where accepted, the same value; text parses as its bytes do.
    fn agrees(input: &[u8]) {
        let ours = from_slice(input);
        if let Ok(text) = core::str::from_utf8(input) {
            assert_eq!(from_str(text), ours, "{text:?}");
        }
        let theirs = serde(input);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{:?}", String::from_utf8_lossy(input)),
            (Err(_), Err(())) => {}
            _ => panic!(
                "{:?}: ours {ours:?}, serde_json {theirs:?}",
                String::from_utf8_lossy(input)
            ),
        }
    }

    #[test]
    fn accepts_and_refuses_what_serde_json_does() {
        let table: &[&str] = &[
            // RFC 7644 section 3.3's example body and the shapes around it.
            r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","externalId":"bjensen","name":{"formatted":"Ms. Barbara J Jensen III","familyName":"Jensen","givenName":"Barbara"}}"#,
            "{}",
            "[]",
            " [ ] ",
            "[[],[[]],{}]",
            r#"{"a":{"b":{"c":[1,2,{"d":null}]}}}"#,
            "null",
            "true",
            "false",
            "0",
            "-0",
            "1",
            "-1",
            "12345678901234567890",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1.5",
            "-1.5e3",
            "1E-2",
            "1e+2",
            "0.1",
            "2.5e-308",
            "1e400",
            "-1e400",
            "1e-400",
            "0e99999999999999999999",
            "123456789012345678901234567890",
            r#""""#,
            r#""a\"b\\c\/d\be\ff\ng\rh\ti""#,
            r#""\u00e9\u20AC\ud83d\ude00""#,
            r#""é€😀""#,
            r#""\ud83d""#,
            r#""\ud83dx""#,
            r#""\ude00""#,
            r#""\ud83d\u0041""#,
            r#""\u12""#,
            r#""\x""#,
            "\"a\u{1}b\"",
            "\"\t\"",
            r#"{"a":1,"a":2}"#,
            r#"{"a":1,"b":2,"a":3,"c":{"x":1,"x":[2]}}"#,
            "",
            " ",
            "[",
            "]",
            "{",
            "}",
            "[1,]",
            "[,1]",
            "[1 2]",
            r#"{"a"}"#,
            r#"{"a":}"#,
            r#"{"a":1,}"#,
            r#"{,"a":1}"#,
            r#"{1:2}"#,
            r#"{"a" 1}"#,
            "tru",
            "truex",
            "nul",
            "[true false]",
            "01",
            "-",
            "+1",
            "1.",
            ".5",
            "1e",
            "1e+",
            "-a",
            "NaN",
            "Infinity",
            "1 2",
            "{} x",
            "\"abc",
            "[\"abc",
            "{\"a\":\"b",
            "[1,[2,[3",
            "\u{feff}{}",
            "{\"schemas\":[],\"id\":\"x\"}",
        ];
        for input in table {
            agrees(input.as_bytes());
        }
        for bytes in [
            &b"\"\xff\""[..],
            b"[\"\xc3\x28\"]",
            b"\xff",
            b"{\"\xe2\x82\":1}",
        ] {
            agrees(bytes);
        }
    }

    #[test]
    fn nesting_stops_where_serde_json_stops() {
        for depth in [1, 126, 127, 128, 129, 500, 100_000] {
            let arrays = alloc::format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            agrees(arrays.as_bytes());
            let objects = alloc::format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
            agrees(objects.as_bytes());
        }
    }

    #[test]
    fn errors_say_where() {
        let table = [
            ("{\"a\":}", "expected value at line 1 column 6"),
            ("[1,\n 2,\n x]", "expected value at line 3 column 2"),
            ("{} x", "trailing characters at line 1 column 4"),
        ];
        for (input, message) in table {
            let error = from_slice(input.as_bytes()).map(drop).unwrap_err();
            assert_eq!(
                alloc::string::ToString::to_string(&error),
                message,
                "{input:?}"
            );
        }
    }

    #[test]
    fn resources_keep_room_for_what_a_create_adds() {
        // (JSON, spare slots at the top level): a body to create keeps room for the
        // `id` and `meta` it lacks; a stored resource, and anything that is not a
        // resource, is allocated exactly.
        let table: [(&[u8], usize); 5] = [
            (
                br#"{"schemas":["x"],"userName":"a","name":{"givenName":"b"}}"#,
                2,
            ),
            (br#"{"userName":"a","schemas":["x"],"id":"1"}"#, 1),
            (
                br#"{"meta":{"version":"W/\"1\""},"schemas":["x"],"userName":"a"}"#,
                1,
            ),
            (
                br#"{"id":"1","schemas":["x"],"userName":"a","meta":{"resourceType":"User"}}"#,
                0,
            ),
            (
                br#"{"userName":"schemas","name":{"givenName":"schemas"},"id":"x"}"#,
                0,
            ),
        ];
        for (json, room) in table {
            let parsed = from_slice(json);
            let Ok(Value::Object(object)) = parsed else {
                panic!("{parsed:?}")
            };
            let text = String::from_utf8_lossy(json);
            assert_eq!(object.entries.capacity(), object.len() + room, "{text}");
            for (_, member) in &object {
                if let Value::Object(inner) = member {
                    assert_eq!(inner.entries.capacity(), inner.len(), "{text}");
                }
            }
        }
    }
}
