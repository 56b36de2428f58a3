//! A slice of 50 users of the Django project through `download` and
//! `load`: which rows it holds, that it loads into an empty copy of the
//! schema with every constraint on, that no personal value leaves the
//! source, and that the application can insert at once afterwards.

use super::models::{self, TABLES};
use super::support::*;
use dataslicer::IfExists;
use dataslicer_dev::TestDb;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// What a slice of the project must hold, computed from the source alone
/// once the sampled users are known.
struct Expected {
    posts: BTreeSet<i64>,
    comments: BTreeSet<i64>,
    users: BTreeSet<i64>,
}

impl Expected {
    /// `closed`: whether a reply's parent comes along (`#[fk(Comment)]`)
    /// or is nulled (`#[fk(LooseComment, optional)]`).
    fn of(source: &TestDb, sampled: &BTreeSet<i64>, closed: bool) -> Expected {
        let users = int4s(sampled);
        // Downward: the comments on the sampled users' posts and the
        // comments they wrote (on any post).
        let downward = "SELECT c.id FROM blog_comment c \
                        WHERE c.post_id IN (SELECT p.id FROM blog_post p WHERE p.author_id = ANY($1)) \
                           OR c.user_id = ANY($1)";
        let comments = if closed {
            ints(
                source,
                &format!(
                    "WITH RECURSIVE c (id, parent_id) AS ( \
                       SELECT id, parent_id FROM blog_comment WHERE id IN ({downward}) \
                       UNION SELECT p.id, p.parent_id FROM blog_comment p JOIN c ON p.id = c.parent_id) \
                     SELECT id FROM c"
                ),
                &[&users],
            )
        } else {
            ints(source, downward, &[&users])
        };
        let posts = ints(
            source,
            "SELECT id FROM blog_post WHERE author_id = ANY($1) \
             UNION SELECT post_id FROM blog_comment WHERE id = ANY($2)",
            &[&users, &int8s(&comments)],
        );
        let users = ints(
            source,
            "SELECT unnest($1::int4[]) UNION SELECT author_id FROM blog_post WHERE id = ANY($2)",
            &[&users, &int8s(&posts)],
        );
        Expected {
            posts,
            comments,
            users,
        }
    }
}

