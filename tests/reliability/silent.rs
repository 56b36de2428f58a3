//! A server that accepts connections and never answers: a clear error
//! naming it, in bounded time, for every sslmode (the startup, not only the
//! TCP connection, is bounded).

use std::net::TcpListener;
use std::time::{Duration, Instant};

/// A listener that accepts every connection and never says a word; it keeps
/// the sockets open until the test ends.
fn silent_server() -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let handle = std::thread::spawn(move || {
        let mut held = Vec::new();
        let start = Instant::now();
        // Bounded: the test is over long before.
        while start.elapsed() < Duration::from_secs(30) {
            match listener.accept() {
                Ok((socket, _)) => held.push(socket),
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    });
    (port, handle)
}

#[test]
fn a_silent_server_is_an_error_naming_it_within_the_connect_timeout() {
    let (port, _server) = silent_server();
    for mode in ["disable", "prefer", "require"] {
        let start = Instant::now();
        let conn = format!(
            "host=127.0.0.1 port={port} user=u dbname=d password=hunter2 sslmode={mode} connect_timeout=2"
        );
        let error = dataslicer::connect(&conn)
            .err()
            .expect("a silent server cannot be connected to")
            .to_string();
        let took = start.elapsed();
        assert!(
            took < Duration::from_secs(6),
            "sslmode={mode}: took {took:?}"
        );
        assert!(
            error.contains(&format!("127.0.0.1:{port}")) && error.contains("connect_timeout"),
            "sslmode={mode}: {error}"
        );
        assert!(!error.contains("hunter2"), "{error}");
    }
}

#[test]
fn the_command_line_gives_up_on_a_silent_server_with_the_default_timeout() {
    let (port, _server) = silent_server();
    let home = dataslicer_dev::Scratch::new("silent");
    let start = Instant::now();
    let run = super::support::output(super::support::shop(
        &home.path(""),
        &[
            "slice",
            "--from",
            &format!("postgres://u@127.0.0.1:{port}/d"),
            "--to",
            home.path("slice").to_str().unwrap(),
        ],
        &[],
    ));
    let took = start.elapsed();
    assert_eq!(run.status.code(), Some(1), "{}", super::support::text(&run));
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains(&format!("127.0.0.1:{port}")), "{stderr}");
    assert!(!home.path("slice").exists());
}

#[test]
fn statement_and_lock_timeouts_limit_every_statement_and_lock_wait() {
    let source = super::kill::shop_source("timeouts", 100);
    let target = dataslicer_dev::TestDb::create_from_schema_of("timeouts_target", &source);
    let home = dataslicer_dev::Scratch::new("timeouts");
    let dir = home.path("slice");
    // A statement limit far below what any query takes.
    let run = super::support::output(super::support::shop(
        &home.path(""),
        &[
            "slice",
            "--from",
            source.url(),
            "--to",
            dir.to_str().unwrap(),
            "--statement-timeout",
            "1ms",
        ],
        &[],
    ));
    assert_eq!(run.status.code(), Some(1), "{}", super::support::text(&run));
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("statement timeout"),
        "{}",
        super::support::text(&run)
    );
    assert!(!dir.exists());
    let run = super::support::output(super::support::shop(
        &home.path(""),
        &[
            "slice",
            "--from",
            source.url(),
            "--to",
            dir.to_str().unwrap(),
        ],
        &[],
    ));
    assert!(run.status.success(), "{}", super::support::text(&run));
    // A lock the load would wait for: held by another session.
    let mut holder = target.client();
    let mut tx = holder.transaction().unwrap();
    tx.batch_execute("LOCK TABLE products_category IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let start = Instant::now();
    let run = super::support::output(super::support::shop(
        &home.path(""),
        &[
            "load",
            "--from",
            dir.to_str().unwrap(),
            "--to",
            target.url(),
            "--if-exists",
            "truncate",
            "--lock-timeout",
            "500ms",
        ],
        &[],
    ));
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(run.status.code(), Some(1), "{}", super::support::text(&run));
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("lock timeout"),
        "{}",
        super::support::text(&run)
    );
    tx.rollback().unwrap();
}
