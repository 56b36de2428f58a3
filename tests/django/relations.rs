//! The relations Django makes besides a plain foreign key: a OneToOneField
//! (a unique foreign key), multi-table inheritance (a primary key that is
//! also the foreign key to the parent model's row) and a symmetrical
//! many-to-many relation of a model with itself (two foreign keys to one
//! table, both directions stored).

use super::models::{FeaturedPost, Post, Profile, RelatedPost, User, UserGroup};
use super::support::*;
use dataslicer::{IfExists, ImportJob};
use dataslicer_dev::TestDb;
use std::collections::{BTreeMap, BTreeSet};

fn jobs() -> Vec<ImportJob> {
    vec![
        ImportJob::<User>::new().sample(50),
        ImportJob::<UserGroup>::new(),
        ImportJob::<Profile>::new(),
        ImportJob::<Post>::new(),
        ImportJob::<FeaturedPost>::new(),
        ImportJob::<RelatedPost>::new(),
    ]
}

const TABLES: [&str; 7] = [
    "auth_user",
    "auth_group",
    "auth_user_groups",
    "blog_profile",
    "blog_post",
    "blog_featuredpost",
    "blog_post_related",
];

#[test]
fn one_to_one_inheritance_and_self_many_to_many_follow_the_sampled_users() {
    let source = django_db("django_relations");
    let scratch = Scratch::new("relations");
    let dir = scratch.path("slice");
    let manifest = download(&source, jobs, &dir, 11);
    let target = TestDb::create_from_schema_of("django_relations_target", &source);
    ok(load(&dir, &target, IfExists::Fail), "load");
    assert_counts(&target, &manifest, &TABLES);
    assert_eq!(
        orphans(&target),
        Vec::<String>::new(),
        "orphaned foreign keys"
    );

    let sampled = sampled_users(&target);
    assert_eq!(sampled.len(), 50);
    let users = int4s(&sampled);
    let own_posts = ints(
        &source,
        "SELECT id FROM blog_post WHERE author_id = ANY($1)",
        &[&users],
    );
    let related = ints(
        &source,
        "SELECT id FROM blog_post_related WHERE from_post_id = ANY($1) OR to_post_id = ANY($1)",
        &[&int8s(&own_posts)],
    );
    assert!(!related.is_empty());
    let posts = ints(
        &source,
        "SELECT unnest($1::int8[]) UNION SELECT from_post_id FROM blog_post_related WHERE id = ANY($2) \
         UNION SELECT to_post_id FROM blog_post_related WHERE id = ANY($2)",
        &[&int8s(&own_posts), &int8s(&related)],
    );
    assert!(posts.len() > own_posts.len(), "related posts pulled in");
    let all_users = ints(
        &source,
        "SELECT unnest($1::int4[]) UNION SELECT author_id FROM blog_post WHERE id = ANY($2)",
        &[&users, &int8s(&posts)],
    );

    let all = |table: &str, key: &str| ints(&target, &format!("SELECT {key} FROM {table}"), &[]);
    assert_eq!(all("blog_post_related", "id"), related, "both directions");
    assert_eq!(all("blog_post", "id"), posts, "own and related posts");
    assert_eq!(
        all("auth_user", "id"),
        all_users,
        "sampled users and authors"
    );
    // One-to-one children come with the sampled rows only; subclass rows
    // (multi-table inheritance) with every post in the slice, related posts
    // pulled in as parents included: they are part of the object.
    assert_eq!(
        all("blog_profile", "user_id"),
        ints(
            &source,
            "SELECT user_id FROM blog_profile WHERE user_id = ANY($1)",
            &[&users]
        ),
        "the profiles of the sampled users"
    );
    assert_eq!(
        all("blog_featuredpost", "post_ptr_id"),
        ints(
            &source,
            "SELECT post_ptr_id FROM blog_featuredpost WHERE post_ptr_id = ANY($1)",
            &[&int8s(&posts)]
        ),
        "the featured posts among the posts of the slice"
    );

    // Unfaked columns as they are (uuid, jsonb, numeric); faked ones not.
    let kept = "SELECT id, ROW(external_id, settings, balance, user_id)::text FROM blog_profile";
    let originals = pairs(&source, kept);
    let loaded = pairs(&target, kept);
    assert!(!loaded.is_empty(), "profiles in the slice");
    for (id, row) in &loaded {
        assert_eq!(row, &originals[id], "profile {id}");
    }
    let faked = "SELECT id, ROW(phone, website, birth_date, last_ip)::text FROM blog_profile";
    let (originals, loaded) = (pairs(&source, faked), pairs(&target, faked));
    for (id, row) in &loaded {
        assert_ne!(row, &originals[id], "profile {id} is faked");
    }
    let nulls = "SELECT id, ROW(birth_date IS NULL, last_ip IS NULL)::text FROM blog_profile";
    let (originals, loaded): (BTreeMap<_, _>, BTreeMap<_, _>) =
        (pairs(&source, nulls), pairs(&target, nulls));
    for (id, row) in &loaded {
        assert_eq!(row, &originals[id], "profile {id}: NULL stays NULL");
    }
    for (file, text) in files(&dir) {
        for marker in PERSONAL_MARKERS {
            assert!(!text.contains(marker), "{file} holds {marker}");
        }
    }

    // The application can add a profile and a relation at once.
    target.execute(
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, \
                                is_staff, is_active, date_joined) \
         VALUES ('!', false, 'profiled', '', '', '', false, true, now()); \
         INSERT INTO blog_profile (external_id, phone, website, settings, balance, user_id) \
         SELECT gen_random_uuid(), '', '', '{}', 0, max(id) FROM auth_user; \
         INSERT INTO blog_post_related (from_post_id, to_post_id) \
         SELECT min(id), max(id) FROM blog_post",
    );
}

#[test]
fn sampled_child_of_multi_table_inheritance_brings_its_parent_row_and_author() {
    let source = django_db("django_inheritance");
    let scratch = Scratch::new("inheritance");
    let dir = scratch.path("slice");
    let manifest = download(
        &source,
        || vec![ImportJob::<FeaturedPost>::new().sample(10)],
        &dir,
        3,
    );
    let tables: Vec<&str> = manifest.tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(
        tables,
        ["auth_user", "blog_post", "blog_featuredpost"],
        "parents first"
    );
    let target = TestDb::create_from_schema_of("django_inheritance_target", &source);
    ok(load(&dir, &target, IfExists::Fail), "load");
    assert_eq!(orphans(&target), Vec::<String>::new());
    let featured = ints(&target, "SELECT post_ptr_id FROM blog_featuredpost", &[]);
    assert_eq!(featured.len(), 10);
    assert!(featured.iter().all(|id| id % 10 == 0), "{featured:?}");
    assert_eq!(
        ints(&target, "SELECT id FROM blog_post", &[]),
        featured,
        "exactly the parent rows"
    );
    let authors: BTreeSet<i64> = ints(
        &source,
        "SELECT author_id FROM blog_post WHERE id = ANY($1)",
        &[&int8s(&featured)],
    );
    assert_eq!(ints(&target, "SELECT id FROM auth_user", &[]), authors);
}
