//! No password in any output, error or file, whatever form the connection
//! string takes, in success and in failure: the shop example's command line
//! against the password-protected TLS server, as a user runs it.

use super::support::*;

/// The ways of writing one connection with its password, all valid.
fn good_forms(port: u16, db: &str) -> Vec<(&'static str, String)> {
    let quoted = PASSWORD.replace('\\', "\\\\").replace('\'', "\\'");
    vec![
        (
            "URL, password as typed (an @, a space, a quote)",
            format!("postgres://postgres:{PASSWORD}@127.0.0.1:{port}/{db}?sslmode=require"),
        ),
        (
            "URL, percent-encoded",
            format!(
                "postgresql://postgres:{}@127.0.0.1:{port}/{db}?sslmode=require",
                encode(PASSWORD)
            ),
        ),
        (
            "URL, ?password=",
            format!(
                "postgres://postgres@127.0.0.1:{port}/{db}?sslmode=require&password={}",
                encode(PASSWORD)
            ),
        ),
        (
            "keywords, spaces around =, quoted value",
            format!(
                "host = 127.0.0.1 port = {port} user = postgres dbname = {db} sslmode = require \
                 password = '{quoted}'"
            ),
        ),
    ]
}

/// Ways that fail: a wrong user (the server refuses), and strings that do
/// not parse, the password cut in pieces.
fn bad_forms(port: u16, db: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "URL, a user the server refuses",
            format!("postgres://nobody:{PASSWORD}@127.0.0.1:{port}/{db}?sslmode=require"),
        ),
        (
            "keywords, a value with a space and no quotes",
            format!("host=127.0.0.1 port={port} dbname={db} password = {PASSWORD}"),
        ),
        (
            "keywords, a quote that ends the value early",
            format!("host=127.0.0.1 port={port} dbname={db} password='{PASSWORD}'"),
        ),
        (
            "URL, a broken percent sign",
            format!("postgres://postgres:{PASSWORD}%zz@127.0.0.1:{port}/{db}"),
        ),
        (
            "keywords, an unknown keyword made of the password",
            format!("host=127.0.0.1 port={port} xyzzy{}=1", encode(PASSWORD)),
        ),
        (
            "another scheme",
            format!("mysql://postgres:{PASSWORD}@127.0.0.1:{port}/{db}"),
        ),
        (
            "a web address",
            format!("http://postgres:{PASSWORD}@example.invalid/x"),
        ),
    ]
}

#[test]
fn no_form_of_a_source_string_shows_its_password_in_success_or_failure() {
    let server = tls_server();
    let source = server.database("secrets_source", 150);
    let home = dataslicer_dev::Scratch::new("secrets-source");
    for (what, from) in good_forms(server.port(), &source.name) {
        let out = home.path("slice");
        let run = output(shop(
            &home.path(""),
            &["slice", "--from", &from, "--to", out.to_str().unwrap()],
            &[],
        ));
        assert!(run.status.success(), "{what}: {}", text(&run));
        assert!(
            String::from_utf8_lossy(&run.stdout).contains("from postgres://postgres@127.0.0.1:"),
            "{what}: the source is shown from its parts: {}",
            text(&run)
        );
        assert_no_secret(what, &text(&run), &home.path(""));
    }
    for (what, from) in bad_forms(server.port(), &source.name) {
        let out = home.path("failed");
        let run = output(shop(
            &home.path(""),
            &["slice", "--from", &from, "--to", out.to_str().unwrap()],
            &[],
        ));
        assert!(!run.status.success(), "{what} must fail: {}", text(&run));
        assert!(!out.exists(), "{what}: nothing is written");
        assert_no_secret(what, &text(&run), &home.path(""));
    }
}

#[test]
fn no_form_of_a_target_string_shows_its_password_in_success_or_failure() {
    let server = tls_server();
    let source = server.database("secrets_slice", 150);
    let target = server.database("secrets_target", 0);
    target
        .admin_client()
        .batch_execute(&dataslicer_dev::pg_dump_schema(&server.admin(&source.name)))
        .unwrap();
    let home = dataslicer_dev::Scratch::new("secrets-target");
    let out = home.path("slice");
    let from = format!("{} sslmode=disable", server.admin(&source.name));
    let made = output(shop(
        &home.path(""),
        &["slice", "--from", &from, "--to", out.to_str().unwrap()],
        &[],
    ));
    assert!(made.status.success(), "{}", text(&made));
    for (what, to) in good_forms(server.port(), &target.name) {
        for command in ["load", "slice"] {
            let run = output(shop(
                &home.path(""),
                &[
                    command,
                    "--from",
                    out.to_str().unwrap(),
                    "--to",
                    &to,
                    "--if-exists",
                    "truncate",
                ],
                &[],
            ));
            assert!(run.status.success(), "{command} {what}: {}", text(&run));
            assert_no_secret(what, &text(&run), &home.path(""));
        }
    }
    for (what, to) in bad_forms(server.port(), &target.name) {
        for command in ["load", "slice"] {
            let run = output(shop(
                &home.path(""),
                &[command, "--from", out.to_str().unwrap(), "--to", &to],
                &[],
            ));
            assert!(
                !run.status.success(),
                "{command} {what} must fail: {}",
                text(&run)
            );
            assert_no_secret(what, &text(&run), &home.path(""));
        }
    }
    // Nothing but the slice was created: no directory named after a URL.
    assert_eq!(
        dataslicer_dev::entries(&home.path(""))
            .into_iter()
            .collect::<Vec<_>>(),
        ["slice"]
    );
}
