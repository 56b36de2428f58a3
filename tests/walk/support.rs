//! What the walk's tests share: the grown project's database, runs of the
//! library and of the command line, and the reference a descendants slice
//! must equal, computed from the source with SQL alone.

use super::models::{self, TABLES};
pub use crate::django::support::{Scratch, arg, ok, timed};
use dataslicer::cli::App;
use dataslicer::keys::Key;
use dataslicer::{Error, IfExists, ImportJob, Importer, Manifest, Options, PgSource};
use dataslicer_dev::TestDb;
use postgres::types::ToSql;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The new apps' tables and rows (after tests/django's).
pub const SCHEMA: &str = include_str!("schema.sql");
/// Their rows.
pub const DATA: &str = include_str!("data.sql");

/// The project's database: tests/django's migrations and rows, then the new
/// apps', each script a transaction of its own.
pub fn walk_db(prefix: &str) -> TestDb {
    use crate::django::support as django;
    let db = TestDb::create(prefix);
    for script in [
        django::SCHEMA,
        django::DATA,
        django::LATER_SCHEMA,
        django::LATER_DATA,
        SCHEMA,
        DATA,
    ] {
        db.execute(script);
    }
    db.execute("ANALYZE");
    db
}

/// Options with this seed.
pub fn seeded(seed: u64) -> Options {
    Options {
        seed,
        ..Default::default()
    }
}

/// `dataslicer::download` of `jobs` from `source` into `dest`.
pub fn slice(source: &TestDb, jobs: Vec<ImportJob>, dest: &Path, options: Options) -> Manifest {
    ok(try_slice(source.url(), jobs, dest, options), "download")
}

/// `dataslicer::download`, its error kept.
pub fn try_slice(
    url: &str,
    jobs: Vec<ImportJob>,
    dest: &Path,
    options: Options,
) -> Result<Manifest, Error> {
    let url = url.to_string();
    let dest = dest.to_path_buf();
    timed("download", move || {
        let mut client = dataslicer::connect(&url)?;
        dataslicer::download(&mut client, &jobs, &dest, &options)
    })
}

/// A slice directory loaded into an empty copy of `source`'s schema, with
/// every constraint on.
pub fn load_into_copy(source: &TestDb, dir: &Path, prefix: &str) -> TestDb {
    let target = TestDb::create_from_schema_of(prefix, source);
    let url = target.url().to_string();
    let dir = dir.to_path_buf();
    let result = timed("load", move || {
        let mut client = dataslicer::connect(&url)?;
        dataslicer::load(&dir, &mut client, IfExists::Fail)
    });
    ok(result, "loading the slice into an empty copy");
    target
}

/// Runs the exporter's command line, `walk <args...>`, with `jobs`.
pub fn cli(jobs: Vec<ImportJob>, args: &[&str]) -> Result<String, Error> {
    let mut argv = vec!["walk".to_string()];
    argv.extend(args.iter().map(|a| a.to_string()));
    timed("the command line", move || {
        App::new("walk", jobs).run_with(argv)
    })
}

/// The users `ImportJob::<User>::new().sample(n)` takes with `seed`: the
/// library's own sampling, run on the source.
pub fn sampled_users(db: &TestDb, n: u64, seed: u64) -> BTreeSet<i64> {
    let mut client = db.client();
    let mut source = ok(PgSource::begin(&mut client), "opening the source");
    let keys = ok(
        dataslicer::sample::sample_root(
            &mut source,
            models::User::MODEL,
            None,
            n,
            seed,
            Options::default().batch_size,
        ),
        "sampling users",
    );
    let users: BTreeSet<i64> = keys
        .iter()
        .map(|k| match k {
            Key::Int(id) => id,
            other => panic!("a user key that is not an integer: {other:?}"),
        })
        .collect();
    assert_eq!(users.len() as u64, n, "sampled users");
    users
}

/// The first column of every row of `sql` (an integer of any width), with
/// `$1`, `$2`, ... bound to `sets` as `int8[]`.
pub fn ids(db: &TestDb, sql: &str, sets: &[&BTreeSet<i64>]) -> BTreeSet<i64> {
    let arrays: Vec<Vec<i64>> = sets.iter().map(|s| s.iter().copied().collect()).collect();
    let params: Vec<&(dyn ToSql + Sync)> =
        arrays.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
    db.client()
        .query(&format!("SELECT x::int8 FROM ({sql}) AS q(x)"), &params)
        .unwrap_or_else(|e| panic!("{sql}: {}", dataslicer::error::pg(&e)))
        .iter()
        .map(|r| r.get::<_, i64>(0))
        .collect()
}

