//! `scimlet purge`: deletes what a filter selects, walking ids upwards (`id gt "<last>"`,
//! sorted by id) and deleting through Bulk. Deleting behind the cursor never shifts what
//! is ahead of it, unlike `startIndex` paging.

use crate::bulk::{
    check_batch, operation_detail, operation_status, print_summary, progress, Job, OnOperation,
    Operation, Pipeline, Tally,
};
use crate::http::{encode, Http};
use crate::{Context, Fallible, PurgeArgs};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

/// Runs `purge`; whether everything selected was deleted.
pub fn run(context: &Context, args: &PurgeArgs) -> Fallible<bool> {
    let concurrency = usize::try_from(args.concurrency).unwrap_or(1);
    let (base, server) = args.target.resolve(&context.url);
    let http = Http::new(context.scim_credential(server), concurrency + 1);
    check_batch(&http, &base, args.batch)?;
    let what = args.endpoint.to_ascii_lowercase();
    let tally = Arc::new(Tally::default());
    let on_delete: OnOperation = {
        let tally = tally.clone();
        Arc::new(move |(_, label): &Operation, result: Option<&Value>| {
            let Some(result) = result else {
                return;
            };
            match operation_status(result) {
                200..=299 => {
                    tally.succeeded.fetch_add(1, Ordering::Relaxed);
                }
                404 => {
                    tally.already_gone.fetch_add(1, Ordering::Relaxed);
                }
                status => tally.fail(format!("{label}: {status} {}", operation_detail(result))),
            }
        })
    };
    let bar = progress(0, &what);
    let started = Instant::now();
    let pipeline = Pipeline::start(concurrency, &http, &base, &tally, on_delete, &bar);

    let mut last: Option<String> = None;
    let mut pages = 0u64;
    while !tally.stopped() {
        let filter = match &last {
            None => format!("({})", args.filter),
            Some(id) => format!("({}) and id gt \"{}\"", args.filter, filter_string(id)),
        };
        let page_url = format!(
            "{base}/{}?filter={}&sortBy=id&sortOrder=ascending&attributes=id&count={}",
            args.endpoint,
            encode(&filter),
            args.page
        );
        let page = match http.json("GET", &page_url, None) {
            Ok(page) => page,
            Err(message) => {
                tally.abort(message);
                break;
            }
        };
        if pages == 0 {
            bar.set_length(
                page.get("totalResults")
                    .and_then(Value::as_u64)
                    .unwrap_or(0),
            );
        }
        pages += 1;
        let ids: Vec<String> = page
            .get("Resources")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|r| r.get("id")?.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if ids.is_empty() {
            break;
        }
        // A server that ignores sortBy or `id gt` would make this walk loop or skip.
        let ascending = ids.windows(2).all(|w| w.first() < w.get(1))
            && last
                .as_ref()
                .is_none_or(|l| ids.first().is_some_and(|first| first > l));
        if !ascending {
            tally.abort(format!(
                "{base} did not return ids in ascending order for sortBy=id with `id gt`; stopped so as not to loop"
            ));
            break;
        }
        last = ids.last().cloned();
        for chunk in ids.chunks(usize::try_from(args.batch).unwrap_or(1)) {
            let operations: Vec<Vec<u8>> = chunk
                .iter()
                .map(|id| {
                    serde_json::to_vec(&json!({ "method": "DELETE", "path": format!("/{}/{id}", args.endpoint), "bulkId": format!("d{id}") }))
                        .unwrap_or_default()
                })
                .collect();
            let labels = chunk
                .iter()
                .map(|id| (format!("d{id}"), format!("{} {id}", args.endpoint)))
                .collect();
            if !pipeline.send(Job::new(&operations, labels)) {
                break;
            }
        }
    }
    pipeline.finish();
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    if context.json {
        let mut out = tally.to_json("deleted", elapsed);
        out.insert("pages".into(), json!(pages));
        print_summary(out);
    } else {
        tally.print_text("Deleted", &what, elapsed);
    }
    Ok(tally.ok())
}

/// `"` and `\` escaped for a SCIM filter string literal.
fn filter_string(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
#[path = "purge_tests.rs"]
mod tests;
