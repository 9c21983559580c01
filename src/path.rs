//! PATCH paths (RFC 7644 section 3.5.2, the `path` ABNF of figure 1):
//!
//! ```text
//! PATH = attrPath / valuePath [subAttr]
//! ```
//!
//! that is `attr`, `attr.sub`, `attr[filter]`, `attr[filter].sub`, each optionally
//! qualified by a schema URN (`urn:...:enterprise:2.0:User:manager.value`), plus a bare
//! extension URN naming the whole extension.
//!
//! [`parse`] resolves names against the resource type, so a parsed path carries canonical
//! (schema-case) names: `EMAILS[type eq "work"].VALUE` becomes `emails[type eq
//! "work"].value`. A path under a URN that names none of the type's schemas is kept as
//! written; PATCH decides whether to ignore it (tolerant) or reject it (strict).
//!
//! Parsing is linear in the text, never recurses except through the (depth-bounded)
//! filter parser, and reports errors as 400 `invalidPath` with a 1-based character position.

use crate::error::{Result, ScimError};
use crate::filter::{self, Filter};
use crate::schema::{Attribute, Container, ResourceSchema};
use alloc::format;
use alloc::string::{String, ToString};
use core::fmt;

/// The longest path accepted, in bytes: far above any real attribute path, low enough that
/// error messages and filter compilation stay small.
pub const MAX_PATH_LEN: usize = 4096;

/// A parsed PATCH path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchPath {
    /// The schema URN: `Some` for an extension attribute (canonical URN, whether or not the
    /// client wrote it), or a URN none of the type's schemas has (as written). `None` for
    /// core and common attributes.
    pub urn: Option<String>,
    /// The top-level attribute, in schema case. Empty when the path is a bare extension URN
    /// (the whole extension).
    pub attr: String,
    /// The value filter of `attr[filter]`, with names relative to one element.
    pub filter: Option<Filter>,
    /// The sub-attribute of `attr.sub` or `attr[filter].sub`, in schema case.
    pub sub: Option<String>,
}

impl PatchPath {
    /// Whether the path names a whole extension (`urn:...:enterprise:2.0:User`).
    pub fn is_whole_extension(&self) -> bool {
        self.urn.is_some() && self.attr.is_empty()
    }
}

impl fmt::Display for PatchPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.urn, self.attr.is_empty()) {
            (Some(urn), true) => return f.write_str(urn),
            (Some(urn), false) => write!(f, "{urn}:")?,
            (None, _) => {}
        }
        f.write_str(&self.attr)?;
        if let Some(filter) = &self.filter {
            write!(f, "[{filter}]")?;
        }
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// Parses a PATCH `path` for one resource type.
///
/// Errors (all 400 `invalidPath`): bad syntax (with the character position), an unknown
/// attribute or sub-attribute of a known schema, a sub-attribute of a non-complex attribute,
/// a filter on a single-valued attribute, a filter that does not compile for the attribute.
pub fn parse(text: &str, rs: &ResourceSchema) -> Result<PatchPath> {
    if text.len() > MAX_PATH_LEN {
        return Err(ScimError::invalid_path(format!(
            "path is {} bytes long; the limit is {MAX_PATH_LEN}",
            text.len()
        )));
    }
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ScimError::invalid_path("path is empty"));
    }
    // Byte offset of `trimmed` in `text`, to report positions in what the client wrote.
    let lead = text.len() - text.trim_start().len();
    let (urn, rest) = rs.split_urn(trimmed);
    let rest_at = lead + (trimmed.len() - rest.len());
    let syntax = parse_syntax(rest).map_err(|(at, what)| {
        ScimError::invalid_path(format!(
            "path `{text}`, character {}: {what}",
            char_pos(text, rest_at + at)
        ))
    })?;
    resolve(text, urn, syntax, rs)
}

/// The shape of the text after the URN, names as written.
struct Syntax<'t> {
    attr: &'t str,
    filter: Option<Filter>,
    sub: Option<&'t str>,
}

