//! Loading into a migrated Django database whose content types and
//! permissions were created by its own migrations, in another order: rows
//! are matched by natural key, references rewritten to the target's ids,
//! the target's own rows left untouched, and `--if-exists truncate` empties
//! only the tables the slice has rows for.

use super::models::{ContentType, Group, Permission, User, UserPermission};
use super::support::*;
use dataslicer::prelude::*;
use dataslicer::{IfExists, PgSink, PgSource};
use dataslicer_dev::TestDb;
use std::collections::BTreeMap;

/// `django_admin_log` with its generic relation declared: an entry about a
/// permission points at a row of a matched table.
#[derive(Importer)]
#[table("django_admin_log")]
pub struct AdminLog {
    pub id: i32,
    pub action_time: chrono::DateTime<chrono::Utc>,
    #[generic(content_type = "content_type_id")]
    pub object_id: Option<String>,
    #[fake(value = "Object")]
    pub object_repr: String,
    pub action_flag: i16,
    pub change_message: String,
    #[fk(ContentType, optional)]
    pub content_type_id: Option<i32>,
    #[fk(User)]
    pub user_id: i32,
}

/// Users with their admin log entries and permissions; content types and
/// permissions come along as parents; no group at all.
fn jobs() -> Vec<ImportJob> {
    vec![
        ImportJob::<User>::new().sample(60),
        // Not the entries about groups: their generic references would
        // bring groups in, and this slice has none.
        ImportJob::<AdminLog>::new().filter(
            "content_type_id IS DISTINCT FROM (SELECT id FROM django_content_type \
             WHERE app_label = 'auth' AND model = 'group')",
            params![],
        ),
        ImportJob::<UserPermission>::new(),
        ImportJob::<Permission>::new(),
        ImportJob::<ContentType>::new(),
        ImportJob::<Group>::new().filter("id < 0", params![]),
    ]
}

