//! The environment and the password file supply what a connection string
//! leaves out, as libpq's do.

use super::support::*;
use super::tls::settings;

fn current_user(client: &mut postgres::Client) -> (String, String) {
    let row = client
        .query_one("SELECT current_user::text, current_database()::text", &[])
        .unwrap();
    (row.get(0), row.get(1))
}

#[test]
fn pg_variables_fill_host_port_user_database_password_and_sslmode() {
    let server = tls_server();
    let db = server.database("env_vars", 0);
    let port = server.port().to_string();
    let settings = settings(
        "",
        &[
            ("PGHOST", "127.0.0.1"),
            ("PGPORT", &port),
            ("PGUSER", "postgres"),
            ("PGDATABASE", &db.name),
            ("PGPASSWORD", PASSWORD),
            ("PGSSLMODE", "require"),
            ("PGCONNECT_TIMEOUT", "5"),
        ],
    )
    .unwrap();
    assert_eq!(
        settings.to_string(),
        format!("postgres://postgres@127.0.0.1:{port}/{}", db.name)
    );
    let mut client = settings
        .connect()
        .expect("connects from the environment alone");
    assert_eq!(
        current_user(&mut client),
        ("postgres".into(), db.name.clone())
    );
}

#[test]
fn the_password_file_supplies_the_password_a_url_leaves_out() {
    let server = tls_server();
    let home = dataslicer_dev::Scratch::new("pgpass");
    // Escaped colon and backslash rules do not matter here; the password's
    // quote and @ are taken as they are.
    write_private(
        &home.path(".pgpass"),
        &format!(
            "# another server first\nelsewhere:5432:*:*:wrong\nlocalhost:{}:*:postgres:{PASSWORD}\n",
            server.port()
        ),
    );
    let home_dir = home.path("");
    let url = format!(
        "postgres://postgres@localhost:{}/postgres?sslmode=require",
        server.port()
    );
    let mut client = settings(&url, &[("HOME", home_dir.to_str().unwrap())])
        .unwrap()
        .connect()
        .expect("~/.pgpass gives the password");
    assert_eq!(current_user(&mut client).0, "postgres");
    // PGPASSFILE names another file; passfile= in the string wins over it.
    let other = home.path("elsewhere.pgpass");
    write_private(&other, &format!("*:*:*:*:{PASSWORD}\n"));
    let conn = format!(
        "host=127.0.0.1 port={} user=postgres passfile={} sslmode=require",
        server.port(),
        other.display()
    );
    settings(&conn, &[("PGPASSFILE", "/nonexistent")])
        .unwrap()
        .connect()
        .expect("passfile= is read");
}

#[test]
fn a_password_file_others_may_read_is_ignored_and_the_error_says_why() {
    let server = tls_server();
    let home = dataslicer_dev::Scratch::new("pgpass-loose");
    let file = home.path("loose.pgpass");
    std::fs::write(&file, format!("*:*:*:*:{PASSWORD}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let conn = format!(
        "host=127.0.0.1 port={} user=postgres sslmode=require",
        server.port()
    );
    let error = settings(&conn, &[("PGPASSFILE", file.to_str().unwrap())])
        .unwrap()
        .connect()
        .err()
        .expect("the file is not read")
        .to_string();
    assert!(
        error.contains("group or world access") && error.contains("chmod 0600"),
        "{error}"
    );
    assert!(!error.contains("xyzzy"), "{error}");
}

#[test]
fn without_any_password_the_error_says_where_one_can_come_from() {
    let server = tls_server();
    let conn = format!(
        "host=127.0.0.1 port={} user=postgres sslmode=require",
        server.port()
    );
    let error = settings(&conn, &[])
        .unwrap()
        .connect()
        .err()
        .expect("no password")
        .to_string();
    assert!(
        error.contains("PGPASSWORD") && error.contains(".pgpass"),
        "{error}"
    );
}

#[test]
fn the_command_line_takes_the_password_from_pgpass_for_slice_and_load() {
    let server = tls_server();
    let source = server.database("pgpass_cli_source", 200);
    let target = server.database("pgpass_cli_target", 0);
    target
        .admin_client()
        .batch_execute(&dataslicer_dev::pg_dump_schema(&server.admin(&source.name)))
        .unwrap();
    let home = dataslicer_dev::Scratch::new("pgpass-cli");
    write_private(
        &home.path(".pgpass"),
        &format!("127.0.0.1:{}:*:postgres:{PASSWORD}\n", server.port()),
    );
    let out = home.path("slice");
    let from = format!(
        "postgres://postgres@127.0.0.1:{}/{}?sslmode=require",
        server.port(),
        source.name
    );
    let to = format!(
        "host=127.0.0.1 port={} user=postgres dbname={} sslmode=require",
        server.port(),
        target.name
    );
    let slice = output(shop(
        &home.path(""),
        &["slice", "--from", &from, "--to", out.to_str().unwrap()],
        &[],
    ));
    assert!(slice.status.success(), "{}", text(&slice));
    let load = output(shop(
        &home.path(""),
        &["load", "--from", out.to_str().unwrap(), "--to", &to],
        &[],
    ));
    assert!(load.status.success(), "{}", text(&load));
    assert!(
        String::from_utf8_lossy(&load.stdout).contains(&format!(
            "into postgres://postgres@127.0.0.1:{}/{}",
            server.port(),
            target.name
        )),
        "{}",
        text(&load)
    );
}

#[test]
fn several_hosts_are_tried_in_turn_and_every_failure_is_named() {
    let db = dataslicer_dev::TestDb::create("several_hosts");
    let url = db.url().to_string();
    let user = url
        .trim_start_matches("postgres://")
        .split('@')
        .next()
        .unwrap()
        .to_string();
    let rest = url.rsplit_once('@').unwrap().1;
    let port: u16 = rest.split(['/', ':']).nth(1).unwrap().parse().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let conn = format!(
        "host=127.0.0.1,127.0.0.1 port={closed},{port} user={user} dbname={}",
        db.name()
    );
    let mut client = settings(&conn, &[])
        .unwrap()
        .connect()
        .expect("the second host answers");
    assert_eq!(current_user(&mut client).1, db.name());
    let both_closed = format!("host=127.0.0.1,localhost port={closed} user={user} dbname=x");
    let error = settings(&both_closed, &[])
        .unwrap()
        .connect()
        .err()
        .expect("nobody listens")
        .to_string();
    assert!(
        error.contains(&format!("127.0.0.1:{closed}"))
            && error.contains(&format!("localhost:{closed}")),
        "{error}"
    );
}
