use super::*;
use alloc::vec;

const CT: &str = "multipart/form-data; boundary=XyZ";

fn body(parts: &[(&str, Option<&str>, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, filename, data) in parts {
        out.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"");
        out.extend_from_slice(name.as_bytes());
        out.push(b'"');
        if let Some(f) = filename {
            out.extend_from_slice(
                format!("; filename=\"{f}\"\r\nContent-Type: text/csv").as_bytes(),
            );
        }
        out.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(data.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--XyZ--\r\n");
    out
}

/// A form as `requests` sends it: each field's name, file name, type and exact bytes
/// (CRLFs and the boundary text not at a line start kept).
#[test]
fn parses_an_upload_form() {
    let file = "User Name,Last Name\r\n\"a,b\",x--XyZ\r\n";
    let data = body(&[
        ("fileName", None, "Users1.csv"),
        ("contentType", None, "text/csv"),
        ("isPublic", None, "false"),
        ("file", Some("Users1.csv"), file),
    ]);
    let parts = parse(Some(CT), &data).unwrap();
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["fileName", "contentType", "isPublic", "file"]);
    assert_eq!(parts[0].text(), Some("Users1.csv"));
    assert_eq!(parts[3].data, file.as_bytes());
    assert_eq!(parts[3].filename.as_deref(), Some("Users1.csv"));
    assert_eq!(parts[3].content_type.as_deref(), Some("text/csv"));
}

/// (content type, body, status of the error): every malformed form is refused.
#[test]
fn refuses_malformed_forms() {
    let good = String::from_utf8(body(&[("file", Some("a.csv"), "x")])).unwrap();
    let many: String = (0..=MAX_PARTS)
        .map(|i| format!("--XyZ\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nv\r\n"))
        .collect::<String>()
        + "--XyZ--";
    let long_head = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\nX: {}\r\n\r\nv\r\n--XyZ--",
        "a".repeat(MAX_HEADER_BYTES)
    );
    let table: Vec<(Option<&str>, String, u16)> = vec![
        (None, good.clone(), 415),
        (Some("text/csv"), good.clone(), 415),
        (Some("multipart/form-data"), good.clone(), 400),
        (Some("multipart/form-data; boundary="), good.clone(), 400),
        (Some(CT), String::new(), 400),
        (
            Some(CT),
            "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nno end".into(),
            400,
        ),
        (
            Some(CT),
            "--XyZ\r\nContent-Type: text/csv\r\n\r\nv\r\n--XyZ--".into(),
            400,
        ),
        (
            Some(CT),
            "--XyZ\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\nv\r\n--XyZ--".into(),
            400,
        ),
        (Some(CT), "--XyZ garbage\r\n".into(), 400),
        (Some(CT), many, 400),
        (Some(CT), long_head, 400),
    ];
    for (ct, body, status) in table {
        let err = parse(ct, body.as_bytes()).unwrap_err();
        assert_eq!(err.status, status, "{ct:?} {body:?}: {}", err.detail);
    }
    // The same body with its boundary is fine, and a quoted boundary too.
    assert_eq!(parse(Some(CT), good.as_bytes()).unwrap().len(), 1);
    assert_eq!(
        parse(
            Some("multipart/form-data; boundary=\"XyZ\""),
            good.as_bytes()
        )
        .unwrap()
        .len(),
        1
    );
}

/// Any bytes: parsing never panics, and whatever parts it finds lie inside the body.
#[test]
fn never_panics_on_prefixes_of_a_form() {
    let data = body(&[("a", None, "1"), ("file", Some("f.csv"), "x,y\r\n")]);
    for end in 0..data.len() {
        let prefix = &data[..end];
        if let Ok(parts) = parse(Some(CT), prefix) {
            for p in parts {
                assert!(p.data.len() <= prefix.len());
            }
        }
    }
}
