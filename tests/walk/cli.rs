//! The walk from an exporter's command line: `--root`, `--where` and
//! `--sample` replace the roots; unknown tables are usage errors; `plan`
//! says why each table is in and what is left out; the summary counts what
//! the slice could not keep.

use super::models::{self, Order};
use super::support::*;
use dataslicer::job::Filter;
use dataslicer::{Error, Importer, Options, PgSource};
use std::collections::BTreeSet;

/// February 2024's orders.
const FEBRUARY: &str = "orders_order=placed_at >= '2024-02-01' AND placed_at < '2024-03-01'";

#[test]
fn root_where_and_sample_from_the_command_line_replace_the_exporters_roots() {
    let source = walk_db("walk_root_src");
    let scratch = Scratch::new("walk_root");
    let dir = scratch.path("slice");
    let report = ok(
        cli(
            models::descendants(40),
            &[
                "slice",
                "--from",
                source.url(),
                "--to",
                arg(&dir),
                "--seed",
                "4",
                "--root",
                "orders_order",
                "--where",
                FEBRUARY,
                "--sample",
                "orders_order=25",
            ],
        ),
        "slice --root --where --sample",
    );
    assert!(report.contains("orders_order"), "{report}");
    // The roots: 25 of February's orders, as the library samples them.
    let (_, condition) = FEBRUARY.split_once('=').expect("TABLE=SQL");
    let roots: BTreeSet<i64> = {
        let mut client = source.client();
        let mut pg = ok(PgSource::begin(&mut client), "source");
        let keys = ok(
            dataslicer::sample::sample_root(
                &mut pg,
                Order::MODEL,
                Some(&Filter::sql(condition)),
                25,
                4,
                Options::default().batch_size,
            ),
            "sampling orders",
        );
        keys.iter()
            .map(|k| match k {
                dataslicer::keys::Key::Int(id) => id,
                other => panic!("{other:?}"),
            })
            .collect()
    };
    let february = ids(
        &source,
        &format!("SELECT id FROM orders_order WHERE {condition}"),
        &[],
    );
    assert!(february.len() > 25 && roots.len() == 25 && roots.is_subset(&february));
    let reference = Reference::compute(&source, &[("orders_order", roots)], &|_| true);
    let loaded = load_into_copy(&source, &dir, "walk_root_dst");
    let got = keys(&loaded);
    for (table, rows) in &reference.rows {
        assert_eq!(&got[table], rows, "rows of {table} below the orders root");
    }
    // The exporter's own root is gone: the users it would have sampled are
    // in only where the orders need them, and nobody's posts or members.
    let exporters_users = sampled_users(&source, 40, 4);
    let needed = &reference.rows["auth_user"];
    assert!(
        exporters_users
            .difference(needed)
            .all(|u| !got["auth_user"].contains(u))
    );
    assert!(got["blog_post"].is_empty() && got["crm_member"].is_empty());
    assert!(!got["orders_trackingevent"].is_empty());
}

fn usage_error(args: &[&str]) -> String {
    match cli(models::descendants(40), args) {
        Err(Error::Usage(message)) => message,
        other => panic!("{args:?}: expected a usage error, got {other:?}"),
    }
}

#[test]
fn unknown_tables_on_the_command_line_are_usage_errors_listing_the_modelled_ones() {
    let message = usage_error(&["plan", "--root", "orders_ordr"]);
    assert!(message.contains("orders_ordr"), "{message}");
    for table in [
        "auth_user",
        "orders_order",
        "orders_trackingevent",
        "crm_invitation",
    ] {
        assert!(message.contains(table), "{table} not listed: {message}");
    }
    for flag in ["--where", "--sample"] {
        let spec = if flag == "--where" {
            "no_such_table=id > 0"
        } else {
            "no_such_table=5"
        };
        let message = usage_error(&["plan", flag, spec]);
        assert!(
            message.contains(flag) && message.contains("no_such_table"),
            "{message}"
        );
        assert!(
            message.contains("auth_user") && message.contains("orders_trackingevent"),
            "the tables below the roots are listed: {message}"
        );
    }
}

/// The line of `plan` for `table`, and the lines indented below it.
fn plan_entry<'a>(plan: &'a str, table: &str) -> Vec<&'a str> {
    let mut lines = plan
        .lines()
        .skip_while(|l| !l.starts_with(&format!("{table} (")));
    let head = lines
        .next()
        .unwrap_or_else(|| panic!("no entry for {table} in the plan:\n{plan}"));
    std::iter::once(head)
        .chain(lines.take_while(|l| l.starts_with("  ")))
        .collect()
}

