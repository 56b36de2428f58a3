//! The four pairs from the shop example's command line, with the shop's own
//! jobs and models: PostgreSQL -> directory, directory -> PostgreSQL (`load`
//! and `slice`), PostgreSQL -> PostgreSQL and directory -> directory.

use super::support::*;
use dataslicer::IfExists;
use dataslicer::prelude::*;
use dataslicer_dev::{TestDb, shop};
use std::collections::BTreeSet;

#[test]
fn cli_slice_from_postgres_to_a_directory_writes_a_complete_sampled_slice() {
    let source = shop_db("transfer_cli_pg_dir", 1_000);
    let scratch = Scratch::new("cli-pg-dir");
    let dir = scratch.path("slice");
    let out = ok(
        cli(
            shop_models::jobs(),
            &[
                "slice",
                "--from",
                source.url(),
                "--to",
                arg(&dir),
                "--seed",
                "42",
                "--sample",
                "accounts_customer=120",
                "--no-progress",
            ],
        ),
        "shop slice --from postgres --to dir",
    );
    assert!(out.contains("accounts_customer"), "{out}");
    let manifest = read_manifest(&dir);
    let tables: BTreeSet<&str> = manifest.tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(tables, shop::TABLES.into_iter().collect());
    assert_eq!(sampled_customers(&dir).len(), 120);
    assert_complete(&dir);
    assert_eq!(scratch.entries(), BTreeSet::from(["slice".to_string()]));
}

#[test]
fn cli_load_and_slice_put_a_directory_into_postgres() {
    let source = shop_db("transfer_cli_dir_pg", 1_000);
    let scratch = Scratch::new("cli-dir-pg");
    let dir = scratch.path("slice");
    let manifest = ok(pg_to_dir(&source, &shop_jobs(120), &dir, 42), "export");

    // `load`: the slice as it is.
    let loaded = TestDb::create_from_schema_of("transfer_cli_load", &source);
    let out = ok(
        cli(
            shop_models::jobs(),
            &["load", "--from", arg(&dir), "--to", loaded.url()],
        ),
        "shop load",
    );
    assert!(out.contains("loaded"), "{out}");
    assert_counts(&loaded, &manifest);
    let emails = Csv::read(&dir, "accounts_customer").set("email");
    let loaded_emails: BTreeSet<String> = loaded
        .client()
        .query("SELECT email::text FROM accounts_customer", &[])
        .expect("read emails")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        loaded_emails, emails,
        "the faked e-mails of the slice, as they are"
    );

    // Loading again refuses by default, and replaces with truncate.
    let again = err(
        cli(
            shop_models::jobs(),
            &["load", "--from", arg(&dir), "--to", loaded.url()],
        ),
        "a second load into a loaded database",
    );
    assert!(again.to_string().contains("already has rows"), "{again}");
    ok(
        cli(
            shop_models::jobs(),
            &[
                "load",
                "--from",
                arg(&dir),
                "--to",
                loaded.url(),
                "--if-exists",
                "truncate",
            ],
        ),
        "shop load --if-exists truncate",
    );
    assert_counts(&loaded, &manifest);

    // `slice` from the directory: a smaller sample, complete, other fakes.
    let sliced = TestDb::create_from_schema_of("transfer_cli_dir_slice", &source);
    ok(
        cli(
            shop_models::jobs(),
            &[
                "slice",
                "--from",
                arg(&dir),
                "--to",
                sliced.url(),
                "--seed",
                "7",
                "--sample",
                "accounts_customer=30",
                "--no-progress",
            ],
        ),
        "shop slice --from dir --to postgres",
    );
    assert_resliced(&ShopRows::from_dir(&dir), &ShopRows::from_db(&sliced), 30);
    let dir_customers = Csv::read(&dir, "accounts_customer");
    let dir_emails = dir_customers.by("id", "email");
    let dir_joined = dir_customers.by("id", "date_joined");
    let rows = sliced
        .client()
        .query(
            "SELECT id::text, email::text, date_joined::text FROM accounts_customer",
            &[],
        )
        .expect("read customers");
    let mut refaked = 0;
    for row in &rows {
        let id: String = row.get(0);
        let email: String = row.get(1);
        if dir_emails[&id] != email {
            refaked += 1;
        }
        let joined: String = row.get(2);
        assert_eq!(dir_joined[&id], joined, "unfaked columns come as they are");
    }
    assert!(
        refaked * 10 >= rows.len() * 9,
        "seed 7 fakes other e-mails: {refaked} of {} differ",
        rows.len()
    );
}

