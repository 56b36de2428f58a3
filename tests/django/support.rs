//! What the Django tests share: the project's database, the library's and
//! the command line's routes with a time limit, and queries that read a
//! database back (rows by primary key, orphans of every foreign key,
//! integer sets).

use super::models;
use dataslicer::cli::App;
use dataslicer::{Error, IfExists, Manifest, Options};
use dataslicer_dev::TestDb;
use postgres::types::ToSql;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// The tables, constraints and indexes `manage.py migrate` creates.
pub const SCHEMA: &str = include_str!("schema.sql");
/// The rows.
pub const DATA: &str = include_str!("data.sql");
/// Later migrations of the blog.
pub const LATER_SCHEMA: &str = include_str!("later_schema.sql");
/// Their rows.
pub const LATER_DATA: &str = include_str!("later_data.sql");

/// Numbers of rows of the project's database.
pub const USERS: i64 = 500;
pub const POSTS: i64 = 2_000;
pub const COMMENTS: i64 = 6_000;
pub const SESSIONS: i64 = 300;

/// A database with the Django project's schema and rows: migrations, rows,
/// later migrations and their rows, each script a transaction of its own
/// (PostgreSQL alters no table with deferred checks pending).
pub fn django_db(prefix: &str) -> TestDb {
    let db = TestDb::create(prefix);
    db.execute(SCHEMA);
    db.execute(DATA);
    db.execute(LATER_SCHEMA);
    db.execute(LATER_DATA);
    db.execute("ANALYZE");
    for (table, rows) in [
        ("auth_user", USERS),
        ("blog_post", POSTS),
        ("blog_comment", COMMENTS),
        ("django_session", SESSIONS),
    ] {
        let count = db.query_scalar_i64(&format!("SELECT count(*) FROM {table}"));
        assert_eq!(count, rows, "rows of {table} in the project's database");
    }
    db
}

/// An empty database migrated as the project's (its tables with the same
/// history: dropped columns and all), as a developer's database is, rather
/// than copied from a schema dump.
pub fn migrated_db(prefix: &str) -> TestDb {
    let db = TestDb::create(prefix);
    db.execute(SCHEMA);
    db.execute(LATER_SCHEMA);
    db
}

pub use dataslicer_dev::Scratch;

/// How long one run may take: generous for a debug build on a busy
/// two-core machine.
const RUN_TIMEOUT: Duration = Duration::from_secs(240);

/// Runs `run` on a thread of its own, so that a run that never ends fails
/// its test instead of hanging the whole test binary.
pub fn timed<T: Send + 'static>(what: &str, run: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(run());
    });
    match receive.recv_timeout(RUN_TIMEOUT) {
        Ok(out) => out,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish within {RUN_TIMEOUT:?}: it hangs")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}

/// The value of a result, or a panic showing the library's message.
pub fn ok<T>(result: Result<T, Error>, what: &str) -> T {
    result.unwrap_or_else(|e| panic!("{what} failed: {e}"))
}

/// Options with this seed.
pub fn seeded(seed: u64) -> Options {
    Options {
        seed,
        ..Default::default()
    }
}

/// `dataslicer::download` of `jobs()` from `source` into `dest`.
pub fn download(
    source: &TestDb,
    jobs: fn() -> Vec<dataslicer::ImportJob>,
    dest: &Path,
    seed: u64,
) -> Manifest {
    download_from(source.url(), jobs, dest, seed)
}

/// `dataslicer::download` of `jobs()` from the database at `url`.
pub fn download_from(
    url: &str,
    jobs: fn() -> Vec<dataslicer::ImportJob>,
    dest: &Path,
    seed: u64,
) -> Manifest {
    let url = url.to_string();
    let dest = dest.to_path_buf();
    let result = timed("download", move || {
        let mut client = dataslicer::connect(&url)?;
        dataslicer::download(&mut client, &jobs(), &dest, &seeded(seed))
    });
    ok(result, "download")
}

/// `dataslicer::load` of a slice directory into `target`.
pub fn load(dir: &Path, target: &TestDb, if_exists: IfExists) -> Result<Manifest, Error> {
    let url = target.url().to_string();
    let dir = dir.to_path_buf();
    timed("load", move || {
        let mut client = dataslicer::connect(&url)?;
        dataslicer::load(&dir, &mut client, if_exists)
    })
}

/// Runs the project's exporter command line, `django <args...>`, with
/// `jobs()`.
pub fn cli(jobs: fn() -> Vec<dataslicer::ImportJob>, args: &[&str]) -> Result<String, Error> {
    let mut argv = vec!["django".to_string()];
    argv.extend(args.iter().map(|a| a.to_string()));
    timed("the command line", move || {
        App::new("django", jobs()).run_with(argv)
    })
}

/// A path as a command-line argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("scratch paths are UTF-8")
}

