//! Exports and loads killed (SIGKILL) at chosen points and at random
//! moments: afterwards the destination holds the old or the new complete
//! slice, and a target database is exactly as it was, sequences included.

use super::support::*;
use dataslicer_dev::{Scratch, TestDb, pg_dump_data, shop as shop_db};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A shop of its own on the test server.
pub fn shop_source(prefix: &str, customers: u32) -> TestDb {
    let db = TestDb::create(prefix);
    shop_db::create(&mut db.client(), customers).expect("create the shop");
    db
}

/// Starts `shop <args>`, pausing at `point` if given (the run creates
/// `flag` there and waits for it to go).
pub fn spawn(home: &Path, args: &[&str], pause: Option<(&str, &Path)>) -> Child {
    let spec = pause.map(|(point, flag)| format!("{point}:{}", flag.display()));
    let mut vars = Vec::new();
    if let Some(spec) = &spec {
        vars.push(("DATASLICER_TEST_PAUSE", spec.as_str()));
    }
    shop(home, args, &vars)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the example")
}

/// Waits until `flag` exists (the run reached its pause point).
pub fn wait_for(flag: &Path, child: &mut Child) {
    let start = Instant::now();
    while !flag.exists() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the run ended ({status}) before reaching its pause point");
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no pause point reached"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The seed of the slice at `dir`, read the way any later run reads it
/// (which puts right what an interrupted replacement left).
fn seed_of(dir: &Path) -> u64 {
    let source = dataslicer::DirSource::open(dir)
        .unwrap_or_else(|e| panic!("{} is not a complete slice: {e}", dir.display()));
    source.manifest().seed
}

fn slice_args<'a>(url: &'a str, dest: &'a Path, seed: &'a str) -> Vec<&'a str> {
    vec![
        "slice",
        "--from",
        url,
        "--to",
        dest.to_str().unwrap(),
        "--seed",
        seed,
    ]
}

#[test]
fn a_replacement_killed_after_either_rename_leaves_the_new_complete_slice() {
    let source = shop_source("kill_rename", 300);
    let home = Scratch::new("kill-rename");
    let dest = home.path("slice");
    let first = output(&mut shop(
        &home.path(""),
        &slice_args(source.url(), &dest, "1"),
        &[],
    ));
    assert!(first.status.success(), "{}", text(&first));
    for (seed, point) in [("2", "renamed-old"), ("3", "renamed-new")] {
        let flag = home.path("flag");
        let mut child = spawn(
            &home.path(""),
            &slice_args(source.url(), &dest, seed),
            Some((point, &flag)),
        );
        wait_for(&flag, &mut child);
        child.kill().unwrap();
        child.wait().unwrap();
        std::fs::remove_file(&flag).unwrap();
        if point == "renamed-old" {
            assert!(
                !dest.exists(),
                "killed between the renames, no slice is in place"
            );
        }
        assert_eq!(
            seed_of(&dest),
            seed.parse::<u64>().unwrap(),
            "the new slice is put in place"
        );
        assert_eq!(
            dataslicer_dev::entries(&home.path(""))
                .into_iter()
                .collect::<Vec<_>>(),
            ["slice"],
            "no leftovers beside the slice"
        );
    }
}

#[test]
fn an_export_killed_while_writing_or_at_any_moment_leaves_the_old_or_new_complete_slice() {
    let source = shop_source("kill_export", 600);
    let home = Scratch::new("kill-export");
    let dest = home.path("slice");
    let first = output(&mut shop(
        &home.path(""),
        &slice_args(source.url(), &dest, "1"),
        &[],
    ));
    assert!(first.status.success(), "{}", text(&first));
    // While the first table is written.
    let flag = home.path("flag");
    let mut child = spawn(
        &home.path(""),
        &slice_args(source.url(), &dest, "2"),
        Some(("table", &flag)),
    );
    wait_for(&flag, &mut child);
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_file(&flag).unwrap();
    assert_eq!(seed_of(&dest), 1, "the old slice stays");
    // At moments spread over the run.
    let mut seed = 1;
    for delay in [20, 80, 200, 400, 700, 1200] {
        let next = seed + 1;
        let seed_text = next.to_string();
        let mut child = spawn(
            &home.path(""),
            &slice_args(source.url(), &dest, &seed_text),
            None,
        );
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap();
        let finished = child.wait().unwrap().success();
        let found = seed_of(&dest);
        assert!(
            found == seed || found == next,
            "after a kill at {delay} ms the slice has seed {found}, expected {seed} or {next}"
        );
        if finished {
            assert_eq!(found, next);
        }
        seed = found;
    }
    assert_eq!(
        dataslicer_dev::entries(&home.path(""))
            .into_iter()
            .collect::<Vec<_>>(),
        ["slice"]
    );
}

