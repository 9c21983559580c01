use super::*;
use crate::auth::Credential;
use crate::test_server::TestServer;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicUsize;

#[test]
fn operation_results_give_their_status_and_detail() {
    for (result, status, detail) in [
        (
            json!({"status": "201", "location": "http://x/Users/1"}),
            201,
            "no detail",
        ),
        (json!({"status": 204}), 204, "no detail"),
        (
            json!({"status": " 409 ", "response": {"detail": "userName taken"}}),
            409,
            "userName taken",
        ),
        (json!({"status": "4O9"}), 0, "no detail"),
        (json!({"status": 70000}), 0, "no detail"),
        (
            json!({"response": {"status": "400"}}),
            0,
            r#"{"status":"400"}"#,
        ),
        (json!({}), 0, "no detail"),
    ] {
        assert_eq!(operation_status(&result), status, "{result}");
        assert_eq!(operation_detail(&result), detail, "{result}");
    }
}

#[test]
fn rates_are_whole_numbers() {
    for (rate, expected) in [
        (0.0, 0),
        (0.4, 0),
        (2_345.5, 2_346),
        (f64::NAN, 0),
        (-3.0, 0),
        (f64::INFINITY, 0),
        (1e30, u64::MAX),
    ] {
        assert_eq!(whole(rate), expected, "{rate}");
    }
    assert_eq!(per_second(1_000, Duration::from_millis(400)), 2_500);
    assert_eq!(per_second(7, Duration::ZERO), 7_000_000_000);
    let tally = Tally::default();
    tally.succeeded.store(1_001, Ordering::Relaxed);
    let summary = tally.to_json("created", Duration::from_millis(3_000));
    assert_eq!(summary["perSecond"], json!(334));
    assert!(summary["perSecond"].is_u64());
}

#[test]
fn a_batch_holds_operations_up_to_its_budget() {
    let mut batch = Batch::default();
    assert!(
        !batch.overflows(10_000, 10),
        "an empty batch takes anything"
    );
    assert!(batch.take().is_none());
    for (i, size) in [40, 40, 18].into_iter().enumerate() {
        assert!(!batch.overflows(size, 102), "{i}");
        batch.push(vec![b'1'; size], (format!("b{i}"), format!("op {i}")));
    }
    // 41 + 41 + 19 bytes with separators; the next operation adds its own separator.
    assert!(!batch.overflows(0, 102));
    assert!(batch.overflows(1, 102));
    assert!(batch.overflows(0, 101));
    assert_eq!(batch.len(), 3);
    let job = batch.take().expect("a job");
    assert_eq!(job.operations.len(), 3);
    assert_eq!(batch.len(), 0);
    assert!(!batch.overflows(99, 102), "empty again");
}

