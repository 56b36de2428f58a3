//! An exporter whose root has an SQL filter re-slices its own directory:
//! the filter its manifest records is satisfied by construction and
//! skipped; a different filter is refused, saying so.

use super::models::{TABLES, User};
use super::support::*;
use dataslicer::{Error, ImportJob, params};
use dataslicer_dev::Csv;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Users whose id ends in `digit`, with everything below them.
fn users_ending_in(digit: i32) -> Vec<ImportJob> {
    vec![
        ImportJob::<User>::new()
            .filter("id % $1 = $2", params![10_i32, digit])
            .descendants(),
    ]
}

/// Per table of the slice directory, its primary keys.
fn dir_keys(dir: &Path) -> BTreeMap<&'static str, BTreeSet<i64>> {
    TABLES
        .iter()
        .filter(|t| dir.join(format!("{t}.csv")).exists())
        .map(|&t| (t, Csv::read(dir, &format!("{t}.csv")).ints(pk(t))))
        .collect()
}

fn slice_to(from: &str, to: &Path, jobs: Vec<ImportJob>) -> Result<String, Error> {
    cli(
        jobs,
        &["slice", "--from", from, "--to", arg(to), "--seed", "5"],
    )
}

#[test]
fn a_filtered_exporter_reslices_its_own_directory_skipping_the_recorded_filter() {
    let source = walk_db("walk_reslice_src");
    let scratch = Scratch::new("walk_reslice");
    let first = scratch.path("first");
    let second = scratch.path("second");
    ok(
        slice_to(source.url(), &first, users_ending_in(3)),
        "slice from PostgreSQL",
    );
    let manifest = dataslicer::source::dir::read_manifest(&first).expect("the manifest");
    let recorded = manifest
        .tables
        .iter()
        .find(|t| t.table == "auth_user")
        .and_then(|t| t.filter.clone())
        .expect("the manifest records the root's filter");
    assert_eq!(recorded.sql, "id % $1 = $2");
    assert_eq!(recorded.params, ["10", "3"]);
    ok(
        slice_to(arg(&first), &second, users_ending_in(3)),
        "re-slice the directory with the same filter",
    );
    let (a, b) = (dir_keys(&first), dir_keys(&second));
    assert!(a["orders_trackingevent"].len() > 10);
    assert_eq!(b, a, "the re-slice holds what the slice held");
    let users = ids(&source, "SELECT id FROM auth_user WHERE id % 10 = 3", &[]);
    assert!(users.is_subset(&b["auth_user"]));
    // The re-slice records the filter too, so it can be re-sliced again.
    let again = dataslicer::source::dir::read_manifest(&second).expect("the manifest");
    assert_eq!(
        again
            .tables
            .iter()
            .find(|t| t.table == "auth_user")
            .and_then(|t| t.filter.clone()),
        Some(recorded)
    );
    let loaded = load_into_copy(&source, &second, "walk_reslice_dst");
    assert_eq!(keys(&loaded)["auth_user"], b["auth_user"]);
}

#[test]
fn reslicing_a_directory_with_a_different_filter_is_refused() {
    let source = walk_db("walk_reslice_other_src");
    let scratch = Scratch::new("walk_reslice_other");
    let first = scratch.path("first");
    let second = scratch.path("second");
    ok(
        slice_to(source.url(), &first, users_ending_in(3)),
        "slice from PostgreSQL",
    );
    let error = slice_to(arg(&first), &second, users_ending_in(4))
        .expect_err("a different filter on a directory source");
    let message = error.to_string();
    assert!(
        message.contains("auth_user")
            && message.contains("id % $1 = $2")
            && message.contains("another filter")
            && message.contains("10, 3"),
        "{message}"
    );
    assert!(!second.exists(), "a refused re-slice left a directory");
}