/// A table's primary key column.
pub fn pk(table: &str) -> &'static str {
    match table {
        "blog_featuredpost" => "post_ptr_id",
        "cms_articlepage" | "cms_eventpage" => "page_ptr_id",
        _ => "id",
    }
}

/// Every primary key of every modelled table of `db`.
pub fn keys(db: &TestDb) -> BTreeMap<&'static str, BTreeSet<i64>> {
    TABLES
        .iter()
        .map(|&t| (t, ids(db, &format!("SELECT {} FROM {t}", pk(t)), &[])))
        .collect()
}

/// The downward edges of the reference: (child, SQL giving the child's rows
/// below the parent rows `$1`, parent).
const DOWN: [(&str, &str, &str); 25] = [
    (
        "auth_user_groups",
        "SELECT id FROM auth_user_groups WHERE user_id = ANY($1::int8[])",
        "auth_user",
    ),
    (
        "auth_user_user_permissions",
        "SELECT id FROM auth_user_user_permissions WHERE user_id = ANY($1::int8[])",
        "auth_user",
    ),
    (
        "django_admin_log",
        "SELECT id FROM django_admin_log WHERE user_id = ANY($1::int8[])",
        "auth_user",
    ),
    (
        "blog_post",
        "SELECT id FROM blog_post WHERE author_id = ANY($1::int8[])",
        "auth_user",
    ),
    (
        "blog_post_tags",
        "SELECT id FROM blog_post_tags WHERE post_id = ANY($1::int8[])",
        "blog_post",
    ),
    (
        "blog_comment",
        "SELECT id FROM blog_comment WHERE post_id = ANY($1::int8[])",
        "blog_post",
    ),
    (
        "blog_comment",
        "SELECT id FROM blog_comment WHERE user_id = ANY($1::int8[])",
        "auth_user",
    ),
    (
        "blog_profile",
        "SELECT id FROM blog_profile WHERE user_id = ANY($1::int8[])",
        "auth_user",
    ),
    (
        "blog_featuredpost",
        "SELECT post_ptr_id FROM blog_featuredpost WHERE post_ptr_id = ANY($1::int8[])",
        "blog_post",
    ),
    (
        "blog_post_related",
        "SELECT id FROM blog_post_related WHERE from_post_id = ANY($1::int8[]) OR to_post_id = ANY($1::int8[])",
        "blog_post",
    ),
    (
        "media_photo",
        "SELECT id FROM media_photo WHERE owner_id = ANY($1::int8[])",
        "auth_user",
    ),
    (
        "social_comment",
        "SELECT c.id FROM social_comment c JOIN django_content_type ct ON ct.id = c.content_type_id \
         WHERE (ct.app_label, ct.model) = ('blog', 'post') AND c.object_id = ANY($1::int8[])",
        "blog_post",
    ),
    (
        "social_comment",
        "SELECT c.id FROM social_comment c JOIN django_content_type ct ON ct.id = c.content_type_id \
         WHERE (ct.app_label, ct.model) = ('gallery', 'photo') AND c.object_id = ANY($1::int8[])",
        "media_photo",
    ),
    (
        "social_comment",
        "SELECT id FROM social_comment WHERE user_id = ANY($1::int8[])",
        "auth_user",
    ),
    (
        "cms_page",
        "SELECT id FROM cms_page WHERE owner_id = ANY($1::int8[])",
        "auth_user",
    ),
    (
        "cms_articlepage",
        "SELECT page_ptr_id FROM cms_articlepage WHERE page_ptr_id = ANY($1::int8[])",
        "cms_page",
    ),
    (
        "cms_eventpage",
        "SELECT page_ptr_id FROM cms_eventpage WHERE page_ptr_id = ANY($1::int8[])",
        "cms_page",
    ),
    (
        "catalog_product",
        "SELECT id FROM catalog_product WHERE seller_id = ANY($1::int8[])",
        "auth_user",
    ),
    (
        "crm_member",
        "SELECT id FROM crm_member WHERE user_id = ANY($1::int8[])",
        "auth_user",
    ),
    (
        "orders_order",
        "SELECT id FROM orders_order WHERE user_id = ANY($1::int8[])",
        "auth_user",
    ),
    (
        "orders_orderline",
        "SELECT id FROM orders_orderline WHERE order_id = ANY($1::int8[]) OR product_id = ANY($2::int8[])",
        "orders_order+catalog_product",
    ),
    (
        "orders_shipment",
        "SELECT id FROM orders_shipment WHERE order_id = ANY($1::int8[])",
        "orders_order",
    ),
    (
        "orders_parcel",
        "SELECT id FROM orders_parcel WHERE shipment_id = ANY($1::int8[])",
        "orders_shipment",
    ),
    (
        "orders_parcelitem",
        "SELECT id FROM orders_parcelitem WHERE parcel_id = ANY($1::int8[]) OR line_id = ANY($2::int8[])",
        "orders_parcel+orders_orderline",
    ),
    (
        "orders_trackingevent",
        "SELECT id FROM orders_trackingevent WHERE item_id = ANY($1::int8[])",
        "orders_parcelitem",
    ),
];

