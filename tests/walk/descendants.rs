//! `ImportJob::<User>::new().sample(n).descendants()`: the slice equals the
//! reference computed with SQL, table by table; it loads into an empty copy
//! with every constraint on; its generic references, tree ancestors and
//! subclass rows all resolve there; what cannot be satisfied is counted.

use super::models::{self, TABLES};
use super::support::*;
use dataslicer::Manifest;
use dataslicer_dev::TestDb;
use std::collections::{BTreeMap, BTreeSet};

const USERS: u64 = 40;
const SEED: u64 = 7;

/// The source, the sampled users, the reference, the slice's manifest and
/// the slice loaded into an empty copy.
struct Sliced {
    source: TestDb,
    seeds: BTreeSet<i64>,
    reference: Reference,
    manifest: Manifest,
    loaded: TestDb,
    _scratch: Scratch,
}

fn sliced(name: &str) -> Sliced {
    let source = walk_db(&format!("{name}_src"));
    let seeds = sampled_users(&source, USERS, SEED);
    let reference = Reference::of_users(&source, &seeds, &|_| true);
    let scratch = Scratch::new(name);
    let dir = scratch.path("slice");
    let manifest = slice(&source, models::descendants(USERS), &dir, seeded(SEED));
    let loaded = load_into_copy(&source, &dir, &format!("{name}_dst"));
    Sliced {
        source,
        seeds,
        reference,
        manifest,
        loaded,
        _scratch: scratch,
    }
}

#[test]
fn descendants_slice_equals_the_recursive_reference_table_by_table() {
    let s = sliced("walk_reference");
    let r = &s.reference;
    // The reference is not trivial: every table has rows, the walk reaches
    // five tables below the user, and the closure adds rows the walk did not.
    for table in TABLES {
        assert!(!r.rows[table].is_empty(), "the reference holds no {table}");
    }
    assert!(!r.down["orders_trackingevent"].is_empty());
    assert!(r.rows["auth_user"].len() > s.seeds.len());
    assert!(r.down["catalog_category"].is_empty() && !r.rows["catalog_category"].is_empty());
    let got = keys(&s.loaded);
    for table in TABLES {
        assert_eq!(
            got[table], r.rows[table],
            "rows of {table}: the slice against the reference"
        );
    }
    assert_eq!(
        s.loaded
            .query_scalar_i64("SELECT count(*) FROM crm_invitation"),
        0,
        "invitations (no_descend) were walked into"
    );
    let listed: BTreeMap<&str, u64> = s
        .manifest
        .tables
        .iter()
        .map(|t| (t.table.as_str(), t.rows))
        .collect();
    for table in TABLES {
        assert_eq!(
            listed.get(table).copied(),
            Some(r.rows[table].len() as u64),
            "the manifest's rows of {table}"
        );
    }
}

#[test]
fn every_root_takes_every_table_below_it_without_a_job_per_table() {
    let s = sliced("walk_below_roots");
    let got = keys(&s.loaded);
    // Each sampled user's own rows, in each table below the user.
    for (table, column) in [
        ("auth_user_groups", "user_id"),
        ("blog_post", "author_id"),
        ("blog_profile", "user_id"),
        ("media_photo", "owner_id"),
        ("cms_page", "owner_id"),
        ("crm_member", "user_id"),
        ("orders_order", "user_id"),
        ("django_admin_log", "user_id"),
        ("catalog_product", "seller_id"),
    ] {
        let theirs = ids(
            &s.source,
            &format!("SELECT id FROM {table} WHERE {column} = ANY($1::int8[])"),
            &[&s.seeds],
        );
        assert!(!theirs.is_empty(), "the sampled users have no {table}");
        assert!(
            theirs.is_subset(&got[table]),
            "{table}: rows of sampled users missing from the slice: {:?}",
            theirs.difference(&got[table]).collect::<Vec<_>>()
        );
    }
    // Five tables down: every tracking event of every parcel of every
    // shipment of every order of a sampled user.
    let events = ids(
        &s.source,
        "SELECT e.id FROM orders_trackingevent e JOIN orders_parcelitem i ON i.id = e.item_id \
         JOIN orders_parcel p ON p.id = i.parcel_id JOIN orders_shipment s ON s.id = p.shipment_id \
         JOIN orders_order o ON o.id = s.order_id WHERE o.user_id = ANY($1::int8[])",
        &[&s.seeds],
    );
    assert!(!events.is_empty());
    assert!(events.is_subset(&got["orders_trackingevent"]));
    // Variants of variants of a sampled seller's products (an ownership
    // self-reference followed down).
    let variants = ids(
        &s.source,
        "SELECT v2.id FROM catalog_product v2 JOIN catalog_product v1 ON v1.id = v2.parent_id \
         JOIN catalog_product p ON p.id = v1.parent_id WHERE p.seller_id = ANY($1::int8[])",
        &[&s.seeds],
    );
    assert!(!variants.is_empty());
    assert!(variants.is_subset(&got["catalog_product"]));
    // Comments on the sampled users' photos, through the generic relation.
    let on_photos = ids(
        &s.source,
        "SELECT c.id FROM social_comment c JOIN media_photo p ON p.id = c.object_id \
         WHERE c.content_type_id = 10 AND p.owner_id = ANY($1::int8[])",
        &[&s.seeds],
    );
    assert!(!on_photos.is_empty());
    assert!(on_photos.is_subset(&got["social_comment"]));
}