#[test]
fn a_load_killed_or_failed_leaves_the_target_identical_sequences_included() {
    let source = shop_source("kill_load_source", 600);
    let target = TestDb::create_from_schema_of("kill_load_target", &source);
    let home = Scratch::new("kill-load");
    let (a, b) = (home.path("a"), home.path("b"));
    for (dir, seed) in [(&a, "1"), (&b, "2")] {
        let run = output(&mut shop(
            &home.path(""),
            &slice_args(source.url(), dir, seed),
            &[],
        ));
        assert!(run.status.success(), "{}", text(&run));
    }
    let load = |dir: &Path| {
        vec![
            "load".to_string(),
            "--from".into(),
            dir.to_str().unwrap().into(),
            "--to".into(),
            target.url().into(),
            "--if-exists".into(),
            "truncate".into(),
        ]
    };
    let load_a = load(&a);
    let load_a: Vec<&str> = load_a.iter().map(String::as_str).collect();
    let args = load(&b);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // What the target holds after a complete load of each slice (loaded
    // b, a, b, a: sequences never move backwards, so from then on they stay
    // past the keys of both).
    let mut dumps = Vec::new();
    for args in [&args, &load_a, &args, &load_a] {
        let run = output(&mut shop(&home.path(""), args, &[]));
        assert!(run.status.success(), "{}", text(&run));
        dumps.push(pg_dump_data(target.url()));
    }
    let before = dumps.pop().unwrap();
    let after = dumps.pop().unwrap();
    assert!(before.contains("setval"), "the dump holds the sequences");
    assert_ne!(before, after);
    // Killed in the middle of its transaction, after the TRUNCATE.
    let flag = home.path("flag");
    let mut child = spawn(&home.path(""), &args, Some(("table", &flag)));
    wait_for(&flag, &mut child);
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_file(&flag).unwrap();
    assert_same_dump(&pg_dump_data(target.url()), &before, "killed mid-load");
    // At moments spread over the load: the target holds the old data or,
    // when the kill came after the commit, the new; then it is loaded back
    // from the first slice, so that every kill starts from the same target.
    for delay in [10, 50, 120, 250, 500, 800] {
        let mut child = spawn(&home.path(""), &args, None);
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap();
        child.wait().unwrap();
        let now = pg_dump_data(target.url());
        if now == after {
            let again = output(&mut shop(&home.path(""), &load_a, &[]));
            assert!(again.status.success(), "{}", text(&again));
        } else {
            assert_same_dump(&now, &before, &format!("killed at {delay} ms"));
        }
    }
    // A load that fails on a bad value.
    let manifest_path = b.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    let tables = manifest["tables"].as_array_mut().unwrap();
    let last = tables.last_mut().unwrap();
    let file = b.join(last["file"].as_str().unwrap());
    let csv = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let fields = lines[1].split(',').count();
    lines[1] = std::iter::once("not-a-key".to_string())
        .chain(lines[1].split(',').skip(1).map(str::to_string))
        .take(fields)
        .collect::<Vec<_>>()
        .join(",");
    let edited = lines.join("\n") + "\n";
    std::fs::write(&file, &edited).unwrap();
    use sha2::Digest;
    last["sha256"] = sha2::Sha256::digest(edited.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .into();
    std::fs::write(
        &manifest_path,
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    let failed = output(&mut shop(&home.path(""), &args, &[]));
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    assert!(
        String::from_utf8_lossy(&failed.stderr).contains("line 2"),
        "{}",
        text(&failed)
    );
    assert_same_dump(&pg_dump_data(target.url()), &before, "a failed load");
}

/// Asserts two dumps are equal, showing the first lines that differ (not
/// the whole dump).
pub fn assert_same_dump(actual: &str, expected: &str, what: &str) {
    if actual == expected {
        return;
    }
    let differ: Vec<String> = actual
        .lines()
        .zip(expected.lines())
        .filter(|(a, e)| a != e)
        .take(5)
        .map(|(a, e)| format!("  now:    {}\n  before: {}", short(a), short(e)))
        .collect();
    panic!(
        "{what}: the target changed ({} lines now, {} before):\n{}",
        actual.lines().count(),
        expected.lines().count(),
        differ.join("\n")
    );
}

fn short(line: &str) -> String {
    line.chars().take(160).collect()
}