#[test]
fn cli_slice_from_postgres_to_postgres_equals_the_route_through_a_directory() {
    let source = shop_db("transfer_cli_pg_pg", 1_000);
    let scratch = Scratch::new("cli-pg-pg");
    let direct = TestDb::create_from_schema_of("transfer_cli_pg_pg_direct", &source);
    let args = |to: &str| {
        vec![
            "slice".to_string(),
            "--from".into(),
            source.url().into(),
            "--to".into(),
            to.into(),
            "--seed".into(),
            "42".into(),
            "--sample".into(),
            "accounts_customer=120".into(),
            "--no-progress".into(),
        ]
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        cli(shop_models::jobs(), &args)
    };
    ok(
        run(args(direct.url())),
        "shop slice --from postgres --to postgres",
    );
    assert!(scratch.entries().is_empty());
    assert_eq!(
        direct.query_scalar_i64("SELECT count(DISTINCT customer_id) FROM orders_order"),
        120
    );

    let dir = scratch.path("slice");
    ok(run(args(arg(&dir))), "shop slice --from postgres --to dir");
    let via_dir = TestDb::create_from_schema_of("transfer_cli_pg_pg_via_dir", &source);
    ok(
        cli(
            shop_models::jobs(),
            &["load", "--from", arg(&dir), "--to", via_dir.url()],
        ),
        "shop load",
    );
    assert_same_tables(&direct, &via_dir, &shop::TABLES);
}

#[test]
fn cli_reslice_from_a_directory_to_a_directory_takes_a_smaller_sample_with_other_fakes() {
    let source = shop_db("transfer_cli_dir_dir", 1_000);
    let scratch = Scratch::new("cli-dir-dir");
    let big = scratch.path("big");
    let small = scratch.path("small");
    ok(pg_to_dir(&source, &shop_jobs(200), &big, 42), "export");
    ok(
        cli(
            shop_models::jobs(),
            &[
                "slice",
                "--from",
                arg(&big),
                "--to",
                arg(&small),
                "--seed",
                "7",
                "--sample",
                "accounts_customer=40",
                "--no-progress",
            ],
        ),
        "shop slice --from dir --to dir",
    );
    assert_complete(&small);
    assert_resliced(&ShopRows::from_dir(&big), &ShopRows::from_dir(&small), 40);

    // Other fakes: the faked columns differ, the others are the same.
    let big_customers = Csv::read(&big, "accounts_customer");
    let small_customers = Csv::read(&small, "accounts_customer");
    let big_last = big_customers.by("id", "last_name");
    let big_joined = big_customers.by("id", "date_joined");
    let ids = small_customers.values("id");
    let differ = ids
        .iter()
        .zip(small_customers.values("last_name"))
        .filter(|(id, last)| big_last[*id] != *last)
        .count();
    assert!(
        differ * 10 >= ids.len() * 8,
        "seed 7 fakes other last names: {differ} of {} differ",
        ids.len()
    );
    for (id, joined) in ids.iter().zip(small_customers.values("date_joined")) {
        assert_eq!(big_joined[id], joined);
    }

    // And it loads into an empty schema.
    let target = TestDb::create_from_schema_of("transfer_cli_dir_dir_load", &source);
    let manifest = ok(load(&small, &target, IfExists::Fail), "load the re-slice");
    assert_counts(&target, &manifest);
}

#[test]
fn cli_slice_from_a_directory_with_a_sql_filter_says_filters_need_postgres() {
    let source = shop_db("transfer_cli_filter", 300);
    let scratch = Scratch::new("cli-filter");
    let dir = scratch.path("slice");
    ok(pg_to_dir(&source, &shop_jobs(50), &dir, 1), "export");
    let filtered = || {
        let mut jobs = shop_models::jobs();
        jobs[0] = ImportJob::<shop_models::Customer>::new()
            .filter("is_active AND id > $1", params![10_i64])
            .sample(10);
        jobs
    };
    let dest = scratch.path("resliced");
    let error = err(
        cli(
            filtered(),
            &[
                "slice",
                "--from",
                arg(&dir),
                "--to",
                arg(&dest),
                "--no-progress",
            ],
        ),
        "a filtered job on a directory source",
    );
    let message = error.to_string();
    assert!(
        message.contains("filters apply only to PostgreSQL sources")
            && message.contains("accounts_customer"),
        "{message}"
    );
    assert_eq!(
        scratch.entries(),
        BTreeSet::from(["slice".to_string()]),
        "nothing written"
    );

    // Into PostgreSQL too, and through the library.
    let target = TestDb::create_from_schema_of("transfer_cli_filter_target", &source);
    let before = snapshot(&target);
    let error = err(
        dir_to_pg(&dir, &target, &filtered(), IfExists::Fail, 1),
        "a filtered job on a directory source",
    );
    assert!(
        error
            .to_string()
            .contains("filters apply only to PostgreSQL sources"),
        "{error}"
    );
    assert_unchanged(&before, &snapshot(&target));
}
