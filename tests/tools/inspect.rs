//! `dataslicer inspect` on the Django project, against a stored snapshot.
//! `DATASLICER_UPDATE_SNAPSHOTS=1 cargo test --test main tools::inspect`
//! rewrites the snapshot; review the diff before committing it.

use super::support::django_db;
use std::path::Path;

#[test]
fn inspect_prints_the_django_models_as_the_snapshot_holds_them() {
    let db = django_db("inspect_django");
    let out =
        dataslicer::tool::run_with(["dataslicer", "inspect", "--from", db.url()]).expect("inspect");
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/snapshots/inspect_django.rs");
    if std::env::var_os("DATASLICER_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &out).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .expect("the snapshot (DATASLICER_UPDATE_SNAPSHOTS=1 writes it)");
    if out != expected {
        let first = out
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(out.lines().count().min(expected.lines().count()));
        panic!(
            "inspect's output differs from {} from line {}:\n  got:      {:?}\n  expected: {:?}\n\
             (DATASLICER_UPDATE_SNAPSHOTS=1 rewrites the snapshot)",
            path.display(),
            first + 1,
            out.lines().nth(first),
            expected.lines().nth(first)
        );
    }
    for expected in [
        "#[content_type(\"admin\", \"logentry\")]",
        "pub struct LogEntry",
        "#[generic(content_type = \"content_type_id\")]",
        "#[fake(email, consistent)]",
        "#[fk(super::auth::User)]",
        "Multi-table inheritance",
    ] {
        assert!(out.contains(expected), "{expected}");
    }
}
