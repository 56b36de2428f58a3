//! Filters with parameters: sessions (a text primary key) sampled among
//! those a timestamp parameter selects, with their data replaced, through
//! files and from database to database; users sampled by a boolean and a
//! timestamp, and a filter on a child job.

use super::models::{Post, Session, User, UserGroup};
use super::support::*;
use chrono::{DateTime, TimeZone, Utc};
use dataslicer::IfExists;
use dataslicer::{ImportJob, params};
use dataslicer_dev::TestDb;
use std::collections::{BTreeMap, BTreeSet};

/// Sessions expire an hour apart from 2024-01-01 (data.sql): 84 of the 300
/// expire after this.
fn cutoff() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 10, 0, 0, 0).unwrap()
}

fn live_sessions() -> Vec<ImportJob> {
    vec![ImportJob::<Session>::new().filter("expire_date > $1", params![cutoff()])]
}

fn sampled_live_sessions() -> Vec<ImportJob> {
    vec![
        ImportJob::<Session>::new()
            .filter("expire_date > $1", params![cutoff()])
            .sample(30),
    ]
}

/// Session key -> expiry, as text, of the sessions of `db` (those expiring
/// after the cutoff, when `live`).
fn sessions(db: &TestDb, live: bool) -> BTreeMap<String, String> {
    let filter = if live {
        " WHERE expire_date > '2024-01-10 00:00:00+00'"
    } else {
        ""
    };
    pairs(
        db,
        &format!("SELECT session_key, expire_date FROM django_session{filter}"),
    )
    .into_iter()
    .map(|(k, v)| (k, v.expect("an expiry")))
    .collect()
}

/// The session data of `db`.
fn data(db: &TestDb) -> BTreeSet<String> {
    pairs(db, "SELECT session_data, NULL FROM django_session")
        .into_keys()
        .collect()
}

#[test]
fn sessions_filtered_by_a_timestamp_keep_their_text_keys_through_files_and_databases() {
    let source = django_db("django_sessions");
    let live = sessions(&source, true);
    assert_eq!(live.len(), 84, "sessions expiring after the cutoff");
    assert_eq!(sessions(&source, false).len() as i64, SESSIONS);
    let scratch = Scratch::new("sessions");

    // Every live session, through files.
    let dir = scratch.path("live");
    let manifest = download(&source, live_sessions, &dir, 3);
    assert_eq!(manifest.tables.len(), 1);
    assert_eq!(manifest.tables[0].rows, 84);
    assert_eq!(manifest.tables[0].primary_key, "session_key");
    let through_files = TestDb::create_from_schema_of("django_sessions_files", &source);
    ok(load(&dir, &through_files, IfExists::Fail), "load");
    assert_eq!(sessions(&through_files, false), live, "keys and expiries");
    for value in data(&through_files) {
        assert!(
            value.starts_with("e30:1tFake0:") && value.len() == 12 + 43,
            "faked session data: {value:?}"
        );
    }
    let text = std::fs::read_to_string(dir.join("django_session.csv")).expect("the file");
    assert!(!text.contains("orig-session"), "no original session data");

    // The same, database to database through the command line.
    let through_cli = TestDb::create_from_schema_of("django_sessions_cli", &source);
    ok(
        cli(
            live_sessions,
            &[
                "slice",
                "--from",
                source.url(),
                "--to",
                through_cli.url(),
                "--seed",
                "3",
                "--no-progress",
            ],
        ),
        "django slice sessions --to postgres",
    );
    assert_eq!(
        all_rows(&through_cli, &["django_session"]),
        all_rows(&through_files, &["django_session"]),
        "the same rows as through files, fakes included"
    );

    // A sample of 30 among them, chosen by the seed.
    let sampled_dir = scratch.path("sampled");
    download(&source, sampled_live_sessions, &sampled_dir, 3);
    let sampled = TestDb::create_from_schema_of("django_sessions_sampled", &source);
    ok(
        load(&sampled_dir, &sampled, IfExists::Fail),
        "load the sample",
    );
    let chosen = sessions(&sampled, false);
    assert_eq!(chosen.len(), 30);
    for (key, expiry) in &chosen {
        assert_eq!(live.get(key), Some(expiry), "session {key} is a live one");
    }
    let other_dir = scratch.path("other");
    download(&source, sampled_live_sessions, &other_dir, 4);
    let other = TestDb::create_from_schema_of("django_sessions_other", &source);
    ok(
        load(&other_dir, &other, IfExists::Fail),
        "load another sample",
    );
    assert_ne!(
        sessions(&other, false),
        chosen,
        "another seed, other sessions"
    );

    // Merging the sample into the database that holds every live session
    // adds nothing and changes nothing: the text keys match.
    let before = all_rows(&through_files, &["django_session"]);
    ok(
        load(&sampled_dir, &through_files, IfExists::Merge),
        "merge the sample",
    );
    assert_eq!(all_rows(&through_files, &["django_session"]), before);

    // A directory cannot run SQL, but the filter it was written with holds
    // for its rows already: re-slicing it with that filter works...
    let resliced = scratch.path("re");
    ok(
        cli(
            live_sessions,
            &["slice", "--from", arg(&dir), "--to", arg(&resliced)],
        ),
        "re-slicing with the filter the directory was written with",
    );
    let manifest = dataslicer::DirSource::open(&resliced).expect("a slice");
    assert_eq!(
        manifest.manifest().tables[0].rows,
        84,
        "every live session again"
    );
    // ... and another filter is refused, naming both.
    let other_cutoff = || {
        vec![
            ImportJob::<Session>::new()
                .filter("expire_date > $1 + interval '1 day'", params![cutoff()]),
        ]
    };
    let error = cli(
        other_cutoff,
        &[
            "slice",
            "--from",
            arg(&dir),
            "--to",
            arg(&scratch.path("re2")),
        ],
    )
    .expect_err("another SQL filter on a directory source");
    assert!(
        error.to_string().contains("interval '1 day'")
            && error.to_string().contains("written with another filter")
            && error.to_string().contains("expire_date > $1`"),
        "the error names the filters: {error}"
    );
    assert!(!scratch.path("re2").exists(), "nothing written");

    // A session added by the application after the load.
    sampled.execute(
        "INSERT INTO django_session VALUES ('newsessionkey0123456789abcdefghij', 'e30:', now())",
    );
    assert_eq!(sessions(&sampled, false).len(), 31);
}