#[test]
fn a_no_descend_referral_brings_the_referrer_but_not_the_members_referred() {
    let s = sliced("walk_referral");
    let got = keys(&s.loaded);
    // Members the sampled users' members brought in, who are no one's
    // parent: not in the slice.
    let referred = ids(
        &s.source,
        "SELECT m.id FROM crm_member m JOIN crm_member r ON r.id = m.referred_by_id \
         WHERE r.user_id = ANY($1::int8[]) AND NOT m.user_id = ANY($1::int8[])",
        &[&s.seeds],
    );
    let needed = &s.reference.rows["crm_member"];
    let left_out: BTreeSet<i64> = referred.difference(needed).copied().collect();
    assert!(!left_out.is_empty(), "no referred member to leave out");
    assert!(
        left_out.is_disjoint(&got["crm_member"]),
        "members referred by sampled members were walked into: {:?}",
        left_out
            .intersection(&got["crm_member"])
            .collect::<Vec<_>>()
    );
    // The referrers, up the whole chain, and their users, are.
    let chain = ids(
        &s.source,
        "WITH RECURSIVE up (id, referred_by_id) AS ( \
           SELECT id, referred_by_id FROM crm_member WHERE user_id = ANY($1::int8[]) \
           UNION SELECT m.id, m.referred_by_id FROM crm_member m JOIN up ON m.id = up.referred_by_id) \
         SELECT id FROM up",
        &[&s.seeds],
    );
    assert!(chain.len() > s.seeds.len());
    assert!(chain.is_subset(&got["crm_member"]));
    let users = ids(
        &s.source,
        "SELECT user_id FROM crm_member WHERE id = ANY($1::int8[])",
        &[&chain],
    );
    assert!(users.is_subset(&got["auth_user"]));
    // A referrer's user comes as a parent and brings none of its own rows:
    // its orders are in the slice only where something needs them.
    let referrer_users: BTreeSet<i64> = users.difference(&s.seeds).copied().collect();
    assert!(!referrer_users.is_empty());
    let their_orders = ids(
        &s.source,
        "SELECT id FROM orders_order WHERE user_id = ANY($1::int8[])",
        &[&referrer_users],
    );
    let needed_orders = &s.reference.rows["orders_order"];
    assert!(
        their_orders
            .difference(needed_orders)
            .all(|o| !got["orders_order"].contains(o)),
        "a user pulled in as a parent brought its orders"
    );
}

#[test]
fn generic_references_and_tree_ancestors_all_resolve_in_the_loaded_copy() {
    let s = sliced("walk_resolve");
    let db = &s.loaded;
    // Every generic reference whose content type has a model points at a
    // row of the loaded copy.
    for (table, targets) in [
        (
            "django_admin_log",
            &[
                ("auth", "user", "auth_user", "id"),
                ("auth", "group", "auth_group", "id"),
                ("blog", "post", "blog_post", "id"),
                ("gallery", "photo", "media_photo", "id"),
                ("cms", "page", "cms_page", "id"),
                ("cms", "articlepage", "cms_articlepage", "page_ptr_id"),
                ("cms", "eventpage", "cms_eventpage", "page_ptr_id"),
                ("catalog", "product", "catalog_product", "id"),
                ("catalog", "category", "catalog_category", "id"),
            ][..],
        ),
        (
            "social_comment",
            &[
                ("blog", "post", "blog_post", "id"),
                ("gallery", "photo", "media_photo", "id"),
            ][..],
        ),
    ] {
        let mut resolved = 0;
        for &(app, model, target, key) in targets {
            let sql = |exists: &str| {
                format!(
                    "SELECT count(*) FROM {table} t JOIN django_content_type ct ON ct.id = t.content_type_id \
                     WHERE ct.app_label = '{app}' AND ct.model = '{model}' \
                     AND {exists} (SELECT 1 FROM {target} x WHERE x.{key}::text = t.object_id::text)"
                )
            };
            let dangling = db.query_scalar_i64(&sql("NOT EXISTS"));
            assert_eq!(
                dangling, 0,
                "{table} rows about {app}.{model} that point nowhere"
            );
            let found = db.query_scalar_i64(&sql("EXISTS"));
            assert!(
                found > 0,
                "the slice holds no {table} row about {app}.{model}"
            );
            resolved += found;
        }
        // No content type with a model is left unchecked.
        let modelled = db.query_scalar_i64(&format!(
            "SELECT count(*) FROM {table} t JOIN django_content_type ct ON ct.id = t.content_type_id \
             WHERE ct.app_label <> 'legacy'"
        ));
        assert_eq!(
            resolved, modelled,
            "{table}: references of other content types"
        );
    }
    // Every category's ancestors (path prefixes, steplen 4) are there.
    let orphans = db.query_scalar_i64(
        "SELECT count(*) FROM catalog_category c, generate_series(4, length(c.path) - 4, 4) AS n \
         WHERE NOT EXISTS (SELECT 1 FROM catalog_category a WHERE a.path = left(c.path, n))",
    );
    assert_eq!(orphans, 0, "categories whose ancestors are missing");
    assert!(db.query_scalar_i64("SELECT count(*) FROM catalog_category WHERE depth = 1") > 0);
    assert!(db.query_scalar_i64("SELECT count(*) FROM catalog_category WHERE depth = 3") > 0);
    // The content types the slice's rows use came along, and only those.
    let used = ids(
        db,
        "SELECT content_type_id FROM django_admin_log WHERE content_type_id IS NOT NULL \
         UNION SELECT content_type_id FROM social_comment \
         UNION SELECT content_type_id FROM auth_permission",
        &[],
    );
    assert_eq!(ids(db, "SELECT id FROM django_content_type", &[]), used);
}