/// A migrated target whose migrations ran in another order: the content
/// types in reverse with ids from 101 and an app the source lacks, each
/// with its permissions, ids from 1001; `blog.tag` is missing (its app not
/// migrated yet), and one group exists.
fn seeded_target(prefix: &str, source: &TestDb) -> TestDb {
    let target = migrated_db(prefix);
    let types: Vec<(String, String)> = source
        .client()
        .query(
            "SELECT app_label, model FROM django_content_type ORDER BY id DESC",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .filter(|(app, model): &(String, String)| (app.as_str(), model.as_str()) != ("blog", "tag"))
        .chain([("shop".to_string(), "basket".to_string())])
        .collect();
    let mut sql = String::new();
    for (i, (app, model)) in types.iter().enumerate() {
        let id = 101 + i;
        sql.push_str(&format!(
            "INSERT INTO django_content_type (id, app_label, model) VALUES ({id}, '{app}', '{model}');"
        ));
        for (j, action) in ["view", "delete", "change", "add"].iter().enumerate() {
            sql.push_str(&format!(
                "INSERT INTO auth_permission (id, name, content_type_id, codename) \
                 VALUES ({}, 'Can {action} {model}', {id}, '{action}_{model}');",
                1001 + i * 4 + j
            ));
        }
    }
    sql.push_str(
        "INSERT INTO auth_group (id, name) VALUES (1, 'Seeded editors');
         SELECT setval(pg_get_serial_sequence('django_content_type', 'id'), 200);
         SELECT setval(pg_get_serial_sequence('auth_permission', 'id'), 2000);",
    );
    target.execute(&sql);
    target
}

/// Rows of `sql` as text: the first column to the rest, joined by `|`.
fn rows(db: &TestDb, sql: &str) -> BTreeMap<String, String> {
    db.client()
        .query(sql, &[])
        .unwrap_or_else(|e| panic!("{sql}: {}", dataslicer::error::pg(&e)))
        .iter()
        .map(|r| {
            let rest: Vec<String> = (1..r.len())
                .map(|i| {
                    r.get::<_, Option<String>>(i)
                        .unwrap_or_else(|| "NULL".into())
                })
                .collect();
            (r.get::<_, String>(0), rest.join("|"))
        })
        .collect()
}

/// Each admin log entry's content type and object, as natural keys: an
/// object that is a permission by its content type and codename.
const LOG: &str = "SELECT l.id::text, ct.app_label::text, ct.model::text, \
                   CASE WHEN (ct.app_label, ct.model) = ('auth', 'permission') \
                        THEN (SELECT pct.app_label || '.' || pct.model || '.' || p.codename \
                              FROM auth_permission p JOIN django_content_type pct ON pct.id = p.content_type_id \
                              WHERE p.id::text = l.object_id) \
                        ELSE l.object_id END \
                   FROM django_admin_log l LEFT JOIN django_content_type ct ON ct.id = l.content_type_id";
/// Each user permission's permission, as natural keys.
const USER_PERMISSIONS: &str = "SELECT up.id::text, up.user_id::text, ct.app_label::text, \
                                ct.model::text, p.codename::text \
                                FROM auth_user_user_permissions up \
                                JOIN auth_permission p ON p.id = up.permission_id \
                                JOIN django_content_type ct ON ct.id = p.content_type_id";
const TYPES: &str = "SELECT id::text, app_label::text, model::text FROM django_content_type";
const PERMISSIONS: &str =
    "SELECT id::text, content_type_id::text, codename::text, name::text FROM auth_permission";

/// Checks a target after a load of a slice of `source`.
fn assert_landed_on_the_right_models(source: &TestDb, target: &TestDb, seeded: &TestDb) {
    // Every loaded reference means what it meant in the source.
    let loaded_log = rows(target, LOG);
    let source_log = rows(source, LOG);
    assert!(loaded_log.len() > 50, "{} log entries", loaded_log.len());
    let about_permissions = loaded_log
        .values()
        .filter(|e| e.starts_with("auth|permission|") && !e.ends_with("NULL"))
        .count();
    assert!(
        about_permissions > 0,
        "entries about permissions: {loaded_log:?}"
    );
    for (id, entry) in &loaded_log {
        assert_eq!(entry, &source_log[id], "django_admin_log {id}");
    }
    let loaded = rows(target, USER_PERMISSIONS);
    let source_permissions = rows(source, USER_PERMISSIONS);
    assert!(loaded.len() >= 10, "{} user permissions", loaded.len());
    for (id, permission) in &loaded {
        assert_eq!(
            permission, &source_permissions[id],
            "auth_user_user_permissions {id}"
        );
    }
    // The target's own rows are untouched; only what it lacked was added.
    let before_types = rows(seeded, TYPES);
    let after_types = rows(target, TYPES);
    for (id, row) in &before_types {
        assert_eq!(after_types.get(id), Some(row), "django_content_type {id}");
    }
    let added: Vec<&String> = after_types
        .iter()
        .filter(|(id, _)| !before_types.contains_key(*id))
        .map(|(_, row)| row)
        .collect();
    assert!(added.iter().all(|row| *row == "blog|tag"), "{added:?}");
    let before_permissions = rows(seeded, PERMISSIONS);
    let after_permissions = rows(target, PERMISSIONS);
    for (id, row) in &before_permissions {
        assert_eq!(after_permissions.get(id), Some(row), "auth_permission {id}");
    }
    // No duplicates of a natural key (the unique constraints hold anyway).
    assert_eq!(
        target.query_scalar_i64(
            "SELECT count(*) - count(DISTINCT (app_label, model)) FROM django_content_type"
        ),
        0
    );
    // The group the slice has no rows for is still there.
    assert_eq!(
        target.query_scalar_i64("SELECT count(*) FROM auth_group WHERE name = 'Seeded editors'"),
        1
    );
}

#[test]
fn a_load_into_a_migrated_database_matches_content_types_and_permissions_by_natural_key() {
    let source = django_db("django_natural");
    // Each user changed a permission once: entries whose generic object is
    // a row of a matched table.
    source.execute(
        "INSERT INTO django_admin_log (id, action_time, object_id, object_repr, action_flag, \
                                       change_message, content_type_id, user_id)
         SELECT 10000 + u, timestamptz '2024-06-01 00:00:00+00', (1 + u % 36)::text, 'perm', 2, '',
                (SELECT id FROM django_content_type WHERE app_label = 'auth' AND model = 'permission'), u
         FROM generate_series(1, 500) u;",
    );
    let scratch = Scratch::new("natural");
    let dir = scratch.path("slice");
    let url = source.url().to_string();
    let slice_dir = dir.clone();
    ok(
        timed("download", move || {
            let mut client = dataslicer::connect(&url)?;
            dataslicer::download(&mut client, &jobs(), &slice_dir, &seeded(4))
        }),
        "download",
    );
    let reference = seeded_target("django_natural_seeded", &source);

    // Into a target whose ids differ, emptying what the slice replaces.
    let target = seeded_target("django_natural_truncate", &source);
    let mut client = target.client();
    let (_, notes) = ok(
        dataslicer::load_with_notes(&dir, &mut client, IfExists::Truncate),
        "load with truncate",
    );
    assert_landed_on_the_right_models(&source, &target, &reference);
    let notes = notes.join("\n");
    assert!(
        notes.contains("left alone") && notes.contains("auth_group"),
        "{notes}"
    );
    assert!(
        notes.contains("django_content_type") && notes.contains("matched"),
        "{notes}"
    );

    // A fresh target refuses nothing for its migrations' rows.
    let fail = seeded_target("django_natural_fail", &source);
    ok(
        load(&dir, &fail, IfExists::Fail),
        "load into a migrated database",
    );
    assert_landed_on_the_right_models(&source, &fail, &reference);

    // Loading again merges onto the same rows.
    ok(
        load(&dir, &fail, IfExists::Merge),
        "merge the same slice again",
    );
    assert_landed_on_the_right_models(&source, &fail, &reference);

    // And straight from PostgreSQL into PostgreSQL.
    let direct = seeded_target("django_natural_direct", &source);
    let (from, to) = (source.url().to_string(), direct.url().to_string());
    ok(
        timed("slice into postgres", move || {
            let mut source_client = dataslicer::connect(&from)?;
            let mut target_client = dataslicer::connect(&to)?;
            let mut pg_source = PgSource::begin(&mut source_client)?;
            let mut sink = PgSink::begin(&mut target_client, IfExists::Truncate)?;
            dataslicer::slice(&mut pg_source, &mut sink, &jobs(), &seeded(4))
        }),
        "postgres -> postgres",
    );
    assert_landed_on_the_right_models(&source, &direct, &reference);
}
