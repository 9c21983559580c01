//! SCIM filters (RFC 7644 section 3.4.2.2) as tables: text -> canonical print, text ->
//! parse error, filter -> matching sample resources, filter -> compile error, plus
//! property tests (print/parse round trip, no panic on any text).

use proptest::prelude::*;
use scimlet::filter::{
    compare_values, compile, compile_element, parse, AttrPath, CompareOp, Filter, Literal,
};
use scimlet::schema::builtin::{resource_types, ENTERPRISE_USER, USER};
use scimlet::schema::{Attribute, Extension, ResourceSchema, Schema};
use scimlet::value::from_value;
use scimlet::ScimType;
use scimlet::{json, Value};
use std::cmp::Ordering;

/// A test extension with the types the built-in schemas lack.
const TEST_EXT: &str = "urn:example:params:scim:schemas:extension:test:2.0:User";

fn users_schema() -> ResourceSchema {
    let mut users = resource_types().remove(0);
    let attributes: Vec<Attribute> = from_value(json!([
        {"name": "level", "type": "integer"},
        {"name": "score", "type": "decimal"},
        {"name": "hired", "type": "dateTime"},
        {"name": "badge", "type": "binary"},
        {"name": "tags", "type": "string", "multiValued": true}
    ]))
    .expect("test extension attributes");
    users.extensions.push(Extension {
        schema: Schema {
            id: TEST_EXT.into(),
            name: "Test".into(),
            description: String::new(),
            attributes,
        },
        required: false,
    });
    users
}

fn groups_schema() -> ResourceSchema {
    resource_types().remove(1)
}

/// Bjensen (every attribute type the filters compare), jsmith and jyoung: the users the
/// filter tables below run against.
fn sample_users() -> Vec<Value> {
    scimlet::value::from_str(include_str!("data/filter_users.json"))
        .ok()
        .and_then(|v| v.as_array().cloned())
        .expect("tests/data/filter_users.json is an array of users")
}

fn sample_groups() -> Vec<Value> {
    vec![
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "id": "g-guides",
            "displayName": "Tour Guides",
            "members": [{"value": "u-bjensen", "type": "User", "display": "Babs Jensen"}],
            "meta": {"resourceType": "Group", "created": "2011-05-13T04:42:34Z"}
        }),
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "id": "g-admins",
            "displayName": "Admins",
            "members": [],
            "meta": {"resourceType": "Group", "created": "2011-05-13T04:42:34Z"}
        }),
    ]
}