/// Splits `attr[filter].sub` (every part optional but `attr`, unless the text is empty).
/// Errors carry the byte offset in `rest` and what was wrong.
fn parse_syntax(rest: &str) -> core::result::Result<Syntax<'_>, (usize, String)> {
    if rest.is_empty() {
        return Ok(Syntax {
            attr: "",
            filter: None,
            sub: None,
        });
    }
    let attr = read_name(rest, 0)?;
    let mut at = attr.len();
    let mut filter = None;
    if rest.as_bytes().get(at) == Some(&b'[') {
        let close = matching_bracket(rest, at)?;
        let inner = rest.get(at + 1..close).unwrap_or("");
        if inner.trim().is_empty() {
            return Err((at, "empty value filter `[]`".to_string()));
        }
        let parsed = filter::parse(inner)
            .map_err(|e| (at, format!("value filter `{inner}`: {}", e.detail)))?;
        filter = Some(parsed);
        at = close + 1;
    }
    let mut sub = None;
    if rest.as_bytes().get(at) == Some(&b'.') {
        let name = read_name(rest, at + 1)?;
        sub = Some(name);
        at += 1 + name.len();
    }
    if let Some(c) = rest.get(at..).and_then(|r| r.chars().next()) {
        let what = match c {
            '.' => "a second `.`: sub-attributes have no sub-attributes".to_string(),
            '[' => "a value filter after a sub-attribute; write `attr[filter].sub`".to_string(),
            _ => format!("unexpected `{c}`"),
        };
        return Err((at, what));
    }
    Ok(Syntax { attr, filter, sub })
}

/// Reads an attribute name (`ALPHA *(nameChar)`, plus `$ref`) starting at byte `from`.
fn read_name(text: &str, from: usize) -> core::result::Result<&str, (usize, String)> {
    let tail = text.get(from..).unwrap_or("");
    let len = tail
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_alphabetic() || (c == '$' && i == 0) || (i > 0 && is_name_char(c)))
        })
        .map_or(tail.len(), |(i, _)| i);
    if len == 0 {
        let what = match tail.chars().next() {
            None => "expected an attribute name, found the end".to_string(),
            Some(c) => format!("expected an attribute name (starting with a letter), found `{c}`"),
        };
        return Err((from, what));
    }
    Ok(tail.get(..len).unwrap_or(""))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$'
}

/// The byte offset of the `]` closing the `[` at `open`, skipping string literals.
fn matching_bracket(text: &str, open: usize) -> core::result::Result<usize, (usize, String)> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices().skip_while(|&(i, _)| i < open) {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' => depth += 1,
            ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => {}
        }
    }
    let what = if in_string {
        "unterminated string in the value filter opened here"
    } else {
        "`[` is never closed by `]`"
    };
    Err((open, what.to_string()))
}

/// 1-based character position of a byte offset (clamped to the text).
fn char_pos(text: &str, byte: usize) -> usize {
    text.char_indices().take_while(|&(i, _)| i < byte).count() + 1
}

/// Resolves the names of a syntactically valid path against the resource type.
fn resolve(
    text: &str,
    urn: Option<&str>,
    syntax: Syntax<'_>,
    rs: &ResourceSchema,
) -> Result<PatchPath> {
    let known_urn = urn.and_then(|u| rs.schema_urns().find(|k| k.eq_ignore_ascii_case(u)));
    let Syntax { attr, filter, sub } = syntax;
    if let (Some(written), None) = (urn, known_urn) {
        // Not one of this type's schemas: keep it as written for PATCH to ignore or reject.
        if attr.is_empty() {
            return Err(ScimError::invalid_path(format!(
                "path `{text}` ends with `:`; expected an attribute name after the URN"
            )));
        }
        return Ok(PatchPath {
            urn: Some(written.to_string()),
            attr: attr.to_string(),
            filter,
            sub: sub.map(ToString::to_string),
        });
    }
    if attr.is_empty() {
        return match known_urn {
            Some(u) if rs.extension(u).is_some() => Ok(PatchPath {
                urn: Some(u.to_string()),
                attr: String::new(),
                filter: None,
                sub: None,
            }),
            _ => Err(ScimError::invalid_path(format!(
                "path `{text}` names the core schema, not an attribute"
            ))),
        };
    }
    let Some((container, def)) = rs.resolve(known_urn, attr) else {
        let scope = known_urn.unwrap_or(rs.name.as_str());
        return Err(ScimError::invalid_path(format!(
            "path `{text}`: `{attr}` is not an attribute of {scope}"
        )));
    };
    let sub_def = match sub {
        None => None,
        Some(s) => Some(sub_attribute(text, def, s)?),
    };
    let filter = match filter {
        None => None,
        Some(_) if !def.multi_valued => {
            return Err(ScimError::invalid_path(format!(
                "path `{text}`: `{}` is single-valued; value filters select elements of \
                 multi-valued attributes",
                def.name
            )));
        }
        Some(f) => {
            filter::compile_element(&f, def).map_err(|e| {
                ScimError::invalid_path(format!(
                    "path `{text}`: value filter does not apply to `{}` ({})",
                    def.name, e.detail
                ))
            })?;
            Some(f)
        }
    };
    Ok(PatchPath {
        urn: match container {
            Container::Core => None,
            Container::Extension(u) => Some(u.to_string()),
        },
        attr: def.name.clone(),
        filter,
        sub: sub_def.map(|s| s.name.clone()),
    })
}