#[test]
fn plan_says_why_each_table_is_in_the_slice() {
    let plan = ok(cli(models::descendants(40), &["plan"]), "plan");
    let head = |table: &str| plan_entry(&plan, table)[0].to_string();
    assert!(
        head("auth_user").contains("root, with its descendants"),
        "{plan}"
    );
    assert!(
        head("orders_trackingevent").contains("below orders_parcelitem through item_id"),
        "{plan}"
    );
    let items = head("orders_parcelitem");
    assert!(
        items.contains("below orders_parcel through parcel_id")
            && items.contains("below orders_orderline through line_id"),
        "{items}"
    );
    let comments = head("social_comment");
    for reason in [
        "below blog_post through generic relation object_id",
        "below media_photo through generic relation object_id",
        "below auth_user through user_id",
    ] {
        assert!(comments.contains(reason), "{reason}: {comments}");
    }
    assert!(
        head("catalog_product").contains("below its own rows through parent_id"),
        "{plan}"
    );
    assert!(
        head("catalog_category").contains("parents of catalog_product through category_id"),
        "{plan}"
    );
    assert!(
        plan_entry(&plan, "catalog_category")
            .iter()
            .any(|l| l.contains("tree on path (step 4)")),
        "{plan}"
    );
    assert!(
        head("cms_eventpage").contains("subclass rows of cms_page (multi-table inheritance)"),
        "{plan}"
    );
    assert!(
        plan_entry(&plan, "django_admin_log").iter().any(|l| l
            .contains("(content_type_id, object_id) -> any model (generic relation)")
            && !l.contains("followed downward")),
        "{plan}"
    );
    assert!(
        plan_entry(&plan, "crm_member")
            .iter()
            .any(|l| l.contains("referred_by_id -> crm_member.id, no_descend")),
        "{plan}"
    );
    // Left out, with the key and why: invitations, whose key is no_descend.
    let left = plan
        .split_once("left out")
        .unwrap_or_else(|| panic!("no left-out list:\n{plan}"))
        .1;
    assert!(
        left.contains("crm_invitation.invited_by_id -> auth_user: its key is marked no_descend"),
        "{left}"
    );
    assert!(
        !plan.lines().any(|l| l.starts_with("crm_invitation (")),
        "{plan}"
    );
}

#[test]
fn plan_shows_excluded_tables_that_still_hold_parents_and_lists_them_as_left_out() {
    let plan = ok(
        cli(models::descendants(40), &["plan", "--exclude", "catalog_*"]),
        "plan --exclude",
    );
    let product = plan_entry(&plan, "catalog_product");
    assert!(
        product[0].contains("parents of orders_orderline through product_id")
            && !product[0].contains("below auth_user"),
        "{product:?}"
    );
    assert!(
        product
            .iter()
            .any(|l| l.contains("kept out of the walk (--exclude catalog_*)")),
        "{product:?}"
    );
    let left = plan.split_once("left out").expect("a left-out list").1;
    assert!(
        left.contains("catalog_product.seller_id -> auth_user: --exclude catalog_*"),
        "{left}"
    );
}

#[test]
fn the_summary_counts_nulled_keys_and_unresolved_generic_references() {
    let source = walk_db("walk_summary_src");
    let seeds = sampled_users(&source, 40, 9);
    let reference = Reference::of_users(&source, &seeds, &|_| true);
    let scratch = Scratch::new("walk_summary");
    let dir = scratch.path("slice");
    let report = ok(
        cli(
            models::descendants(40),
            &[
                "slice",
                "--from",
                source.url(),
                "--to",
                arg(&dir),
                "--seed",
                "9",
            ],
        ),
        "slice",
    );
    let nulled: u64 = reference.nulled.values().sum();
    assert!(nulled > 0);
    assert!(
        report.contains(&format!(
            "{nulled} optional foreign key values were written as NULL"
        )),
        "{report}"
    );
    for ((table, column), n) in &reference.nulled {
        assert!(
            report.contains(&format!("  {table}.{column}: {n}\n")),
            "{report}"
        );
    }
    let unresolved = expected_unresolved(&reference);
    let total: u64 = unresolved.values().sum();
    assert!(total > 0);
    assert!(
        report.contains(&format!(
            "{total} generic references point at rows the slice cannot hold"
        )),
        "{report}"
    );
    for ((table, label), n) in &unresolved {
        assert!(
            report.contains(&format!("  {table}.object_id -> {label}: {n} (")),
            "{report}"
        );
    }
}

