//! TLS against a server that takes nothing else: `hostssl` lines only,
//! SCRAM passwords, a certificate made by the test's own CA.

use super::support::*;
use dataslicer::connect::{ConnString, Settings};
use std::collections::HashMap;

/// Settings for `conn` with only `vars` as the environment (and a `HOME`
/// with no `.postgresql` or `.pgpass` in it).
pub fn settings(conn: &str, vars: &[(&str, &str)]) -> Result<Settings, dataslicer::Error> {
    let mut env: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    env.entry("HOME".into())
        .or_insert_with(|| "/nonexistent-home".into());
    Settings::resolve(&ConnString::parse(conn)?, &|name| env.get(name).cloned())
}

fn connect(conn: &str, vars: &[(&str, &str)]) -> Result<postgres::Client, dataslicer::Error> {
    settings(conn, vars)?.connect()
}

fn ssl_in_use(client: &mut postgres::Client) -> bool {
    client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .expect("pg_stat_ssl")
        .get(0)
}

#[test]
fn require_encrypts_and_logs_in_with_the_password() {
    let server = tls_server();
    let conn = format!(
        "host=127.0.0.1 port={} user=postgres dbname=postgres sslmode=require",
        server.port()
    );
    let mut client = connect(&conn, &[("PGPASSWORD", PASSWORD)]).expect("sslmode=require connects");
    assert!(ssl_in_use(&mut client));
}

#[test]
fn prefer_the_default_uses_tls_when_the_server_offers_it() {
    let server = tls_server();
    let url = format!("postgres://postgres@127.0.0.1:{}/postgres", server.port());
    let mut client = connect(&url, &[("PGPASSWORD", PASSWORD)]).expect("the default connects");
    assert!(ssl_in_use(&mut client));
}

#[test]
fn verify_full_with_the_right_ca_connects() {
    let server = tls_server();
    let conn = format!(
        "host=localhost port={} user=postgres dbname=postgres sslmode=verify-full sslrootcert={}",
        server.port(),
        server.ca_file().display()
    );
    let mut client = connect(&conn, &[("PGPASSWORD", PASSWORD)]).expect("verify-full connects");
    assert!(ssl_in_use(&mut client));
}

#[test]
fn verify_full_with_another_ca_fails_naming_the_root_certificate_file() {
    let server = tls_server();
    let conn = format!(
        "host=localhost port={} user=postgres dbname=postgres sslmode=verify-full sslrootcert={}",
        server.port(),
        server.other_ca_file().display()
    );
    let error = connect(&conn, &[("PGPASSWORD", PASSWORD)])
        .err()
        .expect("another CA must not be trusted")
        .to_string();
    assert!(
        error.contains("not signed by a CA of") && error.contains("other-ca.crt"),
        "{error}"
    );
    assert!(!error.contains("xyzzy"), "{error}");
}

#[test]
fn verify_full_checks_the_host_name_and_verify_ca_does_not() {
    let server = tls_server();
    // The certificate names localhost, not 127.0.0.1.
    let conn = |mode: &str| {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname=postgres sslmode={mode} sslrootcert={}",
            server.port(),
            server.ca_file().display()
        )
    };
    let error = connect(&conn("verify-full"), &[("PGPASSWORD", PASSWORD)])
        .err()
        .expect("the name does not match")
        .to_string();
    assert!(error.contains("does not name 127.0.0.1"), "{error}");
    connect(&conn("verify-ca"), &[("PGPASSWORD", PASSWORD)]).expect("verify-ca checks only the CA");
}

#[test]
fn verify_modes_without_a_root_certificate_say_how_to_give_one() {
    let server = tls_server();
    let conn = format!(
        "host=localhost port={} user=postgres sslmode=verify-ca",
        server.port()
    );
    let error = connect(&conn, &[("PGPASSWORD", PASSWORD)])
        .err()
        .expect("no root")
        .to_string();
    assert!(
        error.contains("sslrootcert") && error.contains("root.crt"),
        "{error}"
    );
}