/// Self-references followed downward: (table, the rows below `$1` and
/// themselves, recursively).
const SELF_DOWN: [(&str, &str); 2] = [
    (
        "blog_comment",
        "WITH RECURSIVE c (id) AS (SELECT unnest($1::int8[]) \
           UNION SELECT r.id FROM blog_comment r JOIN c ON r.parent_id = c.id) SELECT id FROM c",
    ),
    (
        "catalog_product",
        "WITH RECURSIVE p (id) AS (SELECT unnest($1::int8[]) \
           UNION SELECT v.id FROM catalog_product v JOIN p ON v.parent_id = p.id) SELECT id FROM p",
    ),
];

/// Non-optional foreign keys: (child, column, parent), every parent's key
/// being its primary key.
const PARENTS: [(&str, &str, &str); 33] = [
    ("auth_permission", "content_type_id", "django_content_type"),
    ("auth_user_groups", "user_id", "auth_user"),
    ("auth_user_groups", "group_id", "auth_group"),
    ("auth_user_user_permissions", "user_id", "auth_user"),
    (
        "auth_user_user_permissions",
        "permission_id",
        "auth_permission",
    ),
    ("django_admin_log", "content_type_id", "django_content_type"),
    ("django_admin_log", "user_id", "auth_user"),
    ("blog_post", "author_id", "auth_user"),
    ("blog_post_tags", "post_id", "blog_post"),
    ("blog_post_tags", "tag_id", "blog_tag"),
    ("blog_comment", "parent_id", "blog_comment"),
    ("blog_comment", "post_id", "blog_post"),
    ("blog_profile", "user_id", "auth_user"),
    ("blog_featuredpost", "post_ptr_id", "blog_post"),
    ("blog_post_related", "from_post_id", "blog_post"),
    ("blog_post_related", "to_post_id", "blog_post"),
    ("media_photo", "owner_id", "auth_user"),
    ("social_comment", "content_type_id", "django_content_type"),
    ("cms_page", "owner_id", "auth_user"),
    ("cms_articlepage", "page_ptr_id", "cms_page"),
    ("cms_eventpage", "page_ptr_id", "cms_page"),
    ("catalog_product", "category_id", "catalog_category"),
    ("catalog_product", "parent_id", "catalog_product"),
    ("catalog_product", "seller_id", "auth_user"),
    ("crm_member", "referred_by_id", "crm_member"),
    ("crm_member", "user_id", "auth_user"),
    ("orders_order", "user_id", "auth_user"),
    ("orders_orderline", "order_id", "orders_order"),
    ("orders_orderline", "product_id", "catalog_product"),
    ("orders_shipment", "order_id", "orders_order"),
    ("orders_parcel", "shipment_id", "orders_shipment"),
    ("orders_parcelitem", "line_id", "orders_orderline"),
    ("orders_parcelitem", "parcel_id", "orders_parcel"),
];

/// The remaining foreign key of the slice: written NULL where the parent is
/// left out.
pub const OPTIONAL: [(&str, &str); 2] =
    [("blog_comment", "user_id"), ("social_comment", "user_id")];

/// Generic relations: (table, content type column, object id column).
const GENERIC: [(&str, &str, &str); 2] = [
    ("django_admin_log", "content_type_id", "object_id"),
    ("social_comment", "content_type_id", "object_id"),
];

