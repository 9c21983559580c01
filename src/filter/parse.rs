//! The filter grammar of RFC 7644 section 3.4.2.2, read by recursive descent with one
//! token of look-ahead, plus the forms real clients send (bare words as values, any case
//! for names and keywords, Entra's `emails[type eq "work"].value eq "x"`).
//!
//! Precedence: `not` > `and` > `or`; `and`/`or` chains associate to the left. Errors name
//! the 1-based character position of the offending token.

use super::compare::is_json_number;
use super::{AttrPath, CompareOp, Filter, Literal};
use crate::error::{Result, ScimError};
use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use core::fmt;

/// Deepest nesting of `(...)`, `not (...)` and `[...]` a filter may use.
pub const MAX_NESTING: usize = 50;
/// Most attribute expressions one filter may hold (bounds the tree every later step walks).
pub const MAX_EXPRESSIONS: usize = 1000;

/// What the filter text is cut into.
#[derive(Debug, Clone, PartialEq)]
enum Kind<'a> {
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    /// A JSON string, unescaped.
    Str(String),
    /// A run of anything but blanks, parentheses, brackets and quotes: an attribute path,
    /// a keyword, an operator or a bare value.
    Word(&'a str),
    End,
}

#[derive(Debug, Clone)]
struct Token<'a> {
    kind: Kind<'a>,
    /// Byte offsets in the filter text.
    start: usize,
    end: usize,
}

/// Parses a filter. Errors are 400 `invalidFilter` naming the character position.
pub fn parse(text: &str) -> Result<Filter> {
    if text.trim().is_empty() {
        return Err(ScimError::invalid_filter(
            "invalid filter: the filter is empty",
        ));
    }
    let mut parser = Parser {
        text,
        at: 0,
        peeked: None,
        depth: 0,
        expressions: 0,
    };
    let filter = parser.or_expression(false)?;
    let next = parser.next()?;
    if next.kind != Kind::End {
        return Err(parser.unexpected(&next, "\"and\", \"or\" or the end of the filter"));
    }
    Ok(filter)
}

struct Parser<'a> {
    text: &'a str,
    /// Byte offset where the next token is lexed.
    at: usize,
    peeked: Option<Token<'a>>,
    depth: usize,
    expressions: usize,
}

impl<'a> Parser<'a> {
    // ---- errors ----

    fn char_position(&self, byte: usize) -> usize {
        self.text.get(..byte).map_or(0, |head| head.chars().count()) + 1
    }

    fn error_at(&self, byte: usize, message: impl fmt::Display) -> ScimError {
        ScimError::invalid_filter(format!(
            "invalid filter at character {}: {message}",
            self.char_position(byte)
        ))
    }

    fn unexpected(&self, token: &Token<'_>, expected: &str) -> ScimError {
        let found = match &token.kind {
            Kind::Open => "\"(\"".to_owned(),
            Kind::Close => "\")\"".to_owned(),
            Kind::OpenBracket => "\"[\"".to_owned(),
            Kind::CloseBracket => "\"]\"".to_owned(),
            Kind::Str(_) => format!(
                "the string {}",
                excerpt(self.text.get(token.start..token.end).unwrap_or_default())
            ),
            Kind::Word(word) => format!("\"{}\"", excerpt(word)),
            Kind::End => "the end of the filter".to_owned(),
        };
        self.error_at(
            token.start,
            format_args!("expected {expected}, found {found}"),
        )
    }

    // ---- tokens ----