#[test]
fn plan_from_a_database_lists_the_unmodelled_tables_that_reference_the_slice() {
    let source = walk_db("walk_plan_from");
    let plan = ok(
        cli(models::descendants(40), &["plan", "--from", source.url()]),
        "plan --from",
    );
    let unmodelled = plan
        .split_once("not modelled")
        .unwrap_or_else(|| panic!("no list of unmodelled tables:\n{plan}"))
        .1;
    let listed: Vec<&str> = unmodelled
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(str::trim)
        .collect();
    // Group.permissions, Django's many-to-many table no model mirrors here;
    // every other table referencing the slice has a model.
    assert_eq!(
        listed,
        [
            "auth_group_permissions.group_id -> auth_group",
            "auth_group_permissions.permission_id -> auth_permission",
        ],
        "{plan}"
    );
}

#[test]
fn a_where_on_a_table_below_a_root_refines_the_rows_the_walk_finds() {
    let source = walk_db("walk_refine_src");
    let seeds = sampled_users(&source, 40, 6);
    let scratch = Scratch::new("walk_refine");
    let dir = scratch.path("slice");
    let summer = "placed_at >= '2024-04-01' AND placed_at < '2024-09-01'";
    ok(
        cli(
            models::descendants(40),
            &[
                "slice",
                "--from",
                source.url(),
                "--to",
                arg(&dir),
                "--seed",
                "6",
                "--where",
                &format!("orders_order={summer}"),
            ],
        ),
        "slice --where below the root",
    );
    let got = keys(&load_into_copy(&source, &dir, "walk_refine_dst"));
    // The walk's orders (the sampled users') that the filter keeps, and
    // only those bring their shipments; everything else as without it.
    let reference = Reference::compute_with(
        &source,
        &[("auth_user", seeds.clone())],
        &|_| true,
        &[],
        &[("orders_order", summer)],
    );
    let plain = Reference::of_users(&source, &seeds, &|_| true);
    assert!(reference.down["orders_order"].len() < plain.down["orders_order"].len());
    assert!(!reference.down["orders_order"].is_empty());
    for (table, rows) in &reference.rows {
        assert_eq!(
            &got[table], rows,
            "rows of {table} with --where below the root"
        );
    }
    // Shipments of the orders the filter drops stay out, unless a parcel
    // of the slice needs them.
    let dropped: BTreeSet<i64> = plain.down["orders_shipment"]
        .difference(&reference.rows["orders_shipment"])
        .copied()
        .collect();
    assert!(!dropped.is_empty());
    assert!(dropped.is_disjoint(&got["orders_shipment"]));
}

#[test]
fn descend_generic_from_the_command_line_follows_a_relation_downward() {
    let source = walk_db("walk_descend_generic_src");
    let seeds = sampled_users(&source, 40, 8);
    // The admin log's entries about every walked row, besides the sampled
    // users' own entries.
    let about: Vec<(&'static str, String, &'static str)> = [
        ("auth", "user", "auth_user"),
        ("blog", "post", "blog_post"),
        ("gallery", "photo", "media_photo"),
        ("cms", "page", "cms_page"),
        ("cms", "articlepage", "cms_articlepage"),
        ("cms", "eventpage", "cms_eventpage"),
        ("catalog", "product", "catalog_product"),
    ]
    .into_iter()
    .map(|(app, model, table)| {
        (
            "django_admin_log",
            format!(
                "SELECT l.id FROM django_admin_log l JOIN django_content_type ct ON ct.id = l.content_type_id \
                 WHERE ct.app_label = '{app}' AND ct.model = '{model}' \
                 AND l.object_id::int8 = ANY($1::int8[])"
            ),
            table,
        )
    })
    .collect();
    let reference = Reference::compute_with(
        &source,
        &[("auth_user", seeds.clone())],
        &|_| true,
        &about,
        &[],
    );
    let plain = Reference::of_users(&source, &seeds, &|_| true);
    assert!(
        reference.rows["django_admin_log"].len() > plain.rows["django_admin_log"].len(),
        "no entry about a walked row beyond the users' own"
    );
    let scratch = Scratch::new("walk_descend_generic");
    let dir = scratch.path("slice");
    ok(
        cli(
            models::descendants(40),
            &[
                "slice",
                "--from",
                source.url(),
                "--to",
                arg(&dir),
                "--seed",
                "8",
                "--descend-generic",
                "django_admin_log.object_id",
            ],
        ),
        "slice --descend-generic",
    );
    let got = keys(&load_into_copy(&source, &dir, "walk_descend_generic_dst"));
    for (table, rows) in &reference.rows {
        assert_eq!(&got[table], rows, "rows of {table} with --descend-generic");
    }
}