/// The modelled tables by content type; every other content type has no
/// model.
const CONTENT_TYPES: [(&str, &str); 26] = [
    ("contenttypes.contenttype", "django_content_type"),
    ("auth.permission", "auth_permission"),
    ("auth.group", "auth_group"),
    ("auth.user", "auth_user"),
    ("admin.logentry", "django_admin_log"),
    ("blog.tag", "blog_tag"),
    ("blog.post", "blog_post"),
    ("blog.comment", "blog_comment"),
    ("blog.profile", "blog_profile"),
    ("blog.featuredpost", "blog_featuredpost"),
    ("gallery.photo", "media_photo"),
    ("social.comment", "social_comment"),
    ("cms.page", "cms_page"),
    ("cms.articlepage", "cms_articlepage"),
    ("cms.eventpage", "cms_eventpage"),
    ("catalog.category", "catalog_category"),
    ("catalog.product", "catalog_product"),
    ("crm.member", "crm_member"),
    ("orders.order", "orders_order"),
    ("orders.orderline", "orders_orderline"),
    ("orders.shipment", "orders_shipment"),
    ("orders.parcel", "orders_parcel"),
    ("orders.parcelitem", "orders_parcelitem"),
    ("orders.trackingevent", "orders_trackingevent"),
    ("auth.user_groups", "auth_user_groups"),
    ("auth.user_user_permissions", "auth_user_user_permissions"),
];

/// Multi-table inheritance: (base, subclass table).
const SUBCLASSES: [(&str, &str); 3] = [
    ("blog_post", "blog_featuredpost"),
    ("cms_page", "cms_articlepage"),
    ("cms_page", "cms_eventpage"),
];

