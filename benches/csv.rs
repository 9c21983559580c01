//! CSV import and export speed: `cargo bench --bench csv` (`-- 20000` picks the number of
//! users; default 100,000, identity domains' largest file).
//!
//! Reports wall and CPU rows/s for: checking the file (what every resume repeats);
//! importing a Users.csv into an empty tenant in steps of
//! 1,000 rows as a host would (every row a create through the engine); the same with a
//! clear password in every row (stored as `{PBKDF2-HMAC-SHA256}`); importing the file
//! again (every row looked up and found unchanged); a Groups.csv of 1,000 groups of 100
//! members named by user name; exporting the users. The targets: an import of
//! 100,000 rows at 20,000 rows/s or more, an export of 100,000 users well under 5 s.

use scimlet::csv::{export, Action, Importer, Kind, Options};
use scimlet::env::UuidIds;
use scimlet::{Env, Settings, Tenant};
use std::time::Instant;

mod clock;
use clock::cpu_time;

/// Runs `f` and prints its wall and CPU rate over `rows`.
fn timed<T>(what: &str, rows: usize, f: impl FnOnce() -> T) -> T {
    let (wall, cpu) = (Instant::now(), cpu_time());
    let out = f();
    let wall = wall.elapsed().as_secs_f64();
    let cpu = (cpu_time() - cpu).as_secs_f64();
    let cpu = format!("{cpu:>6.2} s CPU {:>9.0} rows/CPU-s", rows as f64 / cpu);
    println!(
        "{what:<34} {rows:>7} rows {wall:>6.2} s wall {:>9.0} rows/s | {cpu}",
        rows as f64 / wall
    );
    out
}

const GIVEN: &[&str] = &[
    "Ann", "Zoë", "D'Arcy", "Chen", "Émile", "Fatima", "Giulia", "Hiroshi",
];
const FAMILY: &[&str] = &[
    "Jensen",
    "O'Brien",
    "Nakamura",
    "Okafor",
    "Smith, Jr.",
    "García",
    "Kowalski",
    "李",
];

fn users_csv(n: usize, passwords: bool) -> Vec<u8> {
    let mut out = String::from(
        "User Name,First Name,Last Name,Work Email,Display Name,Title,Work Phone,Active,Department,Employee Number",
    );
    if passwords {
        out.push_str(",Password");
    }
    out.push_str("\r\n");
    for i in 0..n {
        let (given, family) = (
            GIVEN[i % GIVEN.len()],
            FAMILY[(i / GIVEN.len()) % FAMILY.len()],
        );
        let email = format!("user{i}@example.com");
        out.push_str(&format!(
            "{email},{given},\"{family}\",{email},\"{given} {family}\",Engineer,'+1 555 {i:07}',TRUE,R&D,{i}"
        ));
        if passwords {
            out.push_str(&format!(",Secret-{i}!"));
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn groups_csv(groups: usize, members: usize, users: usize) -> Vec<u8> {
    let mut out = String::from("Name,User Members\r\n");
    for g in 0..groups {
        let names: Vec<String> = (0..members)
            .map(|m| format!("user{}@example.com", (g * members + m) % users))
            .collect();
        out.push_str(&format!("Group {g},{}\r\n", names.join(";")));
    }
    out.into_bytes()
}

/// Imports a whole file in steps of 1,000 rows; every row must do `expected`.
fn import(
    tenant: &mut Tenant,
    ids: &mut UuidIds,
    kind: Kind,
    data: &[u8],
    expected: Action,
) -> usize {
    let mut env = Env {
        now_ms: 1_795_000_000_000,
        base_url: "http://127.0.0.1:8787/scim/v2",
        ids,
    };
    let mut importer =
        Importer::new(kind, data, tenant, &Options::default()).expect("a valid file");
    let mut rows = 0;
    while !importer.is_finished() {
        let step = importer.step(tenant, &mut env, 1000);
        for outcome in &step.outcomes {
            let done = outcome
                .result
                .as_ref()
                .unwrap_or_else(|e| panic!("row {}: {}", outcome.row, e.detail));
            assert_eq!(done.action, expected, "row {}", outcome.row);
        }
        rows += step.outcomes.len();
        std::hint::black_box(step.changes);
    }
    rows
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let plain = users_csv(n, false);
    let with_passwords = users_csv(n, true);
    println!(
        "Users.csv: {n} rows, {:.1} MB ({:.1} MB with passwords)",
        plain.len() as f64 / 1e6,
        with_passwords.len() as f64 / 1e6
    );

    let mut ids = UuidIds::new(7);
    let mut tenant = Tenant::new(Settings::default()).unwrap();
    // What resuming costs: the whole-file check runs again (size, row count, header).
    timed("check the file (Importer::new)", n, || {
        let importer = Importer::new(Kind::Users, &plain, &tenant, &Options::default());
        assert_eq!(importer.expect("a valid file").total(), n);
    });
    timed("import Users.csv (creates)", n, || {
        import(&mut tenant, &mut ids, Kind::Users, &plain, Action::Created)
    });
    timed("import it again (unchanged)", n, || {
        import(
            &mut tenant,
            &mut ids,
            Kind::Users,
            &plain,
            Action::Unchanged,
        )
    });

    let mut hashed = Tenant::new(Settings::default()).unwrap();
    timed("import with clear passwords", n, || {
        import(
            &mut hashed,
            &mut ids,
            Kind::Users,
            &with_passwords,
            Action::Created,
        )
    });
    drop(hashed);

    let (groups, members) = (1000, 100);
    let groups_file = groups_csv(groups, members, n);
    timed("import Groups.csv (100 members)", groups, || {
        import(
            &mut tenant,
            &mut ids,
            Kind::Groups,
            &groups_file,
            Action::Created,
        )
    });

    let base = "http://127.0.0.1:8787/scim/v2";
    let users = timed("export Users.csv", n, || {
        export(Kind::Users, &tenant, base).unwrap()
    });
    println!("  ({:.1} MB)", users.len() as f64 / 1e6);
    let groups_out = timed("export Groups.csv (100 members)", groups, || {
        export(Kind::Groups, &tenant, base).unwrap()
    });
    println!("  ({:.1} MB)", groups_out.len() as f64 / 1e6);
}
