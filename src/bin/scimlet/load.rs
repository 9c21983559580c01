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

use crate::auth::Credential;
use crate::bulk::{
    check_batch, operation_detail, operation_status, print_summary, progress, push_json_array,
    Batch, OnOperation, Operation, Pipeline, Tally,
};
use crate::http::{parse_json, Http};
use crate::servers::Capacity;
use crate::{Context, Fallible, LoadArgs};
use indicatif::HumanCount;
use indicatif::ProgressBar;
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
    let report = execute(context, args)?;
    report.print(context.json);
    Ok(report.ok())
}

/// What a load did.
struct Report {
    domain: String,
    /// What the server said about its room before the load, if anything.
    capacity: Option<Capacity>,
    /// Whether the load named a server (whose capacity could have been known).
    named_server: bool,
    entitlements: usize,
    roles: usize,
    users: Users,
    groups: Option<Groups>,
}

/// The load itself: checks, users, then groups.
fn execute(context: &Context, args: &LoadArgs) -> Fallible<Report> {
    let concurrency = usize::try_from(args.concurrency).unwrap_or(1);
    let (base, server) = args.target.resolve(&context.url);
    let http = Http::new(context.scim_credential(server), concurrency + 1);
    let capacity = match server {
        Some(id) => capacity(context, id)?,
        None => None,
    };
    if let (Some(c), Some(id)) = (capacity, server) {
        check_room(c, id, args)?;
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
    let group_names = loaded_group_names(&spec)?;

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
    Ok(Report {
        domain,
        capacity,
        named_server: server.is_some(),
        entitlements: entitlements.len(),
        roles: roles.len(),
        users,
        groups,
    })
}

impl Report {
    fn ok(&self) -> bool {
        self.users.tally.ok() && self.groups.as_ref().is_none_or(|g| g.tally.ok())
    }

    /// The summary: JSON on stdout, or text on stderr.
    fn print(&self, json_output: bool) {
        let (users, domain) = (&self.users, &self.domain);
        if json_output {
            let mut out = users.tally.to_json("created", users.elapsed);
            out.insert("domain".into(), json!(domain));
            out.insert("managers".into(), json!(users.managers));
            out.insert(
                "managersUnresolved".into(),
                json!(users.managers_unresolved),
            );
            out.insert("entitlementsAvailable".into(), json!(self.entitlements));
            out.insert("rolesAvailable".into(), json!(self.roles));
            out.insert(
                "capacity".into(),
                json!(self
                    .capacity
                    .map(|c| json!({ "total": c.total, "max": c.max, "free": c.free() }))),
            );
            out.insert(
                "groups".into(),
                json!(self.groups.as_ref().map(|g| {
                    let mut groups = g.tally.to_json("created", g.elapsed);
                    groups.insert("members".into(), json!(g.members));
                    groups
                })),
            );
            return print_summary(out);
        }
        users.tally.print_text("Created", "users", users.elapsed);
        let unresolved = match users.managers_unresolved {
            0 => String::new(),
            n => format!(
                "; {} without the manager the generator gave them, which was not created",
                HumanCount(n)
            ),
        };
        eprintln!(
            "  {} with a manager{unresolved}; domain {domain}",
            HumanCount(users.managers)
        );
        if self.capacity.is_none() && self.named_server {
            eprintln!("  (the server did not say how many resources it may hold)");
        }
        if let Some(g) = &self.groups {
            g.tally.print_text("Created", "groups", g.elapsed);
            eprintln!("  with {} members", HumanCount(g.members));
        }
    }
}

/// Refuses a load that cannot fit in server `id`, before anything is sent.
fn check_room(capacity: Capacity, id: &str, args: &LoadArgs) -> Fallible<()> {
    let needed = args.users.saturating_add(args.groups);
    if needed <= capacity.free() {
        return Ok(());
    }
    Err(format!(
        "server {id} has room for {} more resources ({} of at most {}), and this load needs {} \
         ({} users + {} groups); nothing was sent.\n  Load fewer, or make room first \
         (`scimlet purge --server {id} ...`, `scimlet servers reset {id}`).",
        HumanCount(capacity.free()),
        HumanCount(capacity.total),
        HumanCount(capacity.max),
        HumanCount(needed),
        HumanCount(args.users),
        HumanCount(args.groups)
    ))
}

/// How full server `id` is (`None`: it does not say, or could not be asked).
fn capacity(context: &Context, id: &str) -> Fallible<Option<Capacity>> {
    // Any token that opens /api/servers/{id} may ask; a refusal is explained as for the
    // SCIM data the load is after (the admin token would not open that).
    let credential = Credential {
        token: context.admin_credential(id).token,
        hint: context.scim_credential(Some(id)).hint,
    };
    let http = Http::new(credential, 1);
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

/// The names a load gives its groups: the generator's, each with the first label of the
/// load's domain (`Engineering (load-1)`). Group names are unique on a server, and a seeded
/// server already holds the generator's own, so each load's groups carry its domain as its
/// users do.
fn loaded_group_names(spec: &SeedSpec) -> Fallible<Vec<String>> {
    let domain = spec.domain.as_deref().unwrap_or("load.example.org");
    let label = domain.split('.').next().unwrap_or(domain);
    Ok(group_names(spec)?
        .into_iter()
        .map(|name| format!("{name} ({label})"))
        .collect())
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
    /// Starts a phase of `total` operations, each answer going to `on`.
    fn phase(&self, tally: &Arc<Tally>, on: OnOperation, what: &str, total: usize) -> Phase<'_> {
        let bar = progress(total as u64, what);
        Phase {
            pipeline: Pipeline::start(self.concurrency, self.http, self.base, tally, on, &bar),
            bar,
            batch: Batch::default(),
            tally: tally.clone(),
            total,
            queued: 0,
            plan: self,
        }
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
                    let created = succeeded(&tally, label, result);
                    if created.is_some() {
                        tally.succeeded.fetch_add(1, Ordering::Relaxed);
                    }
                    roster.resolve(n, created.and_then(created_id));
                },
            )
        };
        let mut phase = self.phase(&tally, on_user, "users", spec.users);
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
        // The first user of the request being filled: a manager from there on is a bulkId.
        let mut batch_start = 0;
        for n in 0..spec.users {
            if tally.stopped() {
                break;
            }
            if phase.batch.len() >= self.batch {
                batch_start = n;
                if !phase.flush() {
                    break;
                }
            }
            let mut person = people.next_person();
            person.assign_grants(entitlements, roles);
            roster.add();
            let bulk_id = format!("u{n}");
            let mut manager = manager_reference(&person, batch_start, &roster);
            let mut operation = user_operation(&bulk_id, &mut person, manager.as_deref());
            if phase.batch.overflows(operation.len(), self.budget) {
                batch_start = n;
                if !phase.flush() {
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
            phase.push(operation, label);
        }
        phase.finish();
        out.elapsed = started.elapsed();
        out.slots = roster.take();
        out
    }

    /// Creates the groups with their members: each group by one POST carrying as many
    /// members as fit a request, then PATCH `add` for the rest.
    fn groups(&self, names: &[String], users: &Users) -> Groups {
        let started = Instant::now();
        // Each member entry serialized once, split into lists that fit a request.
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
        let lists = MemberLists {
            chunks: entries.iter().map(|e| chunk(e, limit)).collect(),
            entries,
        };
        let lists = Arc::new(lists);
        let tally = Arc::new(Tally::default());
        let members = Arc::new(AtomicU64::new(0));
        let ids = self.post_groups(names, &lists, &tally, &members);
        if !tally.stopped() {
            self.add_members(names, &ids, &lists, &tally, &members);
        }
        Groups {
            tally,
            members: members.load(Ordering::Relaxed),
            elapsed: started.elapsed(),
        }
    }

    /// POSTs each group with its first list of members; the ids the groups got.
    fn post_groups(
        &self,
        names: &[String],
        lists: &Arc<MemberLists>,
        tally: &Arc<Tally>,
        members: &Arc<AtomicU64>,
    ) -> Vec<Option<String>> {
        let ids: Arc<Mutex<Vec<Option<String>>>> = Arc::new(Mutex::new(vec![None; names.len()]));
        let on_group: OnOperation = {
            let (tally, members, lists, ids) =
                (tally.clone(), members.clone(), lists.clone(), ids.clone());
            Arc::new(
                move |(bulk_id, label): &Operation, result: Option<&Value>| {
                    let Some(g) = bulk_id
                        .strip_prefix('g')
                        .and_then(|g| g.parse::<usize>().ok())
                    else {
                        return;
                    };
                    let Some(created) = succeeded(&tally, label, result) else {
                        return;
                    };
                    tally.succeeded.fetch_add(1, Ordering::Relaxed);
                    if let (Some(id), Ok(mut ids)) = (created_id(created), ids.lock()) {
                        members.fetch_add(lists.size(g, 0), Ordering::Relaxed);
                        if let Some(slot) = ids.get_mut(g) {
                            *slot = Some(id.into());
                        }
                    }
                },
            )
        };
        let mut phase = self.phase(tally, on_group, "groups", names.len());
        for (g, name) in names.iter().enumerate() {
            let operation = group_operation(g, name, lists.list(g, 0));
            if !phase.queue(operation, (format!("g{g}"), format!("group {name}"))) {
                break;
            }
        }
        phase.finish();
        let ids = ids.lock().map(|ids| ids.clone()).unwrap_or_default();
        ids
    }

    /// Adds the members that did not fit a group's POST, by PATCH, to the groups created.
    fn add_members(
        &self,
        names: &[String],
        ids: &[Option<String>],
        lists: &Arc<MemberLists>,
        tally: &Arc<Tally>,
        members: &Arc<AtomicU64>,
    ) {
        let patches: Vec<(usize, usize, &str)> = ids
            .iter()
            .enumerate()
            .filter_map(|(g, id)| Some((g, id.as_deref()?)))
            .flat_map(|(g, id)| (1..lists.count(g)).map(move |k| (g, k, id)))
            .collect();
        if patches.is_empty() {
            return;
        }
        let on_members: OnOperation = {
            let (tally, members, lists) = (tally.clone(), members.clone(), lists.clone());
            Arc::new(
                move |(bulk_id, label): &Operation, result: Option<&Value>| {
                    if let Some((g, k)) = patch_numbers(bulk_id) {
                        if succeeded(&tally, label, result).is_some() {
                            members.fetch_add(lists.size(g, k), Ordering::Relaxed);
                        }
                    }
                },
            )
        };
        let mut phase = self.phase(tally, on_members, "member lists", patches.len());
        for &(g, k, id) in &patches {
            let name = names.get(g).map_or("", String::as_str);
            let label = (
                format!("m{g}.{k}"),
                format!("members list {} of group {name}", k + 1),
            );
            if !phase.queue(members_operation(g, k, id, lists.list(g, k)), label) {
                break;
            }
        }
        phase.finish();
    }
}

