//! CSV jobs from arbitrary bytes (`jobs.dict`): the bytes as a `multipart/form-data` upload
//! body, then, when it is accepted, as the import file of a job run to its end a few rows a
//! step (the job record through JSON between steps, as an evicted host reads it back), and
//! as an EPM Add Users file. Nothing panics; multipart parts lie inside the body; a refused
//! request has no effects and leaves the tenant as it was; a job ends with every row
//! counted once (succeeded + failed + blank = total) and one report per counted row.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimlet::env::SequentialIds;
use scimlet::Method;
use scimlet::jobs::{self, multipart, Job, JobStore, MemoryStore, Request};
use scimlet::{Env, Settings, Tenant, Value};

const CONTENT_TYPES: [&str; 4] = [
    "multipart/form-data; boundary=B",
    "multipart/form-data; boundary=\"B\"",
    "multipart/form-data",
    "text/csv",
];

fn snapshot(tenant: &Tenant) -> Vec<Value> {
    tenant.resources().map(|r| Value::clone(&r)).collect()
}

struct Host {
    tenant: Tenant,
    store: MemoryStore,
    ids: SequentialIds,
}

impl Host {
    fn call(&mut self, method: Method, path: &str, query: &str, ct: Option<&str>, body: &[u8]) -> (u16, Value) {
        let before = snapshot(&self.tenant);
        let mut env = Env { now_ms: 1_795_000_000_000, base_url: "http://f/admin/v1", ids: &mut self.ids };
        let req = Request { method: &method, path, query, content_type: ct, body, origin: "http://f" };
        let answer = jobs::handle(&req, &self.store, &mut self.tenant, &mut env);
        if answer.response.status >= 400 {
            assert!(answer.effects.is_empty(), "a refused request has no effects");
            assert_eq!(snapshot(&self.tenant), before, "a refused request changes nothing");
        }
        self.store.apply(&answer.effects);
        let value = scimlet::value::from_slice(&answer.response.body).unwrap_or(Value::Null);
        (answer.response.status, value)
    }

    /// Runs every running job to its end, `budget` rows a step.
    fn run(&mut self, budget: usize) {
        let mut steps = 0;
        while let Some(job) = self.store.jobs.values().find(|j| j.is_running()).cloned() {
            let mut job: Job = serde_json::from_str(&serde_json::to_string(&job).expect("json")).expect("job");
            let input = job.input.as_ref().and_then(|k| self.store.file_bytes(k).expect("mem")).unwrap_or_default();
            let mut env = Env { now_ms: 1_795_000_000_001, base_url: "http://f/admin/v1", ids: &mut self.ids };
            let effects = jobs::advance(&mut job, &input, &mut self.tenant, &mut env, budget);
            self.store.apply(&effects);
            steps += 1;
            assert!(steps <= 100_000, "a job makes progress");
        }
        for job in self.store.jobs.values() {
            let reports = self.store.reports.get(&job.id).map_or(0, Vec::len);
            assert_eq!(reports, job.succeeded + job.failed, "{job:?}");
            if job.status == jobs::Status::Succeeded {
                assert_eq!(job.done, job.total, "{job:?}");
                assert_eq!(job.percentage(), 100);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else { return };
    let ct = CONTENT_TYPES[usize::from(which) % CONTENT_TYPES.len()];
    if let Ok(parts) = multipart::parse(Some(ct), body) {
        let range = body.as_ptr_range();
        for part in &parts {
            let inner = part.data.as_ptr_range();
            assert!(range.start <= inner.start && inner.end <= range.end);
        }
    }
    let mut tenant = Tenant::new(Settings::default()).expect("tenant");
    tenant.set_capacity(Some(60));
    let mut host = Host { tenant, store: MemoryStore::default(), ids: SequentialIds::default() };
    let budget = usize::from(which >> 2) % 7 + 1;

    // The body as a form; an accepted upload's file imported by a job.
    let (status, answer) = host.call(Method::Post, "/storage/v1/Files", "", Some(ct), body);
    if status == 201 {
        let name = answer["fileName"].as_str().expect("a name").to_string();
        let order = format!(
            r#"{{"jobType":"UserImport","runNow":true,"parameters":[{{"name":"fileLocation","value":{}}}]}}"#,
            serde_json::to_string(&name).expect("json")
        );
        host.call(Method::Post, "/job/v1/JobSchedules", "", Some("application/scim+json"), order.as_bytes());
        host.run(budget);
    }

    // The bytes as EPM's Add Users file.
    let q = "q=%7B%22isFirst%22%3Atrue%2C%22isLast%22%3Atrue%7D";
    let path = "/interop/rest/11.1.2.3.600/applicationsnapshots/f.csv/contents";
    let (status, _) = host.call(Method::Post, path, q, None, body);
    assert_eq!(status, 200);
    host.call(Method::Post, "/interop/rest/security/v1/users", "", None, b"filename=f.csv&userpassword=Pw1%21");
    host.run(budget);
    // Whatever ran, every listing still answers.
    let (status, _) = host.call(Method::Get, "/job/v1/JobHistories", "", None, b"");
    assert_eq!(status, 200);
});