    fn peek(&mut self) -> Result<&Token<'a>> {
        if self.peeked.is_none() {
            let token = self.lex()?;
            self.peeked = Some(token);
        }
        match &self.peeked {
            Some(token) => Ok(token),
            None => Err(self.error_at(self.at, "unexpected state")),
        }
    }

    fn next(&mut self) -> Result<Token<'a>> {
        match self.peeked.take() {
            Some(token) => Ok(token),
            None => self.lex(),
        }
    }

    /// Whether the next token is the keyword `word` (any case).
    fn peek_keyword(&mut self, keyword: &str) -> Result<bool> {
        Ok(matches!(&self.peek()?.kind, Kind::Word(w) if w.eq_ignore_ascii_case(keyword)))
    }

    fn lex(&mut self) -> Result<Token<'a>> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut start = self.at;
        while bytes.get(start).is_some_and(u8::is_ascii_whitespace) {
            start += 1;
        }
        let single = |kind| Token {
            kind,
            start,
            end: start + 1,
        };
        let token = match bytes.get(start) {
            None => Token {
                kind: Kind::End,
                start,
                end: start,
            },
            Some(b'(') => single(Kind::Open),
            Some(b')') => single(Kind::Close),
            Some(b'[') => single(Kind::OpenBracket),
            Some(b']') => single(Kind::CloseBracket),
            Some(b'"') => self.lex_string(start)?,
            Some(_) => {
                let len = bytes
                    .get(start..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|b| !(b.is_ascii_whitespace() || b"()[]\"".contains(b)))
                    .count();
                Token {
                    kind: Kind::Word(text.get(start..start + len).unwrap_or_default()),
                    start,
                    end: start + len,
                }
            }
        };
        self.at = token.end;
        Ok(token)
    }

    /// A JSON string (RFC 8259 section 7) starting at the quote at byte `start`.
    fn lex_string(&self, start: usize) -> Result<Token<'a>> {
        let body = self.text.get(start + 1..).unwrap_or_default();
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((offset, c)) = chars.next() {
            let at = start + 1 + offset;
            match c {
                '"' => {
                    return Ok(Token {
                        kind: Kind::Str(out),
                        start,
                        end: at + 1,
                    })
                }
                '\\' => {
                    let escaped = match chars.next().map(|(_, e)| e) {
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('/') => '/',
                        Some('b') => '\u{8}',
                        Some('f') => '\u{c}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('u') => self.unicode_escape(&mut chars, at)?,
                        Some(other) => {
                            return Err(self.error_at(
                                at,
                                format_args!(
                                    "invalid escape \"\\{other}\" in a string \
                                     (expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)"
                                ),
                            ))
                        }
                        None => break,
                    };
                    out.push(escaped);
                }
                c => out.push(c),
            }
        }
        Err(self.error_at(start, "unterminated string: expected a closing '\"'"))
    }

    /// The rest of `\uXXXX` (after the `u`), with a surrogate pair when needed.
    fn unicode_escape(&self, chars: &mut core::str::CharIndices<'_>, at: usize) -> Result<char> {
        let hex4 = |chars: &mut core::str::CharIndices<'_>| -> Option<u32> {
            (0..4).try_fold(0u32, |acc, _| {
                let digit = chars.next()?.1.to_digit(16)?;
                Some(acc * 16 + digit)
            })
        };
        let bad = || {
            self.error_at(at, "invalid \\u escape in a string: expected \\u and 4 hex digits, a surrogate pair for characters beyond U+FFFF")
        };
        let first = hex4(chars).ok_or_else(bad)?;
        let code = match first {
            0xD800..=0xDBFF => {
                let is_pair = matches!(chars.next(), Some((_, '\\')))
                    && matches!(chars.next(), Some((_, 'u')));
                let second = hex4(chars).filter(|_| is_pair).ok_or_else(bad)?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(bad());
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            code => code,
        };
        char::from_u32(code).ok_or_else(bad)
    }

    // ---- grammar ----

    /// `and_expression ("or" and_expression)*`
    fn or_expression(&mut self, in_brackets: bool) -> Result<Filter> {
        let mut left = self.and_expression(in_brackets)?;
        while self.peek_keyword("or")? {
            self.next()?;
            let right = self.and_expression(in_brackets)?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// `unary ("and" unary)*`
    fn and_expression(&mut self, in_brackets: bool) -> Result<Filter> {
        let mut left = self.unary(in_brackets)?;
        while self.peek_keyword("and")? {
            self.next()?;
            let right = self.unary(in_brackets)?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// `"(" filter ")"`, `not "(" filter ")"`, an attribute expression or a value path.
    fn unary(&mut self, in_brackets: bool) -> Result<Filter> {
        let token = self.next()?;
        match token.kind {
            Kind::Open => self.group(token.start, in_brackets),
            // `not` is the operator only before "("; otherwise it names an attribute.
            Kind::Word(word)
                if word.eq_ignore_ascii_case("not") && self.peek()?.kind == Kind::Open =>
            {
                let open = self.next()?;
                let inner = self.group(open.start, in_brackets)?;
                Ok(Filter::Not(Box::new(inner)))
            }
            Kind::Word(word) => self.attribute_expression(word, token.start, in_brackets),
            _ => Err(self.unexpected(&token, "an attribute path, \"not\" or \"(\"")),
        }
    }

    /// The inside of a group whose "(" was at byte `open`, and its ")".
    fn group(&mut self, open: usize, in_brackets: bool) -> Result<Filter> {
        self.enter(open)?;
        let inner = self.or_expression(in_brackets)?;
        let close = self.next()?;
        if close.kind != Kind::Close {
            let expected = format!(
                "\"and\", \"or\" or \")\" to close the \"(\" at character {}",
                self.char_position(open)
            );
            return Err(self.unexpected(&close, &expected));
        }
        self.depth = self.depth.saturating_sub(1);
        Ok(inner)
    }

    fn enter(&mut self, at: usize) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error_at(
                at,
                format_args!("the filter nests deeper than {MAX_NESTING} levels"),
            ));
        }
        Ok(())
    }

    /// `attrPath pr`, `attrPath op value`, `attrPath "[" filter "]"` (plus Entra's
    /// trailing `.sub op value`), with the path word already read.
    fn attribute_expression(
        &mut self,
        word: &'a str,
        start: usize,
        in_brackets: bool,
    ) -> Result<Filter> {
        self.expressions += 1;
        if self.expressions > MAX_EXPRESSIONS {
            return Err(self.error_at(
                start,
                format_args!("the filter has more than {MAX_EXPRESSIONS} attribute expressions"),
            ));
        }
        let path = self.attr_path(word, start)?;
        if self.peek()?.kind != Kind::OpenBracket {
            return self.comparison(path);
        }
        let open = self.next()?;
        if in_brackets {
            return Err(self.error_at(
                open.start,
                "a value filter \"[...]\" cannot contain another value filter",
            ));
        }
        self.enter(open.start)?;
        let filter = self.or_expression(true)?;
        let close = self.next()?;
        if close.kind != Kind::CloseBracket {
            let expected = format!(
                "\"and\", \"or\" or \"]\" to close the \"[\" at character {}",
                self.char_position(open.start)
            );
            return Err(self.unexpected(&close, &expected));
        }
        self.depth = self.depth.saturating_sub(1);
        let then = match self.peek()?.kind {
            Kind::Word(word) if word.starts_with('.') => {
                let sub = self.next()?;
                let name = word.get(1..).unwrap_or_default();
                check_name(name).map_err(|_| {
                    self.error_at(
                        sub.start + 1,
                        format_args!(
                            "expected a sub-attribute name after \"].\", found \"{}\"",
                            excerpt(name)
                        ),
                    )
                })?;
                let element_path = AttrPath {
                    urn: None,
                    name: name.to_owned(),
                    sub: None,
                };
                Some(Box::new(self.comparison(element_path)?))
            }
            _ => None,
        };
        Ok(Filter::ValuePath {
            attr: path,
            filter: Box::new(filter),
            then,
        })
    }

    /// `[urn ":"] name ["." sub]` from a word starting at byte `start`.
    fn attr_path(&self, word: &str, start: usize) -> Result<AttrPath> {
        let (urn, rest, rest_start) = match word.rsplit_once(':') {
            Some((urn, rest)) => (Some(urn), rest, start + urn.len() + 1),
            None => (None, word, start),
        };
        if urn == Some("") {
            return Err(self.error_at(start, "expected a schema URN before \":\""));
        }
        let (name, sub) = match rest.split_once('.') {
            Some((name, sub)) => (name, Some(sub)),
            None => (rest, None),
        };
        let name_error = |at: usize, found: &str| {
            let what = if urn.is_some() {
                "an attribute name after the schema URN"
            } else {
                "an attribute path"
            };
            self.error_at(
                at,
                format_args!("expected {what}, found \"{}\"", excerpt(found)),
            )
        };
        check_name(name).map_err(|_| name_error(rest_start, word))?;
        if let Some(sub) = sub {
            let sub_start = rest_start + name.len() + 1;
            if sub.contains('.') {
                return Err(self.error_at(
                    sub_start,
                    format_args!(
                        "an attribute path has at most one sub-attribute, found \"{}\"",
                        excerpt(rest)
                    ),
                ));
            }
            check_name(sub).map_err(|_| {
                self.error_at(
                    sub_start,
                    format_args!(
                        "expected a sub-attribute name after \".\", found \"{}\"",
                        excerpt(sub)
                    ),
                )
            })?;
        }
        Ok(AttrPath {
            urn: urn.map(ToOwned::to_owned),
            name: name.to_owned(),
            sub: sub.map(ToOwned::to_owned),
        })
    }

    /// `pr` or `op value` after a path.
    fn comparison(&mut self, path: AttrPath) -> Result<Filter> {
        let token = self.next()?;
        let expected_operator = "a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le) or pr";
        let Kind::Word(word) = token.kind else {
            return Err(self.unexpected(&token, expected_operator));
        };
        if word.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(path));
        }
        let Some(op) = CompareOp::from_keyword(word) else {
            return Err(self.unexpected(&token, expected_operator));
        };
        let value = self.next()?;
        let literal = match value.kind {
            Kind::Str(text) => Literal::String(text),
            Kind::Word(word) => bare_literal(word),
            _ => {
                return Err(self.unexpected(
                    &value,
                    "a value (a \"string\", a number, true, false or null)",
                ))
            }
        };
        Ok(Filter::Compare(path, op, literal))
    }
}