/// One phase of a load (users, groups, member lists): the requests in flight, the
/// request being filled, and how many of the phase's operations were queued.
struct Phase<'a> {
    plan: &'a Plan<'a>,
    pipeline: Pipeline,
    bar: ProgressBar,
    batch: Batch,
    tally: Arc<Tally>,
    /// Operations the phase is for.
    total: usize,
    queued: usize,
}

impl Phase<'_> {
    /// Sends the request being filled (if any); false once the run has stopped.
    fn flush(&mut self) -> bool {
        self.batch.take().is_none_or(|job| self.pipeline.send(job))
    }

    /// Adds an operation to the request being filled.
    fn push(&mut self, operation: Vec<u8>, label: Operation) {
        self.batch.push(operation, label);
        self.queued += 1;
    }

    /// Adds an operation, first sending the request if it would not fit; false (the
    /// operation not added) once the run has stopped.
    fn queue(&mut self, operation: Vec<u8>, label: Operation) -> bool {
        let full = self.batch.len() >= self.plan.batch
            || self.batch.overflows(operation.len(), self.plan.budget);
        if full && !self.flush() {
            return false;
        }
        self.push(operation, label);
        true
    }

    /// Sends the rest, counts what was never queued as not sent, waits for every answer.
    fn finish(mut self) {
        self.flush();
        self.tally.not_sent((self.total - self.queued) as u64);
        self.pipeline.finish();
        self.bar.finish_and_clear();
    }
}

