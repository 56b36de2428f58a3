//! `dataslicer new` on the shop and on the Django project: the generated
//! crate builds as it is, its `check` passes, its slice loads into an empty
//! copy with every constraint on, and no original value of a faked column
//! is anywhere in the slice.

use super::support::{django_db, shop_db};
use dataslicer_dev::{Scratch, TestDb};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// The workspace's target directory (the test binary is in
/// `<target>/debug/deps`); generated crates build in a directory of their
/// own inside it, so they share their dependencies' builds with each other
/// and with later runs.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    exe.ancestors()
        .nth(3)
        .expect("<target>/<profile>/deps/<binary>")
        .join("generated")
}

/// One build of a generated crate at a time: they share a target directory.
static BUILD: Mutex<()> = Mutex::new(());

/// Runs `dataslicer new DIR --from URL ARGS...` in-process.
pub fn generate(dir: &Path, url: &str, args: &[&str]) -> String {
    let mut argv = vec!["dataslicer", "new", dir.to_str().unwrap(), "--from", url];
    argv.extend(args);
    dataslicer::tool::run_with(argv).expect("dataslicer new")
}

/// Runs `cargo build` in `dir`, in the shared target directory.
pub fn build_output(dir: &Path) -> Output {
    // The workspace's lock file, so that the crate resolves to the
    // versions already built (cargo drops what it does not use).
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock");
    std::fs::copy(&lock, dir.join("Cargo.lock")).expect("copy Cargo.lock");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let _one = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    Command::new(cargo)
        .args(["build", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

/// Builds the generated crate in `dir`, without a warning, and returns its
/// binary.
pub fn build(dir: &Path) -> PathBuf {
    let output = build_output(dir);
    assert!(
        output.status.success(),
        "the generated crate does not build:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("warning"), "warnings:\n{stderr}");
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let name = manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("a package name");
    target_dir().join("debug").join(name)
}

pub fn run(binary: &Path, args: &[&str]) -> Output {
    Command::new(binary)
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("the exporter runs")
}

pub fn text(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Every value of every faked column of the slice, as the source holds it.
fn originals(source: &TestDb, manifest: &serde_json::Value) -> BTreeMap<String, Vec<String>> {
    let mut client = source.client();
    let mut out = BTreeMap::new();
    for table in manifest["tables"].as_array().unwrap() {
        for column in table["faked"].as_array().unwrap() {
            let (table, column) = (table["table"].as_str().unwrap(), column.as_str().unwrap());
            let rows = client
                .query(
                    &format!(
                        "SELECT DISTINCT \"{column}\"::text FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"
                    ),
                    &[],
                )
                .unwrap();
            out.insert(
                format!("{table}.{column}"),
                rows.iter().map(|r| r.get::<_, String>(0)).collect(),
            );
        }
    }
    out
}

/// Slices with the generated exporter, loads the slice into an empty copy,
/// verifies it, and checks that no original of a faked column is in it.
fn slice_load_and_look_for_originals(binary: &Path, source: &TestDb, scratch: &Scratch) {
    let slice = scratch.path("slice");
    let out = run(
        binary,
        &[
            "slice",
            "--from",
            source.url(),
            "--to",
            slice.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let target = TestDb::create_from_schema_of("new_target", source);
    let out = run(
        binary,
        &[
            "load",
            "--from",
            slice.to_str().unwrap(),
            "--to",
            target.url(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let verified = dataslicer::tool::run_with(["dataslicer", "verify", slice.to_str().unwrap()]);
    assert!(verified.is_ok(), "{verified:?}");

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(slice.join("manifest.json")).unwrap()).unwrap();
    let mut all = String::new();
    for table in manifest["tables"].as_array().unwrap() {
        all.push_str(
            &std::fs::read_to_string(slice.join(table["file"].as_str().unwrap())).unwrap(),
        );
    }
    let originals = originals(source, &manifest);
    assert!(!originals.is_empty(), "something is faked");
    for (column, values) in &originals {
        for value in values.iter().filter(|v| v.chars().count() >= 6) {
            assert!(
                !all.contains(value.as_str()),
                "the original {value:?} of faked column {column} is in the slice"
            );
        }
    }
}

#[test]
fn new_on_the_shop_writes_an_exporter_that_builds_checks_slices_and_loads() {
    let source = shop_db("new_shop", 300);
    let scratch = Scratch::new("new_shop");
    let dir = scratch.path("shop-exporter");
    let out = generate(&dir, source.url(), &[]);
    assert!(
        out.contains("root: `accounts_customer`, the most referenced table"),
        "{out}"
    );
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"shop-exporter\""), "{manifest}");
    assert!(
        manifest.contains(r#"features = ["chrono", "derive", "json", "rust_decimal"]"#),
        "exactly the features the schema needs:\n{manifest}"
    );
    let binary = build(&dir);
    let out = run(&binary, &["check", "--from", source.url()]);
    assert!(out.status.success(), "{}", text(&out));
    slice_load_and_look_for_originals(&binary, &source, &scratch);
}

#[test]
fn new_on_the_django_project_writes_an_exporter_that_builds_checks_slices_loads_and_catches_drift()
{
    let source = django_db("new_django");
    let scratch = Scratch::new("new_django");
    let dir = scratch.path("blog_exporter");
    let out = generate(&dir, source.url(), &[]);
    assert!(
        out.contains("root: `auth_user`, Django's user table"),
        "{out}"
    );
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    for expected in [
        "| auth_user | password | value `!",
        "| auth_user | email | email |",
        "Generic relation",
        "Multi-table inheritance",
    ] {
        assert!(
            readme.contains(expected),
            "{expected:?} in the README:\n{readme}"
        );
    }
    let binary = build(&dir);
    let out = run(&binary, &["check", "--from", source.url()]);
    assert!(out.status.success(), "{}", text(&out));
    slice_load_and_look_for_originals(&binary, &source, &scratch);

    let drifted = TestDb::create_from_schema_of("new_drifted", &source);
    drifted.execute(
        "ALTER TABLE blog_post DROP COLUMN title;
         ALTER TABLE blog_post ALTER COLUMN views TYPE bigint;
         CREATE TABLE blog_like (id bigint PRIMARY KEY, post_id bigint NOT NULL REFERENCES blog_post);",
    );
    let out = run(&binary, &["check", "--from", drifted.url()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "table blog_post: column title (field `title`) does not exist",
        "table blog_post: column views is bigint in the database, but field `views` is `i32`",
        "table blog_like: no model mirrors this table, but its column post_id references blog_post",
    ] {
        assert!(report.contains(expected), "{expected:?} in:\n{report}");
    }
}