#[test]
fn subclass_rows_come_with_every_base_row_whether_walked_or_pulled_in() {
    let s = sliced("walk_subclass");
    let got = keys(&s.loaded);
    for (base, sub) in [
        ("cms_page", "cms_articlepage"),
        ("cms_page", "cms_eventpage"),
        ("blog_post", "blog_featuredpost"),
    ] {
        let expected = ids(
            &s.source,
            &format!(
                "SELECT {k} FROM {sub} WHERE {k} = ANY($1::int8[])",
                k = pk(sub)
            ),
            &[&got[base]],
        );
        assert_eq!(got[sub], expected, "{sub} rows of the slice's {base} rows");
        // Some of them belong to base rows that were only pulled in (as
        // generic targets or parents), not walked.
        let pulled: BTreeSet<i64> = got[base]
            .difference(&s.reference.down[base])
            .copied()
            .collect();
        assert!(
            !pulled.is_disjoint(&expected),
            "no {sub} row of a {base} row pulled in upward: the case is not exercised"
        );
    }
    // A page type an admin log entry names pulls its page and the page's
    // owner.
    let owners = ids(
        &s.source,
        "SELECT owner_id FROM cms_page WHERE id = ANY($1::int8[])",
        &[&got["cms_page"]],
    );
    assert!(owners.is_subset(&got["auth_user"]));
}

#[test]
fn generic_references_to_content_types_without_a_model_are_counted() {
    let s = sliced("walk_unresolved");
    let expected = expected_unresolved(&s.reference);
    assert!(
        expected.contains_key(&(
            "django_admin_log".to_string(),
            "legacy.archiveditem".to_string()
        )),
        "the slice's admin log names no object of the removed app: {expected:?}"
    );
    assert_eq!(unresolved_counts(&s.manifest), expected);
    for u in &s.manifest.unresolved_generic {
        assert_eq!(u.column, "object_id");
        assert!(
            u.why.contains(&u.content_type),
            "the reason names the content type: {u:?}"
        );
    }
}

#[test]
fn optional_keys_written_null_are_counted_per_column() {
    let s = sliced("walk_nulled");
    let expected: BTreeMap<(String, String), u64> = s
        .reference
        .nulled
        .iter()
        .map(|(&(t, c), &n)| ((t.to_string(), c.to_string()), n))
        .collect();
    assert!(
        expected.len() == 2,
        "both optional keys have NULLs to write: {expected:?}"
    );
    assert_eq!(nulled_counts(&s.manifest), expected);
    for (table, column) in OPTIONAL {
        let nulls = s.loaded.query_scalar_i64(&format!(
            "SELECT count(*) FROM {table} WHERE {column} IS NULL"
        ));
        let source_nulls = ids(
            &s.source,
            &format!(
                "SELECT count(*) FROM {table} WHERE id = ANY($1::int8[]) AND {column} IS NULL"
            ),
            &[&s.reference.rows[table]],
        );
        assert_eq!(
            nulls as u64,
            source_nulls.into_iter().next().unwrap_or(0) as u64
                + s.reference.nulled[&(table, column)],
            "NULLs of {table}.{column} in the loaded copy"
        );
    }
}
