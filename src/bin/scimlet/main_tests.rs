use super::*;
use clap::CommandFactory;

#[test]
fn server_ids_follow_the_edge_rules() {
    for (id, ok) in [
        ("demo", true),
        ("a_b-C9", true),
        ("", false),
        ("a.b", false),
        ("a b", false),
        (&"x".repeat(64), true),
        (&"x".repeat(65), false),
    ] {
        assert_eq!(server_id(id).is_ok(), ok, "{id}");
    }
}

#[test]
fn settings_are_key_value_pairs_with_json_values() {
    for (arg, key, value) in [
        ("maxResults=50", "maxResults", serde_json::json!(50)),
        (
            "patchResponse=noContent",
            "patchResponse",
            serde_json::json!("noContent"),
        ),
        ("strict=true", "strict", serde_json::json!(true)),
        ("a.b=\"x=y\"", "a.b", serde_json::json!("x=y")),
        ("ttlSeconds=null", "ttlSeconds", Value::Null),
    ] {
        assert_eq!(key_value(arg), Ok((key.to_string(), value)), "{arg}");
    }
    for bad in ["novalue", "=1", "a..b=1", ".a=1", "a.=1"] {
        assert!(key_value(bad).is_err(), "{bad}");
    }
}

#[test]
fn endpoints_are_one_path_segment() {
    for (raw, expected) in [
        ("Users", Some("Users")),
        ("/Groups/", Some("Groups")),
        ("", None),
        ("Users/x", None),
        ("../x", None),
    ] {
        assert_eq!(endpoint(raw).ok().as_deref(), expected, "{raw}");
    }
}

#[test]
fn a_target_is_a_server_of_the_url_or_any_scim_base() {
    for (server, scim, base, id) in [
        (
            Some("big"),
            None,
            "http://h:1/scim-identifier/big/scim/v2",
            Some("big"),
        ),
        (None, Some("https://x/scim/v2/"), "https://x/scim/v2", None),
    ] {
        let target = Target {
            server: server.map(str::to_string),
            scim: scim.map(str::to_string),
        };
        assert_eq!(target.resolve("http://h:1"), (base.to_string(), id));
    }
}

/// The long flags one `--help` section lists, up to the next heading.
fn section(help: &str, heading: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim_end() != heading)
        .skip(1)
        .take_while(|l| !l.trim().is_empty() && !l.ends_with(':'))
        .filter_map(|l| {
            let flag = l.split_whitespace().find(|w| w.starts_with("--"))?;
            Some(flag.trim_end_matches(',').to_string())
        })
        .collect()
}

#[test]
fn help_lists_global_options_apart_from_the_commands_own() {
    for (path, own) in [
        (
            &["load"][..],
            &["--server", "--users", "--groups", "--batch"][..],
        ),
        (&["purge"], &["--filter", "--endpoint", "--page"]),
        (&["servers", "create"], &["--id", "--users", "--seed"]),
    ] {
        let mut command = Cli::command();
        command.build();
        let mut sub = &mut command;
        for name in path {
            sub = sub.find_subcommand_mut(name).expect(name);
        }
        let help = sub.render_help().to_string();
        let global = section(&help, "Global options:");
        let options = section(&help, "Options:");
        assert_eq!(
            global,
            ["--url", "--token", "--admin-token", "--json"],
            "{path:?}:\n{help}"
        );
        for flag in own {
            assert!(
                options.iter().any(|o| o == flag),
                "{path:?}: {flag} not in Options:\n{help}"
            );
        }
        assert!(
            options.iter().all(|o| !global.contains(o)),
            "{path:?}: {options:?}"
        );
    }
}

#[test]
fn bad_arguments_are_usage_errors() {
    for args in [
        &["scimlet", "load", "--server", "x", "--users", "0"][..],
        &["scimlet", "load", "--server", "x", "--groups", "100001"],
        &[
            "scimlet",
            "load",
            "--server",
            "x",
            "--scim",
            "http://h/scim/v2",
        ],
        &["scimlet", "load"],
        &["scimlet", "purge", "--server", "x"],
        &["scimlet", "servers", "show", "bad.id"],
    ] {
        assert!(Cli::try_parse_from(args).is_err(), "{args:?}");
    }
    assert!(Cli::try_parse_from(["scimlet", "load", "-s", "x", "-n", "5", "-g", "2"]).is_ok());
}
