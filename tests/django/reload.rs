//! Loading into a database that already holds a slice. A second slice, with
//! another seed, merged (`--if-exists merge`): the rows already there stay
//! as they are, the new ones are added once, and the result is what both
//! slices hold together. Or replacing it (`--if-exists truncate`).

use super::models::TABLES;
use super::support::*;
use dataslicer::IfExists;
use dataslicer_dev::TestDb;
use std::collections::BTreeSet;

#[test]
fn second_seed_merged_adds_its_rows_once_and_keeps_the_loaded_ones() {
    let source = django_db("django_merge");
    let scratch = Scratch::new("merge");
    let (first, second) = (scratch.path("first"), scratch.path("second"));
    download(&source, fifty_users, &first, 1);
    download(&source, fifty_users, &second, 2);

    // The target is migrated like the source, dropped columns and all.
    let target = migrated_db("django_merge_target");
    ok(
        load(&first, &target, IfExists::Fail),
        "load the first slice",
    );
    let before = all_rows(&target, &TABLES);
    let first_users = sampled_users(&target);

    // The second slice alone, to know what it holds.
    let alone = TestDb::create_from_schema_of("django_merge_alone", &source);
    ok(
        load(&second, &alone, IfExists::Fail),
        "load the second slice",
    );
    let second_rows = all_rows(&alone, &TABLES);
    let second_users = sampled_users(&alone);
    assert_ne!(first_users, second_users, "two seeds, two samples");

    // Loading into a database with rows refuses without merge.
    let refused = load(&second, &target, IfExists::Fail);
    assert!(refused.is_err(), "a load into a loaded database must fail");
    assert_eq!(
        all_rows(&target, &TABLES),
        before,
        "a refused load changes nothing"
    );

    // Merge, database to database through the command line.
    ok(
        cli(
            fifty_users,
            &[
                "slice",
                "--from",
                source.url(),
                "--to",
                target.url(),
                "--seed",
                "2",
                "--if-exists",
                "merge",
                "--no-progress",
            ],
        ),
        "django slice --if-exists merge",
    );
    let after = all_rows(&target, &TABLES);
    let mut added = 0;
    for table in TABLES {
        let (before, second, after) = (&before[table], &second_rows[table], &after[table]);
        for (key, row) in before {
            assert_eq!(after.get(key), Some(row), "{table} {key} kept as loaded");
        }
        for (key, row) in after {
            if !before.contains_key(key) {
                assert_eq!(
                    second.get(key),
                    Some(row),
                    "{table} {key} as the second slice has it"
                );
                added += 1;
            }
        }
        let keys: BTreeSet<&String> = before.keys().chain(second.keys()).collect();
        assert_eq!(
            after.keys().collect::<BTreeSet<_>>(),
            keys,
            "{table}: the rows of both slices"
        );
    }
    assert!(added > 100, "the second slice adds rows: {added}");
    assert_eq!(
        orphans(&target),
        Vec::<String>::new(),
        "orphaned foreign keys"
    );
    let users = sampled_users(&target);
    assert_eq!(
        users,
        first_users.union(&second_users).copied().collect(),
        "the users of both samples with their groups"
    );
    // Every post of every sampled user of either slice.
    let sampled = int4s(&users);
    let posts = "SELECT id FROM blog_post WHERE author_id = ANY($1)";
    assert_eq!(
        ints(&target, posts, &[&sampled]),
        ints(&source, posts, &[&sampled])
    );

    // Merging the same slice again adds nothing.
    ok(
        cli(
            fifty_users,
            &[
                "load",
                "--from",
                arg(&second),
                "--to",
                target.url(),
                "--if-exists",
                "merge",
            ],
        ),
        "django load --if-exists merge, the second slice again",
    );
    assert_eq!(
        all_rows(&target, &TABLES),
        after,
        "a second merge adds nothing"
    );
    assert_identity_inserts_succeed(&target);
}

/// `--if-exists truncate` empties the slice's tables and loads it. In a
/// Django schema, tables outside the slice reference its tables (here the
/// empty `blog_profile` references `auth_user`, `blog_featuredpost` and
/// `blog_post_related` reference `blog_post`), as in any real project
/// where a slice leaves some apps out.
#[test]
fn truncate_replaces_a_loaded_slice_though_tables_outside_it_reference_its_tables() {
    let source = django_db("django_truncate");
    let scratch = Scratch::new("truncate");
    let (first, second) = (scratch.path("first"), scratch.path("second"));
    download(&source, fifty_users, &first, 1);
    download(&source, fifty_users, &second, 2);
    let alone = TestDb::create_from_schema_of("django_truncate_alone", &source);
    ok(
        load(&second, &alone, IfExists::Fail),
        "load the second slice",
    );

    let target = TestDb::create_from_schema_of("django_truncate_target", &source);
    ok(
        load(&first, &target, IfExists::Fail),
        "load the first slice",
    );
    ok(
        load(&second, &target, IfExists::Truncate),
        "load the second slice with --if-exists truncate",
    );
    for table in TABLES {
        assert_eq!(
            rows_by_key(&target, table),
            rows_by_key(&alone, table),
            "{table}: the second slice alone"
        );
    }
    assert_identity_inserts_succeed(&target);
}

