//! `scimlet load`: generated users through `/Bulk`, each with the manager the generator
//! gave it, then the generated groups with their members.
//!
//! Before sending anything it asks the server how much room it has (`GET /api/servers/{id}`,
//! `limits.maxResources`) and refuses a load that cannot fit; a server that turns a
//! request away anyway (403 "server full": someone else filled it) stops the run at once.
//!
//! Managers: the generator's manager of user `n` is an earlier user (`n/8..n/4`). In the
//! same Bulk request it is a `bulkId:` reference; in an earlier request, the producer waits
//! until that request is answered and uses the id it got. Early on that holds the producer
//! back a little (batch `k` needs batch `k/4`); from the fourth batch or so on, the answer
//! is long there. So every user whose manager was created gets it, whatever the concurrency.

use crate::bulk::{
    check_batch, operation_detail, operation_status, print_summary, progress, Batch, OnOperation,
    Operation, Pipeline, Tally,
};
use crate::http::{parse_json, Http};
use crate::servers::Capacity;
use crate::{Context, Fallible, LoadArgs};
use indicatif::HumanCount;
use scimlet::generate::{generate, Grant, People, Person, SeedSpec};
use scimlet::schema::builtin::{ENTERPRISE_USER, GROUP, PATCH_OP};
use scimlet::value::Text;
use serde_json::{json, Value};
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

/// Runs `load`; whether every user (and group) was created.
pub fn run(context: &Context, args: &LoadArgs) -> Fallible<bool> {
    let concurrency = usize::try_from(args.concurrency).unwrap_or(1);
    let (base, server) = args.target.resolve(&context.url);
    let http = Http::new(context.scim_credential(server), concurrency + 1);
    let capacity = match server {
        Some(id) => capacity(context, id)?,
        None => None,
    };
    let needed = args.users.saturating_add(args.groups);
    if let (Some(c), Some(id)) = (capacity, server) {
        if needed > c.free() {
            return Err(format!(
                "server {id} has room for {} more resources ({} of at most {}), and this load needs {} \
                 ({} users + {} groups); nothing was sent.\n  Load fewer, or make room first \
                 (`scimlet purge --server {id} ...`, `scimlet servers reset {id}`).",
                HumanCount(c.free()),
                HumanCount(c.total),
                HumanCount(c.max),
                HumanCount(needed),
                HumanCount(args.users),
                HumanCount(args.groups)
            ));
        }
    }
    let budget = check_batch(&http, &base, args.batch)?;
    let (entitlements, roles) = if args.no_grants {
        (Vec::new(), Vec::new())
    } else {
        (
            fetch_grants(&http, &base, "Entitlements"),
            fetch_grants(&http, &base, "Roles"),
        )
    };
    let domain = args
        .domain
        .clone()
        .unwrap_or_else(|| format!("load-{}.example.org", args.seed));
    let spec = SeedSpec {
        users: usize::try_from(args.users).unwrap_or(usize::MAX),
        groups: usize::try_from(args.groups).unwrap_or(usize::MAX),
        entitlements: entitlements.len(),
        roles: roles.len(),
        seed: args.seed,
        domain: Some(domain.clone()),
        ..SeedSpec::default()
    };
    let people = People::new(&spec)
        .map_err(|e| format!("bad arguments: {}", e.detail.replace("seed.", "--")))?;
    let group_names = group_names(&spec)?;

    let plan = Plan {
        http: &http,
        base: &base,
        concurrency,
        batch: usize::try_from(args.batch).unwrap_or(1),
        budget,
    };
    let users = plan.users(people, &spec, &entitlements, &roles);
    let groups = (!group_names.is_empty()).then(|| {
        if users.tally.stopped() {
            // What stopped the users (server full, token refused) stops the groups too.
            let tally = Arc::new(Tally::default());
            tally.not_sent(group_names.len() as u64);
            Groups {
                tally,
                members: 0,
                elapsed: Default::default(),
            }
        } else {
            plan.groups(&group_names, &users)
        }
    });

    let ok = users.tally.ok() && groups.as_ref().is_none_or(|g| g.tally.ok());
    if context.json {
        let mut out = users.tally.to_json("created", users.elapsed);
        out.insert("domain".into(), json!(domain));
        out.insert("managers".into(), json!(users.managers));
        out.insert(
            "managersUnresolved".into(),
            json!(users.managers_unresolved),
        );
        out.insert("entitlementsAvailable".into(), json!(entitlements.len()));
        out.insert("rolesAvailable".into(), json!(roles.len()));
        out.insert(
            "capacity".into(),
            json!(capacity.map(|c| json!({ "total": c.total, "max": c.max, "free": c.free() }))),
        );
        out.insert(
            "groups".into(),
            json!(groups.as_ref().map(|g| {
                let mut groups = g.tally.to_json("created", g.elapsed);
                groups.insert("members".into(), json!(g.members));
                groups
            })),
        );
        print_summary(out);
    } else {
        users.tally.print_text("Created", "users", users.elapsed);
        eprintln!(
            "  with {} managers ({} unresolved: their manager was not created), domain {domain}",
            HumanCount(users.managers),
            HumanCount(users.managers_unresolved)
        );
        if capacity.is_none() && server.is_some() {
            eprintln!("  (the server did not say how many resources it may hold)");
        }
        if let Some(g) = &groups {
            g.tally.print_text("Created", "groups", g.elapsed);
            eprintln!("  with {} members", HumanCount(g.members));
        }
    }
    Ok(ok)
}