/// A value written without quotes: `true`/`false`/`null` (any case), a JSON number, or
/// else a string (Entra writes `externalId eq jyoung`).
fn bare_literal(word: &str) -> Literal {
    if word.eq_ignore_ascii_case("true") {
        Literal::Bool(true)
    } else if word.eq_ignore_ascii_case("false") {
        Literal::Bool(false)
    } else if word.eq_ignore_ascii_case("null") {
        Literal::Null
    } else if is_json_number(word) {
        Literal::Number(word.to_owned())
    } else {
        Literal::String(word.to_owned())
    }
}

/// `ATTRNAME = ALPHA *(nameChar)` (RFC 7643 section 2.1), plus a leading `$` for `$ref`.
pub(crate) fn check_name(name: &str) -> core::result::Result<(), ()> {
    let mut bytes = name.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'$');
    if first_ok && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        Ok(())
    } else {
        Err(())
    }
}

/// At most 40 characters of `text`, for error messages.
fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", text.get(..cut).unwrap_or_default()),
        None => text.to_owned(),
    }
}

impl CompareOp {
    /// The operator for a keyword, ignoring case (`EQ`, `Eq`, `eq`).
    pub fn from_keyword(word: &str) -> Option<CompareOp> {
        const ALL: [CompareOp; 9] = [
            CompareOp::Eq,
            CompareOp::Ne,
            CompareOp::Co,
            CompareOp::Sw,
            CompareOp::Ew,
            CompareOp::Gt,
            CompareOp::Ge,
            CompareOp::Lt,
            CompareOp::Le,
        ];
        ALL.into_iter()
            .find(|op| op.as_str().eq_ignore_ascii_case(word))
    }

    /// The canonical (lowercase) keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Co => "co",
            CompareOp::Sw => "sw",
            CompareOp::Ew => "ew",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
        }
    }
}