/// A merge whose new row repeats a unique value already in the target (here
/// a user the target got elsewhere holds the name the second slice gives
/// user 398) is refused, explained, and leaves the target as it was.
#[test]
fn merging_a_slice_whose_unique_fake_repeats_a_target_value_is_refused_clearly() {
    let source = django_db("django_merge_unique");
    let scratch = Scratch::new("merge-unique");
    let (first, second) = (scratch.path("first"), scratch.path("second"));
    download(&source, fifty_users, &first, 1);
    download(&source, fifty_users, &second, 13);
    let name_of = |dir: &std::path::Path, id: &str| -> Option<String> {
        let mut reader = csv::Reader::from_path(dir.join("auth_user.csv")).expect("users");
        let header = reader.headers().expect("a header").clone();
        let column = |name: &str| header.iter().position(|h| h == name).expect(name);
        let (key, username) = (column("id"), column("username"));
        reader
            .records()
            .map(|r| r.expect("a record"))
            .find(|r| &r[key] == id)
            .map(|r| r[username].to_string())
    };
    let target = migrated_db("django_merge_unique_target");
    ok(
        load(&first, &target, IfExists::Fail),
        "load the first slice",
    );
    // A user of the second slice that the first does not hold.
    let loaded = ints(&target, "SELECT id FROM auth_user", &[]);
    let (new_id, name) = (1..=USERS)
        .filter(|id| !loaded.contains(id))
        .find_map(|id| name_of(&second, &id.to_string()).map(|name| (id, name)))
        .expect("the second slice has users the first lacks");
    target.execute(&format!(
        "INSERT INTO auth_user (id, password, last_login, is_superuser, username, first_name, \
         last_name, email, is_staff, is_active, date_joined) VALUES (100000, '!', now(), false, \
         '{name}', '', '', '', false, true, now())"
    ));
    let users_before = target.query_scalar_i64("SELECT count(*) FROM auth_user");
    let message = load(&second, &target, IfExists::Merge)
        .expect_err("a merge that would repeat a unique user name")
        .to_string();
    for needle in ["auth_user", "username", name.as_str(), "separate runs"] {
        assert!(
            message.contains(needle),
            "the error says {needle}: {message}"
        );
    }
    assert_eq!(
        target.query_scalar_i64("SELECT count(*) FROM auth_user"),
        users_before,
        "the refused merge left the target as it was"
    );
    assert_eq!(
        target.query_scalar_i64(&format!(
            "SELECT count(*) FROM auth_user WHERE id = {new_id}"
        )),
        0
    );
    assert_eq!(orphans(&target), Vec::<String>::new());
}

/// Two slices made with the same seed never give two users the same unique
/// fake: a `unique` fake carries a seed-keyed tag of its row's key. So a
/// second, overlapping slice (more users) merges onto the first without a
/// clash, and the users both hold get the same names in both.
#[test]
fn a_second_overlapping_slice_with_the_same_seed_merges_without_a_unique_clash() {
    let source = django_db("django_merge_same_seed");
    let scratch = Scratch::new("merge-same-seed");
    let (first, second) = (scratch.path("first"), scratch.path("second"));
    download(&source, fifty_users, &first, 7);
    download(&source, || super::models::jobs(120), &second, 7);
    let target = migrated_db("django_merge_same_seed_target");
    ok(
        load(&first, &target, IfExists::Fail),
        "load the first slice",
    );
    let first_users = rows_by_key(&target, "auth_user");
    ok(
        load(&second, &target, IfExists::Merge),
        "merge the second slice",
    );
    let all_users = rows_by_key(&target, "auth_user");
    let alone = migrated_db("django_merge_same_seed_alone");
    ok(
        load(&second, &alone, IfExists::Fail),
        "the second slice alone",
    );
    let second_users = rows_by_key(&alone, "auth_user");
    let both = first_users
        .keys()
        .filter(|id| second_users.contains_key(*id))
        .count();
    assert!(both > 0, "the slices overlap");
    assert!(
        all_users.len() > first_users.len(),
        "the second slice adds users"
    );
    for (id, row) in &first_users {
        if let Some(other) = second_users.get(id) {
            assert_eq!(row, other, "user {id} is the same in both slices");
        }
    }
    assert_eq!(
        target.query_scalar_i64(
            "SELECT count(*) FROM (SELECT username FROM auth_user GROUP BY username HAVING count(*) > 1) d"
        ),
        0,
        "no user name twice"
    );
    assert_eq!(orphans(&target), Vec::<String>::new());
}

/// Slicing straight into a database with `--if-exists merge` makes `unique`
/// fakes avoid the values the target already holds: users of another seed
/// arrive with names clear of the target's.
#[test]
fn slicing_into_a_database_with_merge_keeps_unique_fakes_unique_against_its_rows() {
    let source = django_db("django_merge_direct");
    let target = migrated_db("django_merge_direct_target");
    let slice_into = |seed: u64, if_exists: IfExists| {
        let mut source_client = dataslicer::connect(source.url()).expect("source");
        let mut target_client = dataslicer::connect(target.url()).expect("target");
        let mut from = dataslicer::PgSource::begin(&mut source_client).expect("snapshot");
        let mut to = dataslicer::PgSink::begin(&mut target_client, if_exists).expect("load");
        dataslicer::slice(&mut from, &mut to, &fifty_users(), &seeded(seed))
    };
    ok(slice_into(1, IfExists::Fail), "the first slice");
    let name_77 = target.query_scalar_i64("SELECT count(*) FROM auth_user WHERE id = 77");
    assert_eq!(name_77, 1, "user 77 is in the first slice");
    ok(slice_into(13, IfExists::Merge), "the second slice, merged");
    assert_eq!(
        target.query_scalar_i64("SELECT count(*) FROM auth_user WHERE id IN (77, 398)"),
        2,
        "both users are there"
    );
    assert_eq!(
        target.query_scalar_i64(
            "SELECT count(*) FROM (SELECT username FROM auth_user GROUP BY username HAVING count(*) > 1) d"
        ),
        0,
        "no user name twice"
    );
    assert_eq!(orphans(&target), Vec::<String>::new());
}
