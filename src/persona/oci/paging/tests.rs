use super::*;

#[test]
fn a_page_token_comes_back_as_its_start_for_the_same_query_only() {
    let q = "filter=userName+sw+%22a%22&sortBy=userName&count=200";
    let token = next_page(q, 201);
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    // (query the token comes back with, expected start or error detail)
    let with_page = |query: &str| alloc::format!("{query}&page={token}");
    let table: [(String, core::result::Result<usize, &str>); 5] = [
        (with_page(q), Ok(201)),
        // Paging parameters and attributes may change between pages.
        (
            with_page("count=5&sortBy=userName&attributes=id&filter=userName%20sw%20%22a%22"),
            Ok(201),
        ),
        (
            with_page("filter=userName+sw+%22b%22&sortBy=userName"),
            Err("another query"),
        ),
        (
            with_page("filter=userName+sw+%22a%22"),
            Err("another query"),
        ),
        (String::from("filter=x&page=!!"), Err("not a token")),
    ];
    for (query, expected) in table {
        let page = page_param(&query).unwrap();
        let got = start_of(&query, &page).map_err(|e| e.detail);
        match expected {
            Ok(start) => assert_eq!(got, Ok(start), "{query}"),
            Err(detail) => assert!(got.is_err_and(|d| d.contains(detail)), "{query}"),
        }
    }
    assert_eq!(page_param("count=1"), None);
    assert_eq!(
        start_of("", &next_page("", 0)).map_err(|e| e.status),
        Err(400)
    );
}