#[test]
fn plaintext_is_refused_by_a_tls_only_server_with_a_clear_message() {
    let server = tls_server();
    let conn = format!(
        "host=127.0.0.1 port={} user=postgres dbname=postgres sslmode=disable",
        server.port()
    );
    let error = connect(&conn, &[("PGPASSWORD", PASSWORD)])
        .err()
        .expect("plaintext")
        .to_string();
    assert!(
        error.contains("no encryption") && error.contains("refuses connections without TLS"),
        "{error}"
    );
    assert!(!error.contains("xyzzy"), "{error}");
    // sslmode=allow tries plaintext, then TLS.
    connect(
        &conn.replace("disable", "allow"),
        &[("PGPASSWORD", PASSWORD)],
    )
    .expect("allow falls back to TLS");
}

#[test]
fn a_client_certificate_logs_in_without_a_password() {
    let server = tls_server();
    let conn = format!(
        "host=localhost port={} user={CERT_USER} dbname=postgres sslmode=verify-full \
         sslrootcert={} sslcert={} sslkey={}",
        server.port(),
        server.ca_file().display(),
        server.files.path("client.crt").display(),
        server.files.path("client.key").display()
    );
    let mut client = connect(&conn, &[]).expect("the certificate is enough");
    let user: String = client
        .query_one("SELECT current_user::text", &[])
        .unwrap()
        .get(0);
    assert_eq!(user, CERT_USER);
}

#[test]
fn a_client_key_others_may_read_is_refused() {
    let server = tls_server();
    let key = server.files.path("loose.key");
    std::fs::write(&key, &server.pki.client_key).unwrap();
    let conn = format!(
        "host=localhost port={} user={CERT_USER} sslmode=require sslcert={} sslkey={}",
        server.port(),
        server.files.path("client.crt").display(),
        key.display()
    );
    let error = connect(&conn, &[]).err().expect("a loose key").to_string();
    assert!(error.contains("group or world access"), "{error}");
}

#[test]
fn the_shop_example_slices_and_loads_a_tls_only_server_configured_by_the_environment() {
    let server = tls_server();
    let source = server.database("tls_source", 300);
    let target = server.database("tls_target", 0);
    let schema = dataslicer_dev::pg_dump_schema(&server.admin(&source.name));
    target
        .admin_client()
        .batch_execute(&schema)
        .expect("the schema");
    let home = dataslicer_dev::Scratch::new("tls-shop");
    let port = server.port().to_string();
    let ca = server.ca_file().display().to_string();
    let env = [
        ("PGHOST", "localhost"),
        ("PGPORT", port.as_str()),
        ("PGUSER", "postgres"),
        ("PGPASSWORD", PASSWORD),
        ("PGSSLMODE", "verify-full"),
        ("PGSSLROOTCERT", ca.as_str()),
    ];
    let out = home.path("slice");
    let slice = output(shop(
        &home.path(""),
        &[
            "slice",
            "--from",
            &format!("dbname={}", source.name),
            "--to",
            out.to_str().unwrap(),
            "--seed",
            "3",
        ],
        &env,
    ));
    assert!(slice.status.success(), "{}", text(&slice));
    let target_url = format!("dbname={}", target.name);
    let mut load_env = env.to_vec();
    load_env.push(("TARGET_DATABASE_URL", target_url.as_str()));
    let load = output(shop(
        &home.path(""),
        &["load", "--from", out.to_str().unwrap()],
        &load_env,
    ));
    assert!(load.status.success(), "{}", text(&load));
    let customers: i64 = target
        .admin_client()
        .query_one("SELECT count(*) FROM accounts_customer", &[])
        .unwrap()
        .get(0);
    assert!(customers >= 100, "{customers} customers loaded");
    assert_no_secret(
        "slice and load",
        &format!("{}{}", text(&slice), text(&load)),
        &home.path(""),
    );
}