/// Checks a loaded slice of `models::jobs(50)` or `models::loose_jobs(50)`
/// against the source; returns the sampled users.
fn assert_slice_of_fifty_users(source: &TestDb, target: &TestDb, closed: bool) -> BTreeSet<i64> {
    assert_eq!(
        orphans(target),
        Vec::<String>::new(),
        "orphaned foreign keys"
    );

    let sampled = sampled_users(target);
    assert_eq!(sampled.len(), 50, "sampled users: {sampled:?}");
    let expected = Expected::of(source, &sampled, closed);
    let everything = "SELECT id FROM blog_comment";
    assert!(
        expected.comments.len() < ints(source, everything, &[]).len() / 2,
        "a slice, not the whole blog: {} comments",
        expected.comments.len()
    );

    // Users: the sampled ones and the authors of the posts they commented.
    assert_eq!(
        ints(target, "SELECT id FROM auth_user", &[]),
        expected.users,
        "users"
    );
    // Every post of every sampled user, and the posts they commented on.
    assert_eq!(
        ints(target, "SELECT id FROM blog_post", &[]),
        expected.posts,
        "posts"
    );
    let users = int4s(&sampled);
    assert_eq!(
        ints(
            target,
            "SELECT id FROM blog_post WHERE author_id = ANY($1)",
            &[&users]
        ),
        ints(
            source,
            "SELECT id FROM blog_post WHERE author_id = ANY($1)",
            &[&users]
        ),
        "the posts of the sampled users"
    );
    assert_eq!(
        ints(target, "SELECT id FROM blog_comment", &[]),
        expected.comments,
        "comments"
    );
    // Whole children of the sampled users, nothing of the other users.
    for table in [
        "auth_user_groups",
        "auth_user_user_permissions",
        "django_admin_log",
    ] {
        let of_sampled = format!("SELECT id FROM {table} WHERE user_id = ANY($1)");
        assert_eq!(
            ints(target, &format!("SELECT id FROM {table}"), &[]),
            ints(source, &of_sampled, &[&users]),
            "{table}: the rows of the sampled users"
        );
    }
    // The tags of the sampled users' posts; a post pulled in only as the
    // parent of a comment comes without its children, its tags included.
    let tags_of_posts = "SELECT t.id FROM blog_post_tags t JOIN blog_post p ON p.id = t.post_id \
                         WHERE p.author_id = ANY($1)";
    assert_eq!(
        ints(target, "SELECT id FROM blog_post_tags", &[]),
        ints(source, tags_of_posts, &[&users]),
        "the tags of the sampled users' posts (as many-to-many rows)"
    );
    // Whole tables.
    for table in [
        "django_content_type",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
        "blog_tag",
    ] {
        let all = format!("SELECT * FROM {table}");
        assert_eq!(
            pairs(target, &format!("SELECT id, t::text FROM ({all}) AS t")),
            pairs(source, &format!("SELECT id, t::text FROM ({all}) AS t")),
            "{table} whole, as it is"
        );
    }

    // Reply chains: a reply's parent is there, or (optional) it is NULL.
    let source_parents = pairs(source, "SELECT id, parent_id FROM blog_comment");
    let target_parents = pairs(target, "SELECT id, parent_id FROM blog_comment");
    let mut nulled = 0;
    for (id, parent) in &target_parents {
        let original = &source_parents[id];
        if closed
            || original
                .as_ref()
                .is_none_or(|p| target_parents.contains_key(p))
        {
            assert_eq!(parent, original, "the parent of comment {id}");
        } else {
            assert_eq!(
                parent, &None,
                "comment {id}: its parent is not in the slice"
            );
            nulled += 1;
        }
    }
    if !closed {
        assert!(nulled > 0, "some replies lost a parent outside the slice");
    }
    let replies = target_parents.values().flatten().count();
    assert!(replies > 100, "reply chains in the slice: {replies}");

    // The commenter (optional): kept when in the slice, else NULL.
    let source_commenters = pairs(source, "SELECT id, user_id FROM blog_comment");
    let in_slice: BTreeSet<String> = expected.users.iter().map(i64::to_string).collect();
    for (id, user) in pairs(target, "SELECT id, user_id FROM blog_comment") {
        let original = &source_commenters[&id];
        let want = original.clone().filter(|u| in_slice.contains(u));
        assert_eq!(user, want, "the commenter of comment {id}");
    }

    // Unfaked columns as they are: last logins, the posts' bodies (quotes,
    // commas and line breaks), the admin's history.
    for (table, columns) in [
        (
            "auth_user",
            "id, last_login, is_superuser, is_staff, is_active, date_joined",
        ),
        (
            "blog_post",
            "id, slug, title, body, published_at, created_at, author_id, views",
        ),
        (
            "django_admin_log",
            "id, action_time, object_id, action_flag, change_message, content_type_id, user_id",
        ),
    ] {
        let query = format!("SELECT id, ROW({columns})::text FROM {table}");
        let loaded = pairs(target, &query);
        let original = pairs(source, &query);
        for (id, row) in &loaded {
            assert_eq!(row, &original[id], "{table} {id}");
        }
    }
    sampled
}

/// The personal values of the source are nowhere in the slice's files nor
/// in the loaded database, and the fakes look like what they replace.
fn assert_anonymized(source: &TestDb, dir: &std::path::Path, target: &TestDb) {
    for (file, text) in files(dir) {
        for marker in PERSONAL_MARKERS {
            assert!(
                !text.contains(marker),
                "{file} holds an original value ({marker})"
            );
        }
    }
    let originals: HashSet<String> = source
        .client()
        .query(
            "SELECT username::text FROM auth_user UNION SELECT email FROM auth_user \
             UNION SELECT first_name FROM auth_user UNION SELECT last_name FROM auth_user \
             UNION SELECT author_email FROM blog_comment",
            &[],
        )
        .expect("the originals")
        .iter()
        .map(|r| r.get::<_, String>(0))
        .filter(|v| !v.is_empty())
        .collect();
    let users = target
        .client()
        .query(
            "SELECT username::text, email::text, first_name::text, last_name::text, password::text \
             FROM auth_user",
            &[],
        )
        .expect("the loaded users");
    for user in &users {
        for i in 0..4 {
            let value: String = user.get(i);
            assert!(!originals.contains(&value), "an original value: {value}");
        }
        let (username, email, password): (String, String, String) =
            (user.get(0), user.get(1), user.get(4));
        assert!(
            !username.is_empty() && username.len() <= 150,
            "{username:?}"
        );
        // Users without an e-mail address keep the empty string.
        assert!(
            email.is_empty() || email.contains('@'),
            "a fake e-mail address: {email:?}"
        );
        assert_eq!(password, "!", "an unusable password");
    }
    for row in &target
        .client()
        .query(
            "SELECT object_repr::text, object_id FROM django_admin_log",
            &[],
        )
        .expect("the admin's history")
    {
        let (repr, object_id): (String, Option<String>) = (row.get(0), row.get(1));
        let want = match object_id {
            Some(id) => format!("Object ({id})"),
            None => "Object".into(),
        };
        assert_eq!(repr, want, "object_repr from the `with` fake");
    }
}