/// How full server `id` is (`None`: it does not say, or could not be asked).
fn capacity(context: &Context, id: &str) -> Fallible<Option<Capacity>> {
    let http = Http::new(context.admin_credential(id), 1);
    let url = format!("{}/api/servers/{id}", context.url);
    let reply = http.send("GET", &url, None)?;
    match reply.status {
        200..=299 => Ok(parse_json("GET", &url, &reply)
            .ok()
            .as_ref()
            .and_then(Capacity::of)),
        401 | 404 => Err(http.refusal("GET", &url, &reply)),
        _ => {
            eprintln!(
                "warning: {}; loading without knowing how much room the server has",
                http.refusal("GET", &url, &reply)
            );
            Ok(None)
        }
    }
}

/// Reads every resource of a type (first page, up to the server's cap) as grants.
fn fetch_grants(http: &Http, base: &str, endpoint: &str) -> Vec<Grant> {
    let url = format!("{base}/{endpoint}?count=1000&attributes=displayName,type");
    let Ok(list) = http.json("GET", &url, None) else {
        return Vec::new(); // type not served: nothing to assign
    };
    list.get("Resources")
        .and_then(Value::as_array)
        .map(|resources| {
            resources
                .iter()
                .filter_map(|r| {
                    Some(Grant {
                        id: Text::new(r.get("id")?.as_str()?),
                        display: Text::new(
                            r.get("displayName").and_then(Value::as_str).unwrap_or(""),
                        ),
                        kind: r.get("type").and_then(Value::as_str).map(Text::new),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The names the generator gives the groups of `spec`, in order: its own run with no
/// users, whose groups the sink only reads.
fn group_names(spec: &SeedSpec) -> Fallible<Vec<String>> {
    let only_groups = SeedSpec {
        users: 0,
        entitlements: 0,
        roles: 0,
        ..spec.clone()
    };
    let mut names = Vec::with_capacity(spec.groups);
    generate(&only_groups, &mut |_, group| {
        let name = group.get("displayName").and_then(scimlet::Value::as_str);
        names.push(name.unwrap_or_default().to_string());
        Ok(Arc::new(group))
    })
    .map_err(|e| format!("generating group names: {}", e.detail))?;
    Ok(names)
}

/// What a user's creation came to, for the users and groups that point at it.
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    /// Sent, not answered yet.
    Pending,
    Created(Box<str>),
    /// Failed, refused or never sent.
    Missing,
}

/// The ids of the users created so far, and a way to wait for one.
#[derive(Default)]
struct Roster {
    slots: Mutex<Vec<Slot>>,
    answered: Condvar,
}

impl Roster {
    /// Adds user `n` (the next one), pending.
    fn add(&self) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.push(Slot::Pending);
        }
    }

    /// Records what became of user `n`.
    fn resolve(&self, n: usize, id: Option<Box<str>>) {
        if let Ok(mut slots) = self.slots.lock() {
            if let Some(slot) = slots.get_mut(n) {
                *slot = id.map_or(Slot::Missing, Slot::Created);
            }
        }
        self.answered.notify_all();
    }

    /// User `n`'s id once its request is answered (`None`: it was not created). Every
    /// added user is resolved exactly once, so this returns.
    fn wait(&self, n: usize) -> Option<Box<str>> {
        let mut slots = self.slots.lock().ok()?;
        loop {
            match slots.get(n)? {
                Slot::Pending => slots = self.answered.wait(slots).ok()?,
                Slot::Created(id) => return Some(id.clone()),
                Slot::Missing => return None,
            }
        }
    }

    /// Every user's id, leaving the roster empty.
    fn take(&self) -> Vec<Slot> {
        self.slots
            .lock()
            .map(|mut slots| std::mem::take(&mut *slots))
            .unwrap_or_default()
    }
}

/// The user number of a bulkId `u<n>`.
fn user_number(bulk_id: &str) -> Option<usize> {
    bulk_id.strip_prefix('u')?.parse().ok()
}

/// The id a Bulk result names in its `location`.
fn created_id(result: &Value) -> Option<Box<str>> {
    let location = result.get("location").and_then(Value::as_str)?;
    let id = location.trim_end_matches('/').rsplit('/').next()?;
    (!id.is_empty()).then(|| id.into())
}

/// How a load sends: where, how many at once, how big.
struct Plan<'a> {
    http: &'a Http,
    base: &'a str,
    concurrency: usize,
    /// Operations per Bulk request.
    batch: usize,
    /// Bytes a request's operations may take.
    budget: usize,
}

/// What the users phase did and what the groups need from it.
struct Users {
    tally: Arc<Tally>,
    elapsed: std::time::Duration,
    managers: u64,
    managers_unresolved: u64,
    /// Per user number: its id once created.
    slots: Vec<Slot>,
    /// Per user number: its displayName (only when groups are loaded).
    displays: Vec<Box<str>>,
    /// Per group number: its members' user numbers, in order.
    members: Vec<Vec<u32>>,
}

/// What the groups phase did.
struct Groups {
    tally: Arc<Tally>,
    members: u64,
    elapsed: std::time::Duration,
}

impl Plan<'_> {
    fn pipeline(
        &self,
        tally: &Arc<Tally>,
        on: OnOperation,
        what: &str,
        n: u64,
    ) -> (Pipeline, indicatif::ProgressBar) {
        let bar = progress(n, what);
        let pipeline = Pipeline::start(self.concurrency, self.http, self.base, tally, on, &bar);
        (pipeline, bar)
    }

    /// Generates and sends the users.
    fn users(
        &self,
        mut people: People,
        spec: &SeedSpec,
        entitlements: &[Grant],
        roles: &[Grant],
    ) -> Users {
        let tally = Arc::new(Tally::default());
        let roster = Arc::new(Roster::default());
        let on_user: OnOperation = {
            let (tally, roster) = (tally.clone(), roster.clone());
            Arc::new(
                move |(bulk_id, label): &Operation, result: Option<&Value>| {
                    let Some(n) = user_number(bulk_id) else {
                        return;
                    };
                    let id = match result {
                        Some(r) if (200..300).contains(&operation_status(r)) => {
                            tally.succeeded.fetch_add(1, Ordering::Relaxed);
                            created_id(r)
                        }
                        Some(r) => {
                            tally.fail(format!(
                                "{label}: {} {}",
                                operation_status(r),
                                operation_detail(r)
                            ));
                            None
                        }
                        None => None,
                    };
                    roster.resolve(n, id);
                },
            )
        };
        let (pipeline, bar) = self.pipeline(&tally, on_user, "users", spec.users as u64);
        let started = Instant::now();
        let keep_displays = spec.groups > 0;
        let mut out = Users {
            tally: tally.clone(),
            elapsed: Default::default(),
            managers: 0,
            managers_unresolved: 0,
            slots: Vec::new(),
            displays: Vec::new(),
            members: vec![Vec::new(); spec.groups],
        };
        let mut batch = Batch::default();
        // The first user of the batch being filled: a manager from there on is a bulkId.
        let mut batch_start = 0;
        let mut handed = 0u64;
        for n in 0..spec.users {
            if tally.stopped() {
                break;
            }
            if batch.len() >= self.batch {
                batch_start = n;
                if batch.take().is_some_and(|job| !pipeline.send(job)) {
                    break;
                }
            }
            let mut person = people.next_person();
            person.assign_grants(entitlements, roles);
            roster.add();
            let bulk_id = format!("u{n}");
            let mut manager = manager_reference(&person, batch_start, &roster);
            let mut operation = user_operation(&bulk_id, &mut person, manager.as_deref());
            if batch.overflows(operation.len(), self.budget) {
                batch_start = n;
                if batch.take().is_some_and(|job| !pipeline.send(job)) {
                    roster.resolve(n, None);
                    break;
                }
                if person.manager.is_some() {
                    // Its manager may have gone out with that batch: an id now, not a bulkId.
                    manager = manager_reference(&person, batch_start, &roster);
                    operation = user_operation(&bulk_id, &mut person, manager.as_deref());
                }
            }
            match (person.manager, &manager) {
                (Some(_), Some(_)) => out.managers += 1,
                (Some(_), None) => out.managers_unresolved += 1,
                _ => {}
            }
            let user_name = person
                .user
                .get("userName")
                .and_then(scimlet::Value::as_str)
                .unwrap_or_default();
            let label = (bulk_id, format!("user {user_name}"));
            if keep_displays {
                let display = person
                    .user
                    .get("displayName")
                    .and_then(scimlet::Value::as_str);
                out.displays.push(display.unwrap_or_default().into());
            }
            for g in &person.groups {
                if let (Some(list), Ok(n)) = (out.members.get_mut(*g), u32::try_from(n)) {
                    list.push(n);
                }
            }
            batch.push(operation, label);
            handed += 1;
        }
        if let Some(job) = batch.take() {
            pipeline.send(job);
        }
        tally.not_sent((spec.users as u64).saturating_sub(handed));
        pipeline.finish();
        bar.finish_and_clear();
        out.elapsed = started.elapsed();
        out.slots = roster.take();
        out
    }

    /// Creates the groups with their members: each group by one POST carrying as many
    /// members as fit a request, then PATCH `add` for the rest.
    fn groups(&self, names: &[String], users: &Users) -> Groups {
        let started = Instant::now();
        let tally = Arc::new(Tally::default());
        let members = Arc::new(AtomicU64::new(0));
        // Each member entry serialized once; `chunks[g]` splits group g's into requests.
        let entries: Vec<Vec<Vec<u8>>> = users
            .members
            .iter()
            .map(|list| {
                list.iter()
                    .filter_map(|&n| member_entry(users, usize::try_from(n).ok()?))
                    .collect()
            })
            .collect();
        let limit = self.budget.saturating_sub(512).max(1);
        let chunks: Arc<Vec<Vec<Range<usize>>>> =
            Arc::new(entries.iter().map(|e| chunk(e, limit)).collect());
        let ids: Arc<Mutex<Vec<Option<String>>>> = Arc::new(Mutex::new(vec![None; names.len()]));

        // 1. POST each group with its first chunk of members.
        let on_group: OnOperation = {
            let (tally, members, chunks, ids) =
                (tally.clone(), members.clone(), chunks.clone(), ids.clone());
            Arc::new(
                move |(bulk_id, label): &Operation, result: Option<&Value>| {
                    let Some(g) = bulk_id
                        .strip_prefix('g')
                        .and_then(|g| g.parse::<usize>().ok())
                    else {
                        return;
                    };
                    match result {
                        Some(r) if (200..300).contains(&operation_status(r)) => {
                            tally.succeeded.fetch_add(1, Ordering::Relaxed);
                            let first = chunks.get(g).and_then(|c| c.first()).map_or(0, Range::len);
                            members.fetch_add(first as u64, Ordering::Relaxed);
                            if let (Ok(mut ids), Some(id)) = (ids.lock(), created_id(r)) {
                                if let Some(slot) = ids.get_mut(g) {
                                    *slot = Some(id.into());
                                }
                            }
                        }
                        Some(r) => tally.fail(format!(
                            "{label}: {} {}",
                            operation_status(r),
                            operation_detail(r)
                        )),
                        None => {}
                    }
                },
            )
        };
        let (pipeline, bar) = self.pipeline(&tally, on_group, "groups", names.len() as u64);
        let mut batch = Batch::default();
        for (g, name) in names.iter().enumerate() {
            let first = chunks
                .get(g)
                .and_then(|c| c.first())
                .cloned()
                .unwrap_or(0..0);
            let slice = entries
                .get(g)
                .and_then(|e| e.get(first))
                .unwrap_or_default();
            let operation = group_operation(g, name, slice);
            if (batch.len() >= self.batch || batch.overflows(operation.len(), self.budget))
                && batch.take().is_some_and(|job| !pipeline.send(job))
            {
                tally.not_sent((names.len() - g) as u64);
                break;
            }
            batch.push(operation, (format!("g{g}"), format!("group {name}")));
        }
        if let Some(job) = batch.take() {
            pipeline.send(job);
        }
        pipeline.finish();
        bar.finish_and_clear();

        // 2. The members that did not fit, added to the groups that were created.
        let ids = ids.lock().map(|ids| ids.clone()).unwrap_or_default();
        let more: usize = chunks.iter().map(|c| c.len().saturating_sub(1)).sum();
        if more > 0 && !tally.stopped() {
            let on_members: OnOperation = {
                let (tally, members, chunks) = (tally.clone(), members.clone(), chunks.clone());
                Arc::new(
                    move |(bulk_id, label): &Operation, result: Option<&Value>| {
                        let Some((g, k)) = patch_numbers(bulk_id) else {
                            return;
                        };
                        match result {
                            Some(r) if (200..300).contains(&operation_status(r)) => {
                                let size =
                                    chunks.get(g).and_then(|c| c.get(k)).map_or(0, Range::len);
                                members.fetch_add(size as u64, Ordering::Relaxed);
                            }
                            Some(r) => tally.fail(format!(
                                "{label}: {} {}",
                                operation_status(r),
                                operation_detail(r)
                            )),
                            None => {}
                        }
                    },
                )
            };
            let (pipeline, bar) = self.pipeline(&tally, on_members, "member lists", more as u64);
            let mut batch = Batch::default();
            'groups: for (g, group_chunks) in chunks.iter().enumerate() {
                let (Some(Some(id)), Some(name)) = (ids.get(g), names.get(g)) else {
                    continue;
                };
                for (k, range) in group_chunks.iter().enumerate().skip(1) {
                    let slice = entries
                        .get(g)
                        .and_then(|e| e.get(range.clone()))
                        .unwrap_or_default();
                    let operation = members_operation(g, k, id, slice);
                    if (batch.len() >= self.batch || batch.overflows(operation.len(), self.budget))
                        && batch.take().is_some_and(|job| !pipeline.send(job))
                    {
                        break 'groups;
                    }
                    batch.push(
                        operation,
                        (
                            format!("m{g}.{k}"),
                            format!("members {}-{} of group {name}", range.start + 1, range.end),
                        ),
                    );
                }
            }
            if let Some(job) = batch.take() {
                pipeline.send(job);
            }
            pipeline.finish();
            bar.finish_and_clear();
        }
        Groups {
            tally,
            members: members.load(Ordering::Relaxed),
            elapsed: started.elapsed(),
        }
    }
}

/// How user `person` names its manager in a request whose first user is `batch_start`:
/// a bulkId inside it, the id of an earlier one once answered, `None` if that one was
/// not created (or it has no manager).
fn manager_reference(person: &Person, batch_start: usize, roster: &Roster) -> Option<String> {
    let m = person.manager?;
    if m >= batch_start {
        Some(format!("bulkId:u{m}"))
    } else {
        roster.wait(m).map(String::from)
    }
}

/// A Bulk `POST /Users` operation for `person`, with `manager` as its manager's value
/// (or none).
fn user_operation(bulk_id: &str, person: &mut Person, manager: Option<&str>) -> Vec<u8> {
    if let Some(scimlet::Value::Object(enterprise)) = person.user.get_mut(ENTERPRISE_USER) {
        match manager {
            Some(value) => enterprise.insert("manager", scimlet::json!({ "value": value })),
            None => enterprise.remove("manager"),
        };
    }
    let data = serde_json::to_vec(&person.user).unwrap_or_default();
    let mut op = Vec::with_capacity(data.len() + 64);
    op.extend_from_slice(b"{\"method\":\"POST\",\"path\":\"/Users\",\"bulkId\":\"");
    op.extend_from_slice(bulk_id.as_bytes());
    op.extend_from_slice(b"\",\"data\":");
    op.extend_from_slice(&data);
    op.push(b'}');
    op
}

/// User `n` as a group member, as the generator writes one; `None` if it was not created.
fn member_entry(users: &Users, n: usize) -> Option<Vec<u8>> {
    let Slot::Created(id) = users.slots.get(n)? else {
        return None;
    };
    let display = users.displays.get(n).map(|d| &**d).unwrap_or_default();
    let entry = if display.is_empty() {
        json!({ "value": &**id, "type": "User" })
    } else {
        json!({ "value": &**id, "display": display, "type": "User" })
    };
    serde_json::to_vec(&entry).ok()
}

/// Consecutive ranges of `entries` whose bytes (with separators) stay within `limit`,
/// each holding at least one entry; one empty range for no entries.
fn chunk(entries: &[Vec<u8>], limit: usize) -> Vec<Range<usize>> {
    let mut chunks = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, entry) in entries.iter().enumerate() {
        if i > start && bytes + entry.len() + 1 > limit {
            chunks.push(start..i);
            (start, bytes) = (i, 0);
        }
        bytes += entry.len() + 1;
    }
    chunks.push(start..entries.len());
    chunks
}