/// The jobs of [`models::jobs`] with 50 users.
pub fn fifty_users() -> Vec<dataslicer::ImportJob> {
    models::jobs(50)
}

/// The first column of every row of `sql`, an integer of any width.
pub fn ints(db: &TestDb, sql: &str, params: &[&(dyn ToSql + Sync)]) -> BTreeSet<i64> {
    db.client()
        .query(&format!("SELECT x::int8 FROM ({sql}) AS q(x)"), params)
        .unwrap_or_else(|e| panic!("{sql}: {}", dataslicer::error::pg(&e)))
        .iter()
        .map(|r| r.get::<_, i64>(0))
        .collect()
}

/// The first two columns of every row of `sql`, as text (NULL as `None`).
pub fn pairs(db: &TestDb, sql: &str) -> BTreeMap<String, Option<String>> {
    db.client()
        .query(
            &format!("SELECT a::text, b::text FROM ({sql}) AS q(a, b)"),
            &[],
        )
        .unwrap_or_else(|e| panic!("{sql}: {}", dataslicer::error::pg(&e)))
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// A set of keys as an `int4[]` parameter.
pub fn int4s(keys: &BTreeSet<i64>) -> Vec<i32> {
    keys.iter()
        .map(|&k| i32::try_from(k).expect("an integer key"))
        .collect()
}

/// A set of keys as an `int8[]` parameter.
pub fn int8s(keys: &BTreeSet<i64>) -> Vec<i64> {
    keys.iter().copied().collect()
}

/// A table's primary key column.
pub fn primary_key(db: &TestDb, table: &str) -> String {
    db.client()
        .query_one(
            "SELECT a.attname::text FROM pg_index i \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] \
             WHERE i.indrelid = to_regclass($1) AND i.indisprimary",
            &[&table],
        )
        .unwrap_or_else(|e| panic!("primary key of {table}: {}", dataslicer::error::pg(&e)))
        .get(0)
}

/// Every row of a table as primary key -> the whole row as text.
pub fn rows_by_key(db: &TestDb, table: &str) -> BTreeMap<String, String> {
    let key = primary_key(db, table);
    db.client()
        .query(
            &format!("SELECT t.\"{key}\"::text, t::text FROM \"{table}\" AS t"),
            &[],
        )
        .unwrap_or_else(|e| panic!("rows of {table}: {}", dataslicer::error::pg(&e)))
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// Every row of every table of `tables`.
pub fn all_rows(db: &TestDb, tables: &[&str]) -> BTreeMap<String, BTreeMap<String, String>> {
    tables
        .iter()
        .map(|t| (t.to_string(), rows_by_key(db, t)))
        .collect()
}

/// Counts, for every foreign key constraint of the database, the rows whose
/// key points at no row; returns the constraints with any, as
/// `constraint: n`. Independent of the constraints being checked.
pub fn orphans(db: &TestDb) -> Vec<String> {
    let mut client = db.client();
    let keys = client
        .query(
            "SELECT c.conname::text, format('%I', cl.relname), format('%I', a.attname), \
                    format('%I', pcl.relname), format('%I', pa.attname) \
             FROM pg_constraint c \
             JOIN pg_class cl ON cl.oid = c.conrelid \
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
             JOIN pg_class pcl ON pcl.oid = c.confrelid \
             JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1] \
             WHERE c.contype = 'f' ORDER BY 1",
            &[],
        )
        .expect("list foreign keys");
    assert!(
        keys.len() >= 15,
        "the schema's foreign keys: {}",
        keys.len()
    );
    let mut out = Vec::new();
    for key in keys {
        let (name, table, column, parent, parent_column): (String, String, String, String, String) =
            (key.get(0), key.get(1), key.get(2), key.get(3), key.get(4));
        let count: i64 = client
            .query_one(
                &format!(
                    "SELECT count(*) FROM {table} AS t WHERE t.{column} IS NOT NULL \
                     AND NOT EXISTS (SELECT 1 FROM {parent} AS p WHERE p.{parent_column} = t.{column})"
                ),
                &[],
            )
            .expect("count orphans")
            .get(0);
        if count > 0 {
            out.push(format!("{name}: {count}"));
        }
    }
    out
}

/// Asserts that `db` holds as many rows per table as the manifest says, and
/// every table of `tables`.
pub fn assert_counts(db: &TestDb, manifest: &Manifest, tables: &[&str]) {
    let listed: BTreeSet<&str> = manifest.tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(
        listed,
        tables.iter().copied().collect(),
        "the manifest's tables"
    );
    for table in &manifest.tables {
        let count = db.query_scalar_i64(&format!("SELECT count(*) FROM \"{}\"", table.table));
        assert_eq!(
            count as u64,
            table.rows,
            "rows of {} in {}",
            table.table,
            db.name()
        );
    }
}

/// The users a slice of [`models::jobs`] sampled: those whose groups are in
/// it (every user of the project is in a group, and a user pulled in only as
/// a parent brings no children).
pub fn sampled_users(db: &TestDb) -> BTreeSet<i64> {
    ints(db, "SELECT DISTINCT user_id FROM auth_user_groups", &[])
}

/// Inserts a row into every table of the project through its identity
/// default, in one transaction (committed), and checks that each new key is
/// past every key loaded before.
pub fn assert_identity_inserts_succeed(db: &TestDb) {
    const INSERTS: [(&str, &str); 12] = [
        (
            "django_content_type",
            "INSERT INTO django_content_type (app_label, model) VALUES ('blog', 'newsletter')",
        ),
        (
            "auth_permission",
            "INSERT INTO auth_permission (name, content_type_id, codename) \
             SELECT 'Can add newsletter', max(id), 'add_newsletter' FROM django_content_type",
        ),
        (
            "auth_group",
            "INSERT INTO auth_group (name) VALUES ('Newsletter editors')",
        ),
        (
            "auth_group_permissions",
            "INSERT INTO auth_group_permissions (group_id, permission_id) \
             SELECT (SELECT max(id) FROM auth_group), (SELECT max(id) FROM auth_permission)",
        ),
        (
            "auth_user",
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, \
                                    email, is_staff, is_active, date_joined) \
             VALUES ('!', false, 'new user after the load', '', '', '', false, true, now())",
        ),
        (
            "auth_user_groups",
            "INSERT INTO auth_user_groups (user_id, group_id) \
             SELECT (SELECT max(id) FROM auth_user), (SELECT max(id) FROM auth_group)",
        ),
        (
            "auth_user_user_permissions",
            "INSERT INTO auth_user_user_permissions (user_id, permission_id) \
             SELECT (SELECT max(id) FROM auth_user), (SELECT max(id) FROM auth_permission)",
        ),
        (
            "django_admin_log",
            "INSERT INTO django_admin_log (action_time, object_id, object_repr, action_flag, \
                                           change_message, content_type_id, user_id) \
             SELECT now(), '1', 'x', 1, '[]', (SELECT max(id) FROM django_content_type), \
                    (SELECT max(id) FROM auth_user)",
        ),
        (
            "blog_tag",
            "INSERT INTO blog_tag (name, slug) VALUES ('New tag', 'new-tag')",
        ),
        (
            "blog_post",
            "INSERT INTO blog_post (slug, title, body, created_at, author_id, views) \
             SELECT 'new-post', 'New', '', now(), max(id), 0 FROM auth_user",
        ),
        (
            "blog_post_tags",
            "INSERT INTO blog_post_tags (post_id, tag_id) \
             SELECT (SELECT max(id) FROM blog_post), (SELECT max(id) FROM blog_tag)",
        ),
        (
            "blog_comment",
            "INSERT INTO blog_comment (author_email, body, created_at, parent_id, post_id, user_id) \
             SELECT '', 'New', now(), (SELECT max(id) FROM blog_comment), \
                    (SELECT max(id) FROM blog_post), NULL",
        ),
    ];
    let mut client = db.client();
    let mut tx = client.transaction().expect("begin");
    for (table, insert) in INSERTS {
        let before: Option<i64> = tx
            .query_one(&format!("SELECT max(id)::int8 FROM {table}"), &[])
            .expect("max id")
            .get(0);
        let new: i64 = tx
            .query_one(&format!("{insert} RETURNING id::int8"), &[])
            .unwrap_or_else(|e| {
                panic!(
                    "inserting into {table} after the load: {}",
                    dataslicer::error::pg(&e)
                )
            })
            .get(0);
        assert!(
            before.is_none_or(|b| new > b),
            "{table}: the new key {new} is not past the loaded ones (max {before:?})"
        );
    }
    tx.commit().expect("commit the new rows");
}

/// Every file of a slice directory, as text.
pub fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.expect("entry").path();
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (
                path.file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned(),
                text,
            )
        })
        .collect();
    out.sort();
    out
}

/// The markers every personal value of the source carries (see data.sql).
pub const PERSONAL_MARKERS: [&str; 7] = [
    "orig_user_",
    "Origfirst",
    "Origlast",
    "Origphone",
    "corp-original",
    "pbkdf2_sha256",
    "orig-session",
];