fn sub_attribute<'a>(text: &str, def: &'a Attribute, sub: &str) -> Result<&'a Attribute> {
    if def.sub_attributes.is_empty() {
        return Err(ScimError::invalid_path(format!(
            "path `{text}`: `{}` has no sub-attributes",
            def.name
        )));
    }
    def.sub(sub).ok_or_else(|| {
        ScimError::invalid_path(format!(
            "path `{text}`: `{sub}` is not a sub-attribute of `{}`",
            def.name
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ScimType;
    use crate::schema::builtin::{self, ENTERPRISE_USER};
    use alloc::vec::Vec;
    use proptest::prelude::*;

    fn schema(name: &str) -> ResourceSchema {
        builtin::resource_type(name).expect("built-in resource type")
    }

    /// Paths that parse, with their canonical printed form.
    #[test]
    fn accepted_paths_print_canonically() {
        let ent = ENTERPRISE_USER;
        let manager_value = format!("{ent}:manager.value");
        #[rustfmt::skip]
        let cases: Vec<(&str, &str, alloc::string::String)> = alloc::vec![
            ("User", "userName", "userName".into()),
            ("User", "USERNAME", "userName".into()),
            ("User", "  userName ", "userName".into()),
            ("User", "name.givenName", "name.givenName".into()),
            ("User", "Name.GivenName", "name.givenName".into()),
            ("User", r#"emails[type eq "work"]"#, r#"emails[type eq "work"]"#.into()),
            ("User", r#"emails[type eq "work"].value"#, r#"emails[type eq "work"].value"#.into()),
            ("User", r#"EMAILS[type eq "work"].VALUE"#, r#"emails[type eq "work"].value"#.into()),
            ("User", r#"addresses[type eq "work"].streetAddress"#, r#"addresses[type eq "work"].streetAddress"#.into()),
            (
                "User",
                r#"emails[type eq "a]b" and value co "x\"]"]"#,
                r#"emails[type eq "a]b" and value co "x\"]"]"#.into()
            ),
            (
                "Group",
                r#"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#,
                r#"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#.into()
            ),
            ("Group", "members.$ref", "members.$ref".into()),
            ("User", &manager_value, format!("{ent}:manager.value")),
            (
                "User",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:Manager.Value",
                format!("{ent}:manager.value")
            ),
            // An extension attribute named without its URN resolves to its extension.
            ("User", "employeeNumber", format!("{ent}:employeeNumber")),
            ("User", ent, ent.into()),
            ("User", "urn:ietf:params:scim:schemas:core:2.0:User:userName", "userName".into()),
            ("User", "meta.version", "meta.version".into()),
            // A URN the type does not have is kept as written, for PATCH to ignore or reject.
            ("User", "urn:example:unknown:1.0:User:shoeSize", "urn:example:unknown:1.0:User:shoeSize".into()),
        ];
        for (rs, text, printed) in cases {
            let rs = schema(rs);
            let parsed = parse(text, &rs).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(parsed.to_string(), printed, "{text}");
            let again =
                parse(&parsed.to_string(), &rs).unwrap_or_else(|e| panic!("{printed}: {e}"));
            assert_eq!(again, parsed, "round trip of {text}");
        }
    }

    #[test]
    fn parts_of_parsed_paths() {
        let rs = schema("User");
        let p = parse(&format!("{ENTERPRISE_USER}:manager.value"), &rs).unwrap();
        assert_eq!(
            (
                p.urn.as_deref(),
                p.attr.as_str(),
                p.filter.is_none(),
                p.sub.as_deref()
            ),
            (Some(ENTERPRISE_USER), "manager", true, Some("value"))
        );
        let whole = parse(ENTERPRISE_USER, &rs).unwrap();
        assert!(whole.is_whole_extension());
        let filtered = parse(r#"emails[type eq "work"].value"#, &rs).unwrap();
        assert_eq!(
            filtered.filter,
            Some(filter::parse(r#"type eq "work""#).unwrap())
        );
        assert_eq!(filtered.sub.as_deref(), Some("value"));
    }

    /// Rejected paths: every error is 400 invalidPath and its detail says where or what.
    #[test]
    fn rejected_paths_say_why() {
        let cases: &[(&str, &str, &str)] = &[
            ("User", "", "empty"),
            ("User", "   ", "empty"),
            ("User", "nickname.", "character 10"),
            ("User", ".givenName", "character 1"),
            ("User", "1name", "character 1"),
            ("User", "user Name", "character 5"),
            ("User", "name.givenName.x", "character 15"),
            ("User", r#"emails[type eq "work""#, "never closed"),
            ("User", r#"emails[type eq "work]"#, "unterminated string"),
            ("User", "emails[]", "empty value filter"),
            ("User", r#"emails[type eq "work"]x"#, "character 23"),
            ("User", r#"emails.value[type eq "work"]"#, "character 13"),
            (
                "User",
                r#"emails[type eq]"#,
                "character 7: value filter `type eq`: ",
            ),
            ("User", "nonsense", "`nonsense` is not an attribute"),
            (
                "User",
                "name.nonsense",
                "`nonsense` is not a sub-attribute of `name`",
            ),
            ("User", "userName.value", "`userName` has no sub-attributes"),
            ("User", r#"name[givenName eq "x"]"#, "single-valued"),
            (
                "User",
                "urn:ietf:params:scim:schemas:core:2.0:User",
                "core schema",
            ),
            (
                "User",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:shoeSize",
                "not an attribute",
            ),
            // RFC 7644 figure 1 writes `members[...].displayName`; the Group schema says `display`.
            (
                "Group",
                r#"members[value eq "2819c223-7f76-453a-919d-413861904646"].displayName"#,
                "`displayName` is not a sub-attribute of `members`",
            ),
            ("User", "émails", "character 1"),
            ("User", "urn:", "expected an attribute name"),
        ];
        for &(rs, text, fragment) in cases {
            let err = parse(text, &schema(rs)).expect_err(text);
            assert_eq!(
                (err.status, err.scim_type),
                (400, Some(ScimType::InvalidPath)),
                "{text}"
            );
            assert!(err.detail.contains(fragment), "{text}: {}", err.detail);
        }
    }

    #[test]
    fn overlong_path_is_rejected() {
        let text = "a".repeat(MAX_PATH_LEN + 1);
        let err = parse(&text, &schema("User")).unwrap_err();
        assert_eq!(err.scim_type, Some(ScimType::InvalidPath));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        /// The parser never panics, and whatever it accepts prints back to the same path.
        #[test]
        fn parse_never_panics_and_round_trips(
            text in r#"(urn:[a-z:.0-9]{0,12}:)?[a-zA-Z$][a-zA-Z0-9.\[\]" =_$-]{0,30}|\PC{0,40}"#
        ) {
            let rs = schema("User");
            if let Ok(p) = parse(&text, &rs) {
                let printed = p.to_string();
                prop_assert_eq!(parse(&printed, &rs).ok(), Some(p), "{}", printed);
            }
        }
    }
}