/// What a slice must hold, computed from the source with SQL: the rows
/// below the roots (recursive over foreign keys, ownership generic
/// relations and self-references), then the upward closure over parents,
/// generic targets, tree ancestors and subclass rows, to a fixpoint.
#[derive(Debug)]
pub struct Reference {
    /// Per table, the rows below the roots (the roots included).
    pub down: BTreeMap<&'static str, BTreeSet<i64>>,
    /// Per table, every row of the slice.
    pub rows: BTreeMap<&'static str, BTreeSet<i64>>,
    /// Per content type with no model (`app_label.model`), the distinct
    /// object ids the slice's generic relations point at.
    pub unresolved: BTreeMap<(&'static str, String), BTreeSet<String>>,
    /// Per optional key, the values that must be written NULL.
    pub nulled: BTreeMap<(&'static str, &'static str), u64>,
}

impl Reference {
    /// The reference for roots `seeds` of `auth_user`, the walk entering
    /// only the tables for which `walked` holds.
    pub fn of_users(
        db: &TestDb,
        seeds: &BTreeSet<i64>,
        walked: &dyn Fn(&'static str) -> bool,
    ) -> Self {
        Reference::compute(db, &[("auth_user", seeds.clone())], walked)
    }

    /// The reference for the rows `roots` of their tables.
    pub fn compute(
        db: &TestDb,
        roots: &[(&'static str, BTreeSet<i64>)],
        walked: &dyn Fn(&'static str) -> bool,
    ) -> Self {
        Reference::compute_with(db, roots, walked, &[], &[])
    }

    /// [`Reference::compute`] with more downward edges, walked after all
    /// the others (for tables with nothing below them), and filters on
    /// tables below the roots (conditions on their columns) that apply to
    /// the rows the walk finds.
    pub fn compute_with(
        db: &TestDb,
        roots: &[(&'static str, BTreeSet<i64>)],
        walked: &dyn Fn(&'static str) -> bool,
        more_down: &[(&'static str, String, &'static str)],
        filters: &[(&'static str, &str)],
    ) -> Self {
        let mut down: BTreeMap<&'static str, BTreeSet<i64>> =
            TABLES.iter().map(|&t| (t, BTreeSet::new())).collect();
        for (table, seeds) in roots {
            down.insert(table, seeds.clone());
        }
        let more = more_down
            .iter()
            .map(|(child, sql, parent)| (*child, sql.as_str(), *parent));
        for (child, sql, parents) in DOWN.iter().copied().chain(more) {
            if !walked(child) {
                continue;
            }
            let sets: Vec<BTreeSet<i64>> = parents.split('+').map(|p| down[p].clone()).collect();
            let refs: Vec<&BTreeSet<i64>> = sets.iter().collect();
            let found = ids(db, sql, &refs);
            down.get_mut(child).expect("a table").extend(found);
            if let Some((_, condition)) = filters.iter().find(|(t, _)| *t == child) {
                let kept = ids(
                    db,
                    &format!("SELECT id FROM {child} WHERE id = ANY($1::int8[]) AND ({condition})"),
                    &[&down[child]],
                );
                down.insert(child, kept);
            }
            if let Some(&(_, recursive)) = SELF_DOWN.iter().find(|(t, _)| *t == child) {
                let below = ids(db, recursive, &[&down[child]]);
                down.get_mut(child).expect("a table").extend(below);
            }
        }
        let mut rows = down.clone();
        let mut unresolved: BTreeMap<(&'static str, String), BTreeSet<String>> = BTreeMap::new();
        loop {
            let mut added: Vec<(&'static str, BTreeSet<i64>)> = Vec::new();
            for &(child, column, parent) in &PARENTS {
                let sql = format!(
                    "SELECT {column} FROM {child} WHERE {} = ANY($1::int8[]) AND {column} IS NOT NULL",
                    pk(child)
                );
                added.push((parent, ids(db, &sql, &[&rows[child]])));
            }
            for &(table, ct, object) in &GENERIC {
                let sql = format!(
                    "SELECT ct.app_label || '.' || ct.model, t.{object}::text FROM {table} t \
                     JOIN django_content_type ct ON ct.id = t.{ct} \
                     WHERE t.id = ANY($1::int8[]) AND t.{object} IS NOT NULL"
                );
                let keys: Vec<i64> = rows[table].iter().copied().collect();
                for row in db.client().query(&sql, &[&keys]).expect("generic refs") {
                    let (label, id): (String, String) = (row.get(0), row.get(1));
                    match CONTENT_TYPES.iter().find(|(l, _)| *l == label) {
                        Some(&(_, target)) => added.push((
                            target,
                            BTreeSet::from([id.parse().expect("an integer object id")]),
                        )),
                        None => {
                            unresolved.entry((table, label)).or_default().insert(id);
                        }
                    }
                }
            }
            added.push((
                "catalog_category",
                ids(
                    db,
                    "SELECT a.id FROM catalog_category c JOIN catalog_category a \
                     ON a.path <> c.path AND c.path LIKE a.path || '%' WHERE c.id = ANY($1::int8[])",
                    &[&rows["catalog_category"]],
                ),
            ));
            for &(base, sub) in &SUBCLASSES {
                let sql = format!(
                    "SELECT {key} FROM {sub} WHERE {key} = ANY($1::int8[])",
                    key = pk(sub)
                );
                added.push((sub, ids(db, &sql, &[&rows[base]])));
            }
            let mut changed = false;
            for (table, keys) in added {
                let set = rows.get_mut(table).expect("a modelled table");
                for key in keys {
                    changed |= set.insert(key);
                }
            }
            if !changed {
                break;
            }
        }
        let nulled = OPTIONAL
            .iter()
            .map(|&(table, column)| {
                let n = ids(
                    db,
                    &format!(
                        "SELECT count(*) FROM {table} WHERE id = ANY($1::int8[]) AND {column} IS NOT NULL \
                         AND NOT ({column} = ANY($2::int8[]))"
                    ),
                    &[&rows[table], &rows["auth_user"]],
                );
                ((table, column), n.into_iter().next().unwrap_or(0) as u64)
            })
            .filter(|&(_, n)| n > 0)
            .collect();
        Reference {
            down,
            rows,
            unresolved,
            nulled,
        }
    }
}

/// `(table, content type) -> references` of a manifest's unresolved
/// generic references.
pub fn unresolved_counts(manifest: &Manifest) -> BTreeMap<(String, String), u64> {
    manifest
        .unresolved_generic
        .iter()
        .map(|u| ((u.table.clone(), u.content_type.clone()), u.references))
        .collect()
}

/// The same, from a reference.
pub fn expected_unresolved(reference: &Reference) -> BTreeMap<(String, String), u64> {
    reference
        .unresolved
        .iter()
        .map(|((table, label), ids)| ((table.to_string(), label.clone()), ids.len() as u64))
        .collect()
}

/// `(table, column) -> n` of a manifest's NULLed optional keys.
pub fn nulled_counts(manifest: &Manifest) -> BTreeMap<(String, String), u64> {
    manifest
        .tables
        .iter()
        .flat_map(|t| {
            t.nulled
                .iter()
                .filter(|&(_, &n)| n > 0)
                .map(|(c, &n)| ((t.table.clone(), c.clone()), n))
        })
        .collect()
}

/// Every file of a slice directory but the manifest (whose creation time
/// differs between runs), as bytes.
pub fn table_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "manifest.json"))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (
                p.file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned(),
                bytes,
            )
        })
        .collect()
}