/// Users sampled among those a filter with a boolean and a timestamp
/// parameter matches, and their published posts (a filter on a child job).
#[test]
fn users_sampled_by_activity_and_join_date_bring_their_published_posts() {
    let source = django_db("django_user_filter");
    let joined = Utc.with_ymd_and_hms(2020, 6, 1, 0, 0, 0).unwrap();
    let matching = ints(
        &source,
        "SELECT id FROM auth_user WHERE is_active = $1 AND date_joined >= $2",
        &[&true, &joined],
    );
    assert!(matching.len() > 300, "{} users match", matching.len());
    fn jobs() -> Vec<ImportJob> {
        let joined = Utc.with_ymd_and_hms(2020, 6, 1, 0, 0, 0).unwrap();
        vec![
            ImportJob::<User>::new()
                .filter(
                    "is_active = $1 AND date_joined >= $2",
                    params![true, joined],
                )
                .sample(30),
            ImportJob::<UserGroup>::new(),
            ImportJob::<Post>::new().filter("published_at IS NOT NULL", params![]),
        ]
    }
    let scratch = Scratch::new("user-filter");
    let dir = scratch.path("slice");
    download(&source, jobs, &dir, 8);
    let target = TestDb::create_from_schema_of("django_user_filter_target", &source);
    ok(load(&dir, &target, IfExists::Fail), "load");
    let users = ints(&target, "SELECT id FROM auth_user", &[]);
    assert_eq!(users.len(), 30);
    assert!(users.is_subset(&matching), "every sampled user matches");
    assert_eq!(
        sampled_users(&target),
        users,
        "no user pulled in as a parent"
    );
    let published =
        "SELECT id FROM blog_post WHERE author_id = ANY($1) AND published_at IS NOT NULL";
    let posts = ints(&target, "SELECT id FROM blog_post", &[]);
    assert_eq!(posts, ints(&source, published, &[&int4s(&users)]));
    assert!(!posts.is_empty());
}