/// Every filter example of RFC 7644 section 3.4.2.2, then client forms, with its
/// canonical print.
const CANONICAL: &[(&str, &str)] = &[
    // RFC 7644 section 3.4.2.2
    (r#"userName eq "bjensen""#, r#"userName eq "bjensen""#),
    (
        r#"name.familyName co "O'Malley""#,
        r#"name.familyName co "O'Malley""#,
    ),
    (r#"userName sw "J""#, r#"userName sw "J""#),
    (
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
    ),
    ("title pr", "title pr"),
    (
        r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
    ),
    (
        r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
    ),
    (
        r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
    ),
    (
        r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
    ),
    (
        r#"title pr and userType eq "Employee""#,
        r#"title pr and userType eq "Employee""#,
    ),
    (
        r#"title pr or userType eq "Intern""#,
        r#"title pr or userType eq "Intern""#,
    ),
    (
        r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
    ),
    (
        r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
    ),
    (
        r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
    ),
    (
        r#"userType eq "Employee" and (emails.type eq "work")"#,
        r#"userType eq "Employee" and emails.type eq "work""#,
    ),
    (
        r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
        r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
    ),
    (
        r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
        r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
    ),
    // Keywords in any case, names kept as written, blanks normalized.
    (r#"UserName EQ "x""#, r#"UserName eq "x""#),
    ("  title   PR  ", "title pr"),
    (r#"emails.Value eq "a@b.c""#, r#"emails.Value eq "a@b.c""#),
    (r#"NOT(title pr)"#, "not (title pr)"),
    (r#"userName eq"x""#, r#"userName eq "x""#),
    // Entra: unquoted values, `].sub` form, managers.
    ("externalId eq jyoung", r#"externalId eq "jyoung""#),
    (
        r#"emails[type eq "work"].value eq "a@b.c""#,
        r#"emails[type eq "work"].value eq "a@b.c""#,
    ),
    (
        r#"emails[Type EQ work].Value PR"#,
        r#"emails[Type eq "work"].Value pr"#,
    ),
    (
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915""#,
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915""#,
    ),
    (r#"members.$ref eq "x""#, r#"members.$ref eq "x""#),
    // Literals: keywords any case, numbers as written, JSON escapes.
    ("active eq TRUE", "active eq true"),
    ("x eq False", "x eq false"),
    ("x eq Null", "x eq null"),
    ("level ge -1.5E+2", "level ge -1.5E+2"),
    ("x eq 007", r#"x eq "007""#),
    (
        r#"x eq "a\"b\\c\/d\n\u0001\u00e9\ud83d\ude00""#,
        "x eq \"a\\\"b\\\\c/d\\n\\u0001é😀\"",
    ),
    // Parentheses only where precedence needs them.
    ("(a pr or b pr) or c pr", "a pr or b pr or c pr"),
    ("a pr or (b pr or c pr)", "a pr or (b pr or c pr)"),
    ("(a pr and b pr) or c pr", "a pr and b pr or c pr"),
    ("a pr and (b pr or c pr)", "a pr and (b pr or c pr)"),
    ("a pr and (b pr and c pr)", "a pr and (b pr and c pr)"),
    ("((((a pr))))", "a pr"),
    ("not (not (a pr))", "not (not (a pr))"),
    // `not` only before "(": otherwise an attribute name.
    ("not pr and and pr or or pr", "not pr and and pr or or pr"),
];

#[test]
fn parse_prints_canonical_text_and_round_trips() {
    for (input, canonical) in CANONICAL {
        let parsed = parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(parsed.to_string(), *canonical, "print of {input}");
        assert_eq!(parse(canonical), Ok(parsed), "reparse of {canonical}");
    }
}

#[test]
fn parse_builds_the_expected_tree() {
    let path = |urn: Option<&str>, name: &str, sub: Option<&str>| AttrPath {
        urn: urn.map(Into::into),
        name: name.into(),
        sub: sub.map(Into::into),
    };
    let table: Vec<(&str, Filter)> = vec![
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr",
            Filter::Present(path(Some(ENTERPRISE_USER), "manager", Some("value"))),
        ),
        (
            r#"emails[type eq "work"].value eq "a@b.c""#,
            Filter::ValuePath {
                attr: path(None, "emails", None),
                filter: Box::new(Filter::Compare(
                    path(None, "type", None),
                    CompareOp::Eq,
                    Literal::String("work".into()),
                )),
                then: Some(Box::new(Filter::Compare(
                    path(None, "value", None),
                    CompareOp::Eq,
                    Literal::String("a@b.c".into()),
                ))),
            },
        ),
        (
            "a pr or b pr and not (c pr)",
            Filter::Or(
                Box::new(Filter::Present(path(None, "a", None))),
                Box::new(Filter::And(
                    Box::new(Filter::Present(path(None, "b", None))),
                    Box::new(Filter::Not(Box::new(Filter::Present(path(
                        None, "c", None,
                    ))))),
                )),
            ),
        ),
        (
            "level gt 2.50",
            Filter::Compare(
                path(None, "level", None),
                CompareOp::Gt,
                Literal::Number("2.50".into()),
            ),
        ),
    ];
    for (input, expected) in table {
        assert_eq!(parse(input), Ok(expected), "{input}");
    }
}

/// Input -> 1-based character position and a fragment of the message.
const PARSE_ERRORS: &[(&str, &str)] = &[
    ("", "invalid filter: the filter is empty"),
    (" \t ", "invalid filter: the filter is empty"),
    (
        r#"userName eqq "x""#,
        r#"at character 10: expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le) or pr, found "eqq""#,
    ),
    ("userName eq", "at character 12: expected a value (a \"string\", a number, true, false or null), found the end of the filter"),
    ("userName eq )", "at character 13: expected a value"),
    ("userName", "at character 9: expected a comparison operator"),
    (r#"userName eq "x" garbage"#, r#"at character 17: expected "and", "or" or the end of the filter, found "garbage""#),
    (r#"userName eq "x" and"#, r#"at character 20: expected an attribute path, "not" or "(", found the end of the filter"#),
    ("(userName pr", r#"at character 13: expected "and", "or" or ")" to close the "(" at character 1, found the end of the filter"#),
    ("userName pr)", r#"at character 12: expected "and", "or" or the end of the filter, found ")""#),
    ("()", r#"at character 2: expected an attribute path, "not" or "(", found ")""#),
    ("not (", "at character 6: expected an attribute path"),
    (r#"emails[type eq "work""#, r#"at character 22: expected "and", "or" or "]" to close the "[" at character 7"#),
    (r#"emails[type[value eq "x"] eq "y"]"#, r#"at character 12: a value filter "[...]" cannot contain another value filter"#),
    (r#"emails[type eq "work"].1x eq "y""#, r#"at character 24: expected a sub-attribute name after "].", found "1x""#),
    (r#"emails[type eq "work"].value"#, "at character 29: expected a comparison operator"),
    (r#"userName eq "abc"#, r#"at character 13: unterminated string: expected a closing '"'"#),
    (r#"userName eq "a\qb""#, r#"at character 15: invalid escape "\q" in a string"#),
    (r#"userName eq "\ud800""#, r#"at character 14: invalid \u escape"#),
    (r#"userName eq "\udc00""#, r#"at character 14: invalid \u escape"#),
    (r#"userName eq "\u12""#, r#"at character 14: invalid \u escape"#),
    ("1userName pr", r#"at character 1: expected an attribute path, found "1userName""#),
    ("user+name pr", r#"at character 1: expected an attribute path, found "user+name""#),
    ("name.familyName.x pr", r#"at character 6: an attribute path has at most one sub-attribute, found "name.familyName.x""#),
    ("name. pr", r#"at character 6: expected a sub-attribute name after ".", found """#),
    (":userName pr", r#"at character 1: expected a schema URN before ":""#),
    ("urn:x:1a pr", r#"at character 7: expected an attribute name after the schema URN, found "urn:x:1a""#),
    (r#""x" eq userName"#, r#"at character 1: expected an attribute path, "not" or "(", found the string "x""#),
    ("not userName pr", r#"at character 5: expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le) or pr, found "userName""#),
    // Positions count characters, not bytes.
    (r#"displayName eq "é" andd x"#, r#"at character 20: expected "and", "or" or the end of the filter, found "andd""#),
];

#[test]
fn parse_errors_name_position_and_expectation() {
    for (input, fragment) in PARSE_ERRORS {
        let error = parse(input).expect_err(input);
        assert_eq!(
            (error.status, error.scim_type),
            (400, Some(ScimType::InvalidFilter)),
            "{input}"
        );
        assert!(
            error.detail.contains(fragment),
            "{input}: {:?} lacks {fragment:?}",
            error.detail
        );
    }
}

#[test]
fn nesting_and_size_are_bounded() {
    let nested = |n: usize| format!("{}a pr{}", "(".repeat(n), ")".repeat(n));
    let nots = |n: usize| format!("{}a pr{}", "not (".repeat(n), ")".repeat(n));
    let chain = |n: usize| vec!["a pr"; n].join(" and ");
    assert!(parse(&nested(50)).is_ok());
    assert!(parse(&nots(50)).is_ok());
    assert!(parse(&chain(1000)).is_ok());
    let table = [
        (
            nested(51),
            "at character 51: the filter nests deeper than 50 levels",
        ),
        (
            nested(100_000),
            "at character 51: the filter nests deeper than 50 levels",
        ),
        (
            nots(51),
            "at character 255: the filter nests deeper than 50 levels",
        ),
        (
            chain(1001),
            "at character 9001: the filter has more than 1000 attribute expressions",
        ),
        (
            format!("emails[{}type pr{}]", "(".repeat(50), ")".repeat(50)),
            "at character 57: the filter nests deeper than 50 levels",
        ),
    ];
    for (input, fragment) in table {
        let error = parse(&input).expect_err(&input);
        assert!(
            error.detail.contains(fragment),
            "{:?} lacks {fragment:?}",
            error.detail
        );
    }
}

/// (filter, strict, ids of the sample users it matches).
const USER_MATCHES: &[(&str, bool, &[&str])] = &[
    // userName is case-insensitive; names and keywords in any case.
    (r#"userName eq "BJENSEN""#, true, &["u-bjensen"]),
    (r#"UserName EQ "bjensen""#, true, &["u-bjensen"]),
    (r#"  userName   eq   "bjensen"  "#, true, &["u-bjensen"]),
    (r#"displayName eq "Babs\u0020Jensen""#, true, &["u-bjensen"]),
    // externalId and id are caseExact.
    (r#"externalId eq "BJENSEN-EXT""#, true, &[]),
    (r#"externalId eq "bjensen-ext""#, true, &["u-bjensen"]),
    (r#"id eq "U-BJENSEN""#, true, &[]),
    (r#"id eq "u-bjensen""#, true, &["u-bjensen"]),
    (r#"externalId sw "Smith""#, true, &["u-jsmith"]),
    (r#"externalId sw "smith""#, true, &[]),
    // Entra: unquoted values, `].value` form, manager without `.value`.
    ("externalId eq jyoung", true, &["u-jyoung"]),
    (
        r#"emails[type eq "work"].value eq "JSMITH@example.org""#,
        true,
        &["u-jsmith"],
    ),
    (
        r#"emails[type eq "home"].value eq "bjensen@example.com""#,
        true,
        &[],
    ),
    (r#"emails[type eq "home"].value pr"#, true, &["u-bjensen"]),
    (r#"emails.Value eq "babs@jensen.org""#, true, &["u-bjensen"]),
    (r#"manager eq "u-jsmith""#, true, &["u-bjensen"]),
    (
        r#"id eq "u-bjensen" and manager eq "u-jsmith""#,
        true,
        &["u-bjensen"],
    ),
    // RFC 7644 section 3.4.2.2 examples.
    (r#"name.familyName co "O'Malley""#, true, &["u-jsmith"]),
    (r#"userName sw "J""#, true, &["u-jsmith", "u-jyoung"]),
    (
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
        true,
        &["u-jsmith", "u-jyoung"],
    ),
    ("title pr", true, &["u-bjensen"]),
    (
        r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        true,
        &["u-jsmith"],
    ),
    (
        r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
        true,
        &["u-bjensen", "u-jsmith"],
    ),
    (
        r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
        true,
        &["u-jyoung"],
    ),
    (
        r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
        true,
        &["u-bjensen", "u-jyoung"],
    ),
    (
        r#"title pr and userType eq "Employee""#,
        true,
        &["u-bjensen"],
    ),
    (
        r#"title pr or userType eq "Intern""#,
        true,
        &["u-bjensen", "u-jsmith"],
    ),
    (
        r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        true,
        &["u-bjensen", "u-jsmith"],
    ),
    (
        r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
        true,
        &["u-bjensen"],
    ),
    (
        r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        true,
        &["u-jyoung"],
    ),
    (
        r#"userType eq "Employee" and (emails.type eq "work")"#,
        true,
        &["u-bjensen"],
    ),
    (
        r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
        true,
        &["u-bjensen"],
    ),
    (
        r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
        true,
        &["u-bjensen"],
    ),
    // Date-times compare as instants, whatever the offset or fraction.
    (
        r#"meta.lastModified eq "2011-05-13T06:42:34+02:00""#,
        true,
        &["u-bjensen"],
    ),
    (
        r#"meta.lastModified eq "2011-05-12T23:42:34-05:00""#,
        true,
        &["u-bjensen"],
    ),
    (
        r#"meta.created eq "2011-05-13T04:42:34Z""#,
        true,
        &["u-jsmith"],
    ),
    (
        r#"meta.created gt "2011-05-13T04:42:34.249Z""#,
        true,
        &["u-jyoung"],
    ),
    (r#"hired eq "2010-01-01T01:00:00Z""#, true, &["u-bjensen"]),
    // Booleans, including Entra's string booleans.
    ("active eq true", true, &["u-bjensen"]),
    (r#"active eq "True""#, true, &["u-bjensen"]),
    (r#"active eq "false""#, true, &["u-jsmith"]),
    ("active ne true", true, &["u-jsmith", "u-jyoung"]),
    ("active eq null", true, &["u-jyoung"]),
    ("active pr", true, &["u-bjensen", "u-jsmith"]),
    (
        r#"emails[primary eq true].value ew "example.com""#,
        true,
        &["u-bjensen"],
    ),
    // Numbers compare numerically, numeric strings accepted.
    ("level gt 2", true, &["u-bjensen", "u-jsmith"]),
    ("level gt 3", true, &["u-jsmith"]),
    (r#"level eq "12""#, true, &["u-jsmith"]),
    ("level le 3.0", true, &["u-bjensen"]),
    ("level lt 1e1", true, &["u-bjensen"]),
    ("score eq 4.50", true, &["u-bjensen"]),
    ("score ge 10", true, &["u-jsmith"]),
    ("score gt 4.4999", true, &["u-bjensen", "u-jsmith"]),
    // A string attribute given an unquoted number compares its text.
    ("employeeNumber eq 701984", true, &["u-bjensen"]),
    (
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#,
        true,
        &["u-bjensen"],
    ),
    (
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "u-jsmith""#,
        true,
        &["u-bjensen"],
    ),
    (
        r#"URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:EMPLOYEENUMBER pr"#,
        true,
        &["u-bjensen", "u-jsmith"],
    ),
    // Strings order lexicographically, ignoring case.
    (r#"userName gt "j""#, true, &["u-jsmith", "u-jyoung"]),
    (r#"userName lt "JSMITH""#, true, &["u-bjensen"]),
    (r#"userName le "JSMITH""#, true, &["u-bjensen", "u-jsmith"]),
    // Binary compares exactly.
    (r#"badge eq "QUJD""#, true, &["u-bjensen"]),
    (r#"badge eq "qujd""#, true, &[]),
    // Multi-valued simple attributes: any value.
    (r#"tags eq "RED""#, true, &["u-bjensen"]),
    (r#"tags ne "red""#, true, &["u-jsmith", "u-jyoung"]),
    // Non-ASCII text folds char by char.
    (r#"displayName co "JÜR""#, true, &["u-jyoung"]),
    (r#"displayName sw "jürgen ""#, true, &["u-jyoung"]),
    (r#"displayName ew "YOUNG""#, true, &["u-jyoung"]),
    (r#"displayName eq "JÜRGEN YOUNG""#, true, &["u-jyoung"]),
    (r#"displayName co "e""#, true, &["u-bjensen", "u-jyoung"]),
    (
        r#"displayName co """#,
        true,
        &["u-bjensen", "u-jsmith", "u-jyoung"],
    ),
    // Precedence: not > and > or.
    (
        r#"userName eq "jyoung" or userName eq "bjensen" and active eq false"#,
        true,
        &["u-jyoung"],
    ),
    (
        r#"(userName eq "jyoung" or userName eq "bjensen") and active eq true"#,
        true,
        &["u-bjensen"],
    ),
    (
        r#"not (active eq true) and userName sw "j""#,
        true,
        &["u-jsmith", "u-jyoung"],
    ),
    (
        r#"not (active eq true and userName sw "b")"#,
        true,
        &["u-jsmith", "u-jyoung"],
    ),
    // Presence and null on complex and multi-valued attributes.
    ("emails pr", true, &["u-bjensen", "u-jsmith"]),
    ("emails eq null", true, &["u-jyoung"]),
    ("name ne null", true, &["u-bjensen", "u-jsmith"]),
    (r#"emails co "@example.""#, true, &["u-bjensen", "u-jsmith"]),
    ("name.givenName pr", true, &["u-bjensen", "u-jsmith"]),
    // Unknown attributes, lenient: unassigned.
    (r#"nickName2 eq "x""#, false, &[]),
    (
        r#"nickName2 ne "x""#,
        false,
        &["u-bjensen", "u-jsmith", "u-jyoung"],
    ),
    ("nickName2 pr", false, &[]),
    (
        "nickName2 eq null",
        false,
        &["u-bjensen", "u-jsmith", "u-jyoung"],
    ),
    ("nickName2 gt 1", false, &[]),
    (
        "not (nickName2 pr)",
        false,
        &["u-bjensen", "u-jsmith", "u-jyoung"],
    ),
    (r#"foo[bar eq "x"]"#, false, &[]),
    (r#"emails[bar eq "x"]"#, false, &[]),
    (r#"userName.foo eq "bjensen""#, false, &[]),
    (r#"urn:example:unknown:userName eq "bjensen""#, false, &[]),
    (
        r#"nickName2 eq "x" or userName eq "jyoung""#,
        false,
        &["u-jyoung"],
    ),
];

fn ids(resources: &[Value], matches: impl Fn(&Value) -> bool) -> Vec<String> {
    resources
        .iter()
        .filter(|r| matches(r))
        .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn filters_match_sample_users() {
    let schema = users_schema();
    let users = sample_users();
    for (text, strict, expected) in USER_MATCHES {
        let filter = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let compiled = compile(&filter, &schema, *strict).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(ids(&users, |u| compiled.matches(u)), *expected, "{text}");
    }
}

#[test]
fn filters_match_sample_groups() {
    let table: &[(&str, &[&str])] = &[
        (r#"displayName eq "tour guides""#, &["g-guides"]),
        (r#"members[value eq "u-bjensen"]"#, &["g-guides"]),
        (r#"members[value eq "U-BJENSEN"]"#, &["g-guides"]),
        (r#"members.value eq "u-bjensen""#, &["g-guides"]),
        (r#"members[type eq "user"]"#, &["g-guides"]),
        ("members pr", &["g-guides"]),
        ("members eq null", &["g-admins"]),
        (r#"not (members[value eq "u-bjensen"])"#, &["g-admins"]),
        (r#"meta.resourceType eq "Group""#, &["g-guides", "g-admins"]),
    ];
    let schema = groups_schema();
    let groups = sample_groups();
    for (text, expected) in table {
        let filter = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let compiled = compile(&filter, &schema, true).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(ids(&groups, |g| compiled.matches(g)), *expected, "{text}");
    }
}

#[test]
fn element_filters_match_elements_of_one_attribute() {
    let users = users_schema();
    let emails = users
        .core
        .attributes
        .iter()
        .find(|a| a.name == "emails")
        .expect("emails");
    let elements = sample_users()[0]["emails"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let table: &[(&str, &[usize])] = &[
        (r#"type eq "work""#, &[0]),
        (r#"Type eq "HOME""#, &[1]),
        (r#"value co "@" and not (primary eq true)"#, &[1]),
        ("primary pr", &[0]),
        (r#"type eq "work" or type eq "home""#, &[0, 1]),
    ];
    for (text, expected) in table {
        let compiled = compile_element(&parse(text).expect(text), emails)
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let matched: Vec<usize> = (0..elements.len())
            .filter(|i| compiled.matches(&elements[*i]))
            .collect();
        assert_eq!(matched, *expected, "{text}");
    }
    for (text, fragment) in [
        (r#"foo eq "x""#, r#"unknown attribute "foo" in "emails""#),
        (r#"value[type eq "x"]"#, "cannot contain another"),
        (
            "primary co true",
            "\"primary\" is a boolean, which \"co\" cannot compare",
        ),
    ] {
        let error = compile_element(&parse(text).expect(text), emails).expect_err(text);
        assert!(
            error.detail.contains(fragment),
            "{text}: {:?}",
            error.detail
        );
    }
}

/// (filter, strict, fragment of the 400 invalidFilter detail).
const COMPILE_ERRORS: &[(&str, bool, &str)] = &[
    (
        "active gt true",
        true,
        r#""active" is a boolean, which "gt" cannot compare"#,
    ),
    (
        r#"active co "t""#,
        false,
        r#""active" is a boolean, which "co" cannot compare"#,
    ),
    (
        r#"active eq "yes""#,
        true,
        r#""active" is a boolean: expected true or false, found "yes""#,
    ),
    ("active eq 1", true, "expected true or false, found 1"),
    (
        r#"meta.created eq "yesterday""#,
        true,
        r#""meta.created" is a dateTime: expected a date-time such as "2011-05-13T04:42:34Z", found "yesterday""#,
    ),
    (
        "meta.created gt 2011",
        true,
        "is a dateTime: expected a date-time",
    ),
    (
        r#"meta.created sw "2011""#,
        true,
        r#""meta.created" is a dateTime, which "sw" cannot compare"#,
    ),
    (
        "level co 3",
        true,
        r#""level" is an integer, which "co" cannot compare"#,
    ),
    (
        r#"level eq "three""#,
        true,
        r#""level" is an integer: expected a number, found "three""#,
    ),
    (
        "score ew 1",
        true,
        r#""score" is a decimal, which "ew" cannot compare"#,
    ),
    (
        r#"name eq "Jensen""#,
        true,
        r#""name" is complex: compare one of its sub-attributes (for example "name.formatted")"#,
    ),
    (
        r#"nickName2 eq "x""#,
        true,
        r#"unknown attribute "nickName2" for User"#,
    ),
    (
        "userName.foo pr",
        true,
        r#"unknown attribute "userName.foo" for User"#,
    ),
    (
        r#"urn:example:unknown:userName eq "x""#,
        true,
        r#"unknown attribute "urn:example:unknown:userName""#,
    ),
    (
        r#"userName[value eq "x"]"#,
        true,
        r#""userName[...]" needs a complex attribute"#,
    ),
    (
        r#"emails[urn:x:type eq "x"]"#,
        true,
        "must name a sub-attribute of emails without a schema URN",
    ),
    (
        r#"emails[foo eq "x"]"#,
        true,
        r#"unknown attribute "foo" in "emails""#,
    ),
    (
        r#"emails[type eq "work"].foo eq "x""#,
        true,
        r#"unknown attribute "foo" in "emails""#,
    ),
    (
        "userName gt null",
        true,
        r#""userName gt null": null can only be compared with eq or ne"#,
    ),
];

#[test]
fn compile_errors_are_invalid_filter_with_a_reason() {
    let schema = users_schema();
    for (text, strict, fragment) in COMPILE_ERRORS {
        let filter = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let error = compile(&filter, &schema, *strict).expect_err(text);
        assert_eq!(
            (error.status, error.scim_type),
            (400, Some(ScimType::InvalidFilter)),
            "{text}"
        );
        assert!(
            error.detail.contains(fragment),
            "{text}: {:?} lacks {fragment:?}",
            error.detail
        );
    }
}

#[test]
fn references_finds_top_level_names_at_any_depth() {
    let table = [
        (r#"groups.value eq "x""#, true),
        (r#"userName eq "x" and not (GROUPS[value eq "x"])"#, true),
        (
            r#"a pr or (b pr and urn:ietf:params:scim:schemas:core:2.0:User:groups pr)"#,
            true,
        ),
        (r#"members[groups eq "x"]"#, false),
        ("groupsx pr", false),
        (r#"userName eq "groups""#, false),
    ];
    for (text, expected) in table {
        assert_eq!(
            parse(text).expect(text).references("groups"),
            expected,
            "{text}"
        );
    }
}

#[test]
fn compare_values_orders_by_type() {
    let schema = users_schema();
    let attr = |urn: Option<&str>, name: &str| schema.resolve(urn, name).expect(name).1.clone();
    let meta = attr(None, "meta");
    let created = meta.sub("created").expect("created").clone();
    let table: Vec<(Attribute, Value, Value, Ordering)> = vec![
        (
            attr(None, "userName"),
            json!("alice"),
            json!("BOB"),
            Ordering::Less,
        ),
        (
            attr(None, "userName"),
            json!("ALICE"),
            json!("alice"),
            Ordering::Equal,
        ),
        (
            attr(None, "userName"),
            json!("Ä"),
            json!("ä"),
            Ordering::Equal,
        ),
        (
            attr(None, "externalId"),
            json!("B"),
            json!("a"),
            Ordering::Less,
        ),
        (attr(None, "level"), json!(9), json!(10), Ordering::Less),
        (attr(None, "level"), json!(10), json!(10.0), Ordering::Equal),
        (attr(None, "score"), json!(0.5), json!(1), Ordering::Less),
        (
            attr(None, "score"),
            json!(9007199254740993u64),
            json!(9007199254740992.0),
            Ordering::Greater,
        ),
        (
            created.clone(),
            json!("2011-05-13T06:42:34+02:00"),
            json!("2011-05-13T04:42:34Z"),
            Ordering::Equal,
        ),
        (
            created.clone(),
            json!("2011-05-13T04:42:35+00:00"),
            json!("2011-05-13T04:42:34Z"),
            Ordering::Greater,
        ),
        (
            created,
            json!("not a date"),
            json!("2011-05-13T04:42:34Z"),
            Ordering::Greater,
        ),
        (
            attr(None, "active"),
            json!(false),
            json!(true),
            Ordering::Less,
        ),
        (
            attr(None, "userName"),
            json!(null),
            json!("a"),
            Ordering::Greater,
        ),
        (
            attr(None, "emails"),
            json!({"value": "a@x"}),
            json!({"value": "B@x"}),
            Ordering::Less,
        ),
    ];
    for (attribute, a, b, expected) in table {
        assert_eq!(
            compare_values(&attribute, &a, &b),
            expected,
            "{} {a} {b}",
            attribute.name
        );
        assert_eq!(
            compare_values(&attribute, &b, &a),
            expected.reverse(),
            "{} {b} {a}",
            attribute.name
        );
    }
}

// ---- properties ----

fn attr_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z][A-Za-z0-9_-]{0,8}",
        Just("$ref".to_owned()),
        Just("not".to_owned()),
        Just("and".to_owned()),
        Just("pr".to_owned()),
    ]
}

fn attr_path() -> impl Strategy<Value = AttrPath> {
    let urn = prop_oneof![
        3 => Just(None),
        1 => Just(Some(USER.to_owned())),
        1 => Just(Some(ENTERPRISE_USER.to_owned())),
        1 => "urn(:[A-Za-z0-9.-]{1,6}){1,4}".prop_map(Some),
    ];
    (urn, attr_name(), proptest::option::of(attr_name())).prop_map(|(urn, name, sub)| AttrPath {
        urn,
        name,
        sub,
    })
}

fn plain_path() -> impl Strategy<Value = AttrPath> {
    attr_name().prop_map(|name| AttrPath {
        urn: None,
        name,
        sub: None,
    })
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        Just(Literal::Null),
        any::<bool>().prop_map(Literal::Bool),
        "-?(0|[1-9][0-9]{0,6})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?".prop_map(Literal::Number),
        any::<String>().prop_map(Literal::String),
    ]
}

fn compare_op() -> impl Strategy<Value = CompareOp> {
    prop_oneof![
        Just(CompareOp::Eq),
        Just(CompareOp::Ne),
        Just(CompareOp::Co),
        Just(CompareOp::Sw),
        Just(CompareOp::Ew),
        Just(CompareOp::Gt),
        Just(CompareOp::Ge),
        Just(CompareOp::Lt),
        Just(CompareOp::Le),
    ]
}

fn attribute_test(path: BoxedStrategy<AttrPath>) -> impl Strategy<Value = Filter> {
    prop_oneof![
        path.clone().prop_map(Filter::Present),
        (path, compare_op(), literal()).prop_map(|(p, op, v)| Filter::Compare(p, op, v)),
    ]
}

fn logic(leaf: BoxedStrategy<Filter>) -> impl Strategy<Value = Filter> {
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|f| Filter::Not(Box::new(f))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Filter::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Filter::Or(Box::new(a), Box::new(b))),
        ]
    })
}

fn any_filter() -> impl Strategy<Value = Filter> {
    let element = logic(attribute_test(attr_path().boxed()).boxed());
    let then = proptest::option::of(attribute_test(plain_path().boxed()).prop_map(Box::new));
    let value_path =
        (attr_path(), element, then).prop_map(|(attr, filter, then)| Filter::ValuePath {
            attr,
            filter: Box::new(filter),
            then,
        });
    let leaf = prop_oneof![3 => attribute_test(attr_path().boxed()), 1 => value_path];
    logic(leaf.boxed())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn printed_filters_parse_back_to_the_same_tree(filter in any_filter()) {
        let text = filter.to_string();
        prop_assert_eq!(parse(&text), Ok(filter), "{}", text);
    }

    #[test]
    fn any_text_parses_or_fails_cleanly(text in any::<String>()) {
        check_never_panics(&text);
    }

    #[test]
    fn filter_like_text_parses_or_fails_cleanly(
        text in r#"([a-zA-Z.:$\[\]()" \\]|eq|ne|co|pr|gt|and|or|not|true|null|1|-|e|\.5|emails|urn:ietf:params:scim:schemas:core:2\.0:User:){0,24}"#
    ) {
        check_never_panics(&text);
    }
}

/// Whatever `text` is, parsing, printing, compiling and evaluating end without a panic,
/// and what parses prints to text that parses back to the same tree.
fn check_never_panics(text: &str) {
    let Ok(filter) = parse(text) else { return };
    let printed = filter.to_string();
    assert_eq!(
        parse(&printed),
        Ok(filter.clone()),
        "{text:?} printed as {printed:?}"
    );
    let schema = users_schema();
    for strict in [true, false] {
        if let Ok(compiled) = compile(&filter, &schema, strict) {
            for user in sample_users() {
                compiled.matches(&user);
            }
        }
    }
}