/// `[a,b,c]` of serialized values.
fn json_array(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.iter().map(|e| e.len() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(entry);
    }
    out.push(b']');
    out
}

/// A Bulk `POST /Groups` operation for group `g` with `members`.
fn group_operation(g: usize, name: &str, members: &[Vec<u8>]) -> Vec<u8> {
    let head = format!(
        "{{\"method\":\"POST\",\"path\":\"/Groups\",\"bulkId\":\"g{g}\",\"data\":{{\"schemas\":[\"{GROUP}\"],\"displayName\":{},\"members\":",
        Value::from(name)
    );
    let mut op = head.into_bytes();
    op.extend_from_slice(&json_array(members));
    op.extend_from_slice(b"}}");
    op
}

/// A Bulk `PATCH /Groups/{id}` operation adding `members` (chunk `k` of group `g`).
fn members_operation(g: usize, k: usize, id: &str, members: &[Vec<u8>]) -> Vec<u8> {
    let head = format!(
        "{{\"method\":\"PATCH\",\"path\":{},\"bulkId\":\"m{g}.{k}\",\"data\":{{\"schemas\":[\"{PATCH_OP}\"],\"Operations\":[{{\"op\":\"add\",\"path\":\"members\",\"value\":",
        Value::from(format!("/Groups/{id}"))
    );
    let mut op = head.into_bytes();
    op.extend_from_slice(&json_array(members));
    op.extend_from_slice(b"}]}}");
    op
}

/// Group and chunk numbers of a bulkId `m<g>.<k>`.
fn patch_numbers(bulk_id: &str) -> Option<(usize, usize)> {
    let (g, k) = bulk_id.strip_prefix('m')?.split_once('.')?;
    Some((g.parse().ok()?, k.parse().ok()?))
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
