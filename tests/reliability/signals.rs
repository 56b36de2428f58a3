//! Ctrl-C (SIGINT) and SIGTERM stop a run cleanly: the partial slice
//! directory removed, the load rolled back, the demo database dropped, one
//! line said, and the exit code 128 + the signal.

use super::kill::{shop_source, spawn, wait_for};
use super::support::*;
use dataslicer_dev::{Scratch, TestDb, pg_dump_data};
use std::process::Command;

/// Sends a signal with the shell's own `kill` (no other program needed).
pub fn send(signal: &str, pid: u32) {
    let status = Command::new("sh")
        .args(["-c", &format!("kill -{signal} {pid}")])
        .status()
        .expect("run sh");
    assert!(status.success());
}

/// The one line the run printed on standard error.
fn one_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line on standard error, got:\n{text}");
    lines[0].to_string()
}

#[test]
fn ctrl_c_during_an_export_removes_the_partial_directory_and_keeps_the_old_slice() {
    let source = shop_source("sigint_export", 200);
    let home = Scratch::new("sigint-export");
    let dest = home.path("slice");
    let args = |seed: &'static str| {
        vec![
            "slice".to_string(),
            "--from".into(),
            source.url().into(),
            "--to".into(),
            dest.to_str().unwrap().into(),
            "--seed".into(),
            seed.into(),
            // No progress lines: only what the interruption says.
            "--no-progress".into(),
        ]
    };
    let first: Vec<String> = args("1");
    let run = output(shop(
        &home.path(""),
        &first.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    ));
    assert!(run.status.success(), "{}", text(&run));
    let second = args("2");
    let second: Vec<&str> = second.iter().map(String::as_str).collect();
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let flag = home.path("flag");
        let mut child = spawn(&home.path(""), &second, Some(("table", &flag)));
        wait_for(&flag, &mut child);
        send(signal, child.id());
        std::thread::sleep(std::time::Duration::from_millis(100));
        std::fs::remove_file(&flag).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(code), "SIG{signal}: {}", text(&out));
        let line = one_line(&out.stderr);
        assert!(line.contains("interrupted by SIG"), "{line}");
        let manifest = dataslicer::DirSource::open(&dest).expect("the old slice is intact");
        assert_eq!(manifest.manifest().seed, 1);
        assert_eq!(
            dataslicer_dev::entries(&home.path(""))
                .into_iter()
                .collect::<Vec<_>>(),
            ["slice"],
            "the partial directory is removed"
        );
    }
}

#[test]
fn sigterm_during_a_load_rolls_it_back() {
    let source = shop_source("sigterm_load", 200);
    let target = TestDb::create_from_schema_of("sigterm_load_target", &source);
    target
        .execute("INSERT INTO django_site (id, domain, name) VALUES (99, 'kept.example', 'kept')");
    let home = Scratch::new("sigterm-load");
    let dir = home.path("slice");
    let run = output(shop(
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
    assert!(run.status.success(), "{}", text(&run));
    let before = pg_dump_data(target.url());
    let flag = home.path("flag");
    let mut child = spawn(
        &home.path(""),
        &[
            "load",
            "--from",
            dir.to_str().unwrap(),
            "--to",
            target.url(),
            "--if-exists",
            "truncate",
            "--no-progress",
        ],
        Some(("table", &flag)),
    );
    wait_for(&flag, &mut child);
    send("TERM", child.id());
    std::thread::sleep(std::time::Duration::from_millis(100));
    std::fs::remove_file(&flag).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(143), "{}", text(&out));
    assert!(one_line(&out.stderr).contains("SIGTERM"));
    super::kill::assert_same_dump(
        &pg_dump_data(target.url()),
        &before,
        "the load was rolled back",
    );
}

#[test]
fn ctrl_c_during_the_demo_drops_its_database() {
    let home = Scratch::new("sigint-demo");
    let flag = home.path("flag");
    let mut child = spawn(&home.path(""), &[], Some(("table", &flag)));
    wait_for(&flag, &mut child);
    let pid = child.id();
    let demo_like = format!("shop_demo_{pid}_%");
    let admin = TestDb::create("sigint_demo_probe");
    let count = || {
        admin.query_scalar_i64(&format!(
            "SELECT count(*) FROM pg_database WHERE datname LIKE '{demo_like}'"
        ))
    };
    assert_eq!(count(), 1, "the demo database exists while the demo runs");
    send("INT", pid);
    std::thread::sleep(std::time::Duration::from_millis(100));
    std::fs::remove_file(&flag).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out));
    assert_eq!(count(), 0, "the demo database is dropped");
    assert!(!home.path("slice").exists());
}