#[test]
fn fifty_users_load_into_an_empty_django_schema_complete_and_anonymized() {
    let source = django_db("django_complete");
    let scratch = Scratch::new("complete");
    let dir = scratch.path("slice");
    let manifest = download(&source, fifty_users, &dir, 42);

    let target = TestDb::create_from_schema_of("django_complete_target", &source);
    let loaded = ok(load(&dir, &target, IfExists::Fail), "load");
    assert_eq!(loaded.tables, manifest.tables, "load returns the manifest");
    assert_counts(&target, &manifest, &TABLES);
    let sampled = assert_slice_of_fifty_users(&source, &target, true);
    assert_anonymized(&source, &dir, &target);

    // The slice is a function of the seed; another seed samples others.
    let again = scratch.path("again");
    let other = scratch.path("other");
    download(&source, fifty_users, &again, 42);
    download(&source, || models::jobs(50), &other, 43);
    for (file, text) in files(&dir) {
        if file != "manifest.json" {
            let same = std::fs::read_to_string(again.join(&file)).expect("the same file");
            assert!(same == text, "{file} differs between two runs with seed 42");
        }
    }
    let other_target = TestDb::create_from_schema_of("django_complete_other", &source);
    ok(load(&other, &other_target, IfExists::Fail), "load seed 43");
    assert_ne!(
        sampled_users(&other_target),
        sampled,
        "seed 43 samples others"
    );

    assert_identity_inserts_succeed(&target);
}

#[test]
fn optional_parent_nulls_replies_whose_parent_is_outside_the_slice() {
    let source = django_db("django_loose");
    let scratch = Scratch::new("loose");
    let dir = scratch.path("slice");
    let manifest = download(&source, || models::loose_jobs(50), &dir, 42);
    let target = TestDb::create_from_schema_of("django_loose_target", &source);
    ok(load(&dir, &target, IfExists::Fail), "load");
    assert_counts(&target, &manifest, &TABLES);
    assert_slice_of_fifty_users(&source, &target, false);
    assert_anonymized(&source, &dir, &target);
    assert_identity_inserts_succeed(&target);
}

/// The comment rows of a slice by key: the same sample gives the same
/// comments with either model, except for the parents pulled in upward.
#[test]
fn closed_and_optional_parents_differ_only_by_the_parents_pulled_in() {
    let source = django_db("django_parents");
    let scratch = Scratch::new("parents");
    let (closed_dir, loose_dir) = (scratch.path("closed"), scratch.path("loose"));
    download(&source, fifty_users, &closed_dir, 5);
    download(&source, || models::loose_jobs(50), &loose_dir, 5);
    let comments = |dir: &std::path::Path| -> BTreeMap<String, String> {
        let mut reader = csv::Reader::from_path(dir.join("blog_comment.csv")).expect("comments");
        let header = reader.headers().expect("a header").clone();
        let column = |name: &str| header.iter().position(|h| h == name).expect(name);
        let (id, parent) = (column("id"), column("parent_id"));
        reader
            .records()
            .map(|r| {
                let r = r.expect("a record");
                (r[id].to_string(), r[parent].to_string())
            })
            .collect()
    };
    let (closed, loose) = (comments(&closed_dir), comments(&loose_dir));
    assert!(
        loose.keys().all(|id| closed.contains_key(id)),
        "every comment of the optional slice is in the closed one"
    );
    let pulled: Vec<&String> = closed
        .keys()
        .filter(|id| !loose.contains_key(*id))
        .collect();
    assert!(!pulled.is_empty(), "parents pulled in upward");
    for (id, parent) in &loose {
        if parent.is_empty() {
            continue;
        }
        assert_eq!(&closed[id], parent, "the parent of comment {id}");
    }
    for id in &pulled {
        assert!(
            closed.values().any(|p| p == *id),
            "comment {id} is in the closed slice only as somebody's parent"
        );
    }
}