/// The groups' member entries (serialized) and how they are split into requests.
struct MemberLists {
    /// Per group, its member entries in order.
    entries: Vec<Vec<Vec<u8>>>,
    /// Per group, the ranges of `entries` sent together: the first with the POST.
    chunks: Vec<Vec<Range<usize>>>,
}

impl MemberLists {
    /// How many lists group `g` is sent in.
    fn count(&self, g: usize) -> usize {
        self.chunks.get(g).map_or(0, Vec::len)
    }

    /// List `k` of group `g`.
    fn list(&self, g: usize, k: usize) -> &[Vec<u8>] {
        let range = self.chunks.get(g).and_then(|c| c.get(k)).cloned();
        range
            .and_then(|r| self.entries.get(g)?.get(r))
            .unwrap_or_default()
    }

    /// How many members list `k` of group `g` holds.
    fn size(&self, g: usize, k: usize) -> u64 {
        self.list(g, k).len() as u64
    }
}

/// The result of an operation that succeeded; a failed one is counted as a failure.
fn succeeded<'a>(tally: &Tally, label: &str, result: Option<&'a Value>) -> Option<&'a Value> {
    let result = result?;
    let status = operation_status(result);
    if (200..300).contains(&status) {
        Some(result)
    } else {
        tally.fail(format!("{label}: {status} {}", operation_detail(result)));
        None
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

/// A Bulk `POST /Groups` operation for group `g` with `members`.
fn group_operation(g: usize, name: &str, members: &[Vec<u8>]) -> Vec<u8> {
    let head = format!(
        "{{\"method\":\"POST\",\"path\":\"/Groups\",\"bulkId\":\"g{g}\",\"data\":{{\"schemas\":[\"{GROUP}\"],\"displayName\":{},\"members\":",
        Value::from(name)
    );
    let mut op = head.into_bytes();
    push_json_array(&mut op, members);
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
    push_json_array(&mut op, members);
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