#[test]
fn a_bulk_body_is_a_bulk_request() {
    for operations in [
        vec![],
        vec![br#"{"a":1}"#.to_vec()],
        vec![b"1".to_vec(), b"[2]".to_vec()],
    ] {
        let body: Value = serde_json::from_slice(&bulk_body(&operations)).expect("JSON");
        assert_eq!(body["schemas"], json!([BULK_REQUEST]));
        let parsed: Vec<Value> = operations
            .iter()
            .map(|o| serde_json::from_slice(o).expect("op"))
            .collect();
        assert_eq!(body["Operations"], json!(parsed));
    }
}

#[test]
fn only_a_full_server_is_a_full_server() {
    for (body, full) in [
        (
            r#"{"detail":"server 'x' is full: a server here holds at most 12000 resources"}"#,
            true,
        ),
        (r#"{"detail":"forbidden"}"#, false),
        ("", false),
    ] {
        assert_eq!(is_server_full(body.as_bytes()), full, "{body}");
    }
}

/// A Bulk endpoint that creates everything until it has accepted `accept` requests, then
/// answers `refusal` to every request.
fn scripted(accept: usize, refusal: (u16, &'static str)) -> TestServer {
    let accepted = Arc::new(AtomicUsize::new(0));
    TestServer::start(Arc::new(move |_, _, body| {
        if accepted.fetch_add(1, Ordering::SeqCst) >= accept {
            return (refusal.0, refusal.1.to_string());
        }
        // Slow enough that several requests are in flight at once.
        std::thread::sleep(Duration::from_millis(5));
        let request: Value = serde_json::from_slice(body).unwrap_or_default();
        let results: Vec<Value> = request["Operations"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|op| {
                let id = op["bulkId"].as_str().unwrap_or_default();
                json!({"bulkId": id, "status": "201", "location": format!("http://x/Users/{id}")})
            })
            .collect();
        (200, json!({ "Operations": results }).to_string())
    }))
}

/// Sends `jobs` jobs of `size` operations through `concurrency` senders; the tally and
/// how many times each operation was reported (with a result, without).
fn run(
    server: &TestServer,
    jobs: usize,
    size: usize,
    concurrency: usize,
) -> (Arc<Tally>, BTreeMap<String, (usize, usize)>) {
    let tally = Arc::new(Tally::default());
    let seen: Arc<Mutex<BTreeMap<String, (usize, usize)>>> = Arc::default();
    let on: OnOperation = {
        let (tally, seen) = (tally.clone(), seen.clone());
        Arc::new(move |(bulk_id, _): &Operation, result: Option<&Value>| {
            let mut seen = seen.lock().unwrap();
            let entry = seen.entry(bulk_id.clone()).or_default();
            match result {
                Some(_) => {
                    entry.0 += 1;
                    tally.succeeded.fetch_add(1, Ordering::Relaxed);
                }
                None => entry.1 += 1,
            }
        })
    };
    let http = Http::new(
        Credential {
            token: None,
            hint: "HINT".into(),
        },
        concurrency,
    );
    let bar = ProgressBar::hidden();
    let pipeline = Pipeline::start(concurrency, &http, &server.url, &tally, on, &bar);
    for j in 0..jobs {
        let operations: Vec<Vec<u8>> = (0..size).map(|_| b"{}".to_vec()).collect();
        let labels = (0..size)
            .map(|i| (format!("j{j}o{i}"), format!("op {i} of {j}")))
            .collect();
        pipeline.send(Job::new(&operations, labels));
    }
    pipeline.finish();
    let seen = seen.lock().unwrap().clone();
    (tally, seen)
}

#[test]
fn every_operation_is_reported_once() {
    let server = scripted(usize::MAX, (500, ""));
    let (tally, seen) = run(&server, 12, 7, 4);
    assert_eq!(seen.len(), 84);
    assert!(seen.values().all(|&n| n == (1, 0)), "{seen:?}");
    assert_eq!(tally.succeeded.load(Ordering::Relaxed), 84);
    assert!(tally.ok());
    assert_eq!(server.requests().len(), 12);
}

#[test]
fn a_full_server_stops_the_run_at_its_first_refusal() {
    for concurrency in [1, 4, 8] {
        let server = scripted(
            3,
            (
                403,
                r#"{"status":"403","detail":"server 'x' is full: a server here holds at most 30 resources"}"#,
            ),
        );
        let (jobs, size) = (40, 10);
        let (tally, seen) = run(&server, jobs, size, concurrency);
        // Each operation is reported exactly once, with or without a result.
        assert_eq!(seen.len(), jobs * size);
        assert!(seen.values().all(|&(with, without)| with + without == 1));
        let summary = tally.to_json("created", Duration::from_secs(1));
        let count = |key: &str| summary[key].as_u64().unwrap() as usize;
        assert_eq!(count("created"), 3 * size, "{summary:?}");
        assert_eq!(count("failed"), 0);
        assert_eq!(
            count("created") + count("refused") + count("notSent"),
            jobs * size
        );
        // Only what was already in flight met the refusal too.
        let refused_requests = server.requests().len() - 3;
        assert!(
            (1..=concurrency).contains(&refused_requests),
            "{concurrency}: {refused_requests}"
        );
        assert_eq!(count("refused"), refused_requests * size);
        assert_eq!(summary["serverFull"], json!(true));
        assert!(
            summary["aborted"].as_str().unwrap().contains("is full"),
            "{summary:?}"
        );
        assert!(!tally.ok());
    }
}

#[test]
fn a_refused_token_stops_the_run_with_the_hint() {
    let server = scripted(0, (401, r#"{"detail":"no valid token"}"#));
    let (tally, seen) = run(&server, 10, 5, 2);
    assert!(seen.values().all(|&n| n == (0, 1)));
    let summary = tally.to_json("created", Duration::from_secs(1));
    let aborted = summary["aborted"].as_str().unwrap();
    assert!(
        aborted.contains("401") && aborted.contains("HINT"),
        "{aborted}"
    );
    assert_eq!(summary["serverFull"], json!(false));
    assert!(server.requests().len() <= 2);
}

#[test]
fn other_errors_fail_their_operations_and_the_run_goes_on() {
    let server = scripted(0, (500, r#"{"detail":"boom"}"#));
    let (tally, seen) = run(&server, 6, 5, 2);
    assert!(seen.values().all(|&n| n == (0, 1)));
    let summary = tally.to_json("created", Duration::from_secs(1));
    assert_eq!(summary["failed"], json!(30));
    assert_eq!(summary["aborted"], Value::Null);
    assert_eq!(server.requests().len(), 6);
    assert!(summary["failures"][0]
        .as_str()
        .unwrap()
        .contains("got 500: boom"));
}
