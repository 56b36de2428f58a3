//! Reproducibility: fakes are a function of the seed and the data.

use super::support::*;
use std::collections::BTreeMap;

#[test]
fn the_same_seed_twice_writes_identical_files_but_for_the_creation_time() {
    let source = shop_db("fake_same_seed", 600);
    let scratch = Scratch::new("same_seed");
    let (one, two) = (scratch.path("one"), scratch.path("two"));
    let first = run(&source, &shop_jobs(300), &one, 9);
    let second = run(&source, &shop_jobs(300), &two, 9);

    let (files_one, files_two) = (files(&one), files(&two));
    assert_eq!(
        files_one.keys().collect::<Vec<_>>(),
        files_two.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &files_one {
        if name != "manifest.json" {
            assert!(bytes == &files_two[name], "{name} differs between two runs");
        }
    }
    // The manifests differ at most in `created_at`.
    let mut second = second;
    second.created_at = first.created_at.clone();
    assert_eq!(first, second);
    let mut on_disk = read_manifest(&two);
    on_disk.created_at = first.created_at.clone();
    assert_eq!(read_manifest(&one), on_disk);

    // The files do hold fakes (reproducibility is not a pass-through).
    let customers = Csv::read(&one, "accounts_customer.csv");
    assert!(
        customers
            .texts("email")
            .iter()
            .all(|e| !e.ends_with("@example.org"))
    );
}

#[test]
fn another_seed_gives_other_fakes_for_the_same_rows_when_the_whole_table_is_sampled() {
    let source = shop_db("fake_other_seed", 400);
    let scratch = Scratch::new("other_seed");
    let (one, two) = (scratch.path("one"), scratch.path("two"));
    // A sample as large as the table takes all of it, whatever the seed.
    let first = run(&source, &shop_jobs(400), &one, 1);
    let second = run(&source, &shop_jobs(400), &two, 2);
    assert_eq!(first.seed, 1);
    assert_eq!(second.seed, 2);

    for (a, b) in first.tables.iter().zip(&second.tables) {
        assert_eq!(a.table, b.table);
        assert_eq!(a.rows, b.rows, "{}", a.table);
        let (csv_a, csv_b) = (Csv::read(&one, &a.file), Csv::read(&two, &b.file));
        let ids = |csv: &Csv| csv.by_id("id").into_keys().collect::<Vec<_>>();
        assert_eq!(ids(&csv_a), ids(&csv_b), "{}: the same rows", a.table);
        for column in &a.columns {
            let (values_a, values_b) = (csv_a.by_id(column), csv_b.by_id(column));
            if !a.faked.contains(column) {
                assert_eq!(values_a, values_b, "{}.{column} is not faked", a.table);
                continue;
            }
            // NULL stays NULL under every seed; the fakes themselves change
            // (a first name may come up again by chance, rarely).
            let both: BTreeMap<i64, (Option<String>, Option<String>)> = values_a
                .into_iter()
                .map(|(id, value)| (id, (value, values_b[&id].clone())))
                .collect();
            assert!(
                both.values().all(|(x, y)| x.is_none() == y.is_none()),
                "{}.{column}: NULLs differ",
                a.table
            );
            let non_null = both.values().filter(|(x, _)| x.is_some()).count();
            let same = both.values().filter(|(x, y)| x.is_some() && x == y).count();
            assert!(non_null > 0);
            assert!(
                same * 20 < non_null,
                "{}.{column}: {same} of {non_null} fakes are the same under another seed",
                a.table
            );
        }
    }
    assert_eq!(
        first
            .tables
            .iter()
            .find(|t| t.table == "accounts_customer")
            .map(|t| t.rows),
        Some(400)
    );
}
