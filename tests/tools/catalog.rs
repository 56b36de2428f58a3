//! The catalog reader against real PostgreSQL.

use super::support::{django_db, shop_db};
use dataslicer::catalog::{Catalog, TypeKind};
use dataslicer_dev::TestDb;

fn read(db: &TestDb) -> Catalog {
    Catalog::read(&mut db.client(), &[]).expect("the catalog reads")
}

#[test]
fn catalog_reads_django_tables_keys_and_content_types() {
    let db = django_db("catalog_django");
    let catalog = read(&db);
    let names: Vec<&str> = catalog.tables.iter().map(|t| t.name.as_str()).collect();
    for expected in [
        "auth_user",
        "auth_user_groups",
        "blog_comment",
        "blog_featuredpost",
        "django_content_type",
        "django_session",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let user = catalog.table_in("public", "auth_user").unwrap();
    assert!(user.visible);
    assert_eq!(user.primary_key, ["id"]);
    let id = user.column("id").unwrap();
    assert_eq!((id.base_type.as_str(), id.identity), ("int4", Some('d')));
    let username = user.column("username").unwrap();
    assert_eq!(username.max_chars, Some(150), "the widened length");
    assert!(username.not_null && !username.has_default());
    assert!(user.is_unique("username") && !user.is_unique("email"));
    assert!(user.column("last_login").is_some_and(|c| !c.not_null));
    assert!(user.estimated_rows.is_some_and(|n| (n - 500.0).abs() < 1.0));

    let comment = catalog.table_in("public", "blog_comment").unwrap();
    let parent = comment.foreign_key("parent_id").expect("self-reference");
    assert!(parent.targets(comment) && parent.deferrable && parent.deferred);
    assert_eq!(parent.target_columns, ["id"]);

    let post = catalog.table_in("public", "blog_post").unwrap();
    assert!(post.column("summary").is_none(), "dropped columns are gone");
    assert!(
        post.checks
            .iter()
            .any(|c| c.columns == ["views"] && c.definition.contains(">= 0")),
        "{:?}",
        post.checks
    );

    let profile = catalog.table_in("public", "blog_profile").unwrap();
    let settings = profile.column("settings").unwrap();
    assert_eq!(settings.base_type, "jsonb");
    let balance = profile.column("balance").unwrap();
    assert_eq!(balance.numeric, Some((10, 2)));
    assert_eq!(profile.column("last_ip").unwrap().base_type, "inet");

    let logentry = catalog
        .content_types
        .iter()
        .find(|ct| ct.model == "logentry")
        .unwrap();
    assert_eq!(logentry.app_label, "admin");
    assert_eq!(logentry.verbose_name.as_deref(), Some("log entry"));
    assert_eq!(
        catalog.content_type_of("auth_user").map(|ct| ct.id),
        Some(4)
    );
}

#[test]
fn catalog_reads_unique_indexes_arrays_domains_to_field_keys_trees_and_json_key_names() {
    let db = TestDb::create("catalog_shapes");
    db.execute(
        "CREATE EXTENSION IF NOT EXISTS citext;
         CREATE SCHEMA other;
         CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
         CREATE TYPE mood AS ENUM ('happy', 'sad');
         CREATE TABLE person (id bigint PRIMARY KEY, email citext NOT NULL, code varchar(10) NOT NULL UNIQUE,
                              tags text[], score positive_int NOT NULL, mood mood,
                              data jsonb, spent interval, born date,
                              total numeric GENERATED ALWAYS AS (score * 2) STORED);
         CREATE UNIQUE INDEX person_email_lower ON person (lower(email::text));
         CREATE UNIQUE INDEX person_code_partial ON person (born) WHERE born IS NOT NULL;
         CREATE TABLE other.badge (id serial PRIMARY KEY,
             person_code varchar(10) REFERENCES person (code),
             owner_id bigint NOT NULL REFERENCES person (id) DEFERRABLE);
         CREATE TABLE node (id serial PRIMARY KEY, path varchar(255) NOT NULL UNIQUE,
                            depth integer NOT NULL, numchild integer NOT NULL DEFAULT 0);
         INSERT INTO node (path, depth, numchild) VALUES ('0001', 1, 1), ('00010001', 2, 0), ('0002', 1, 0);
         INSERT INTO person VALUES (1, 'A@x.org', 'a', '{x}', 3, 'happy', '{\"email\": \"a@x.org\", \"n\": 1}', '1 day', NULL),
                                   (2, 'b@x.org', 'b', NULL, 4, NULL, '{\"phone\": \"1\"}', NULL, NULL),
                                   (3, 'c@x.org', 'c', NULL, 5, NULL, '[1, 2]', NULL, NULL);",
    );
    let catalog = Catalog::read(&mut db.client(), &["public".into(), "other".into()]).unwrap();
    let person = catalog.table_in("public", "person").unwrap();
    let column = |name: &str| person.column(name).unwrap();
    assert_eq!(column("email").base_type, "citext");
    assert!(
        person.is_unique("email"),
        "through lower(email): {:?}",
        person.unique
    );
    assert!(person.is_unique("code"));
    assert!(
        !person.is_unique("born"),
        "a partial index is not unique for all rows"
    );
    assert_eq!(column("tags").kind, TypeKind::Array);
    assert_eq!(column("tags").element_type.as_deref(), Some("text"));
    assert_eq!(
        column("score").base_type,
        "int4",
        "a domain reads as its base type"
    );
    assert_eq!(column("mood").kind, TypeKind::Enum);
    assert_eq!(column("spent").base_type, "interval");
    assert!(column("total").generated && column("total").has_default());
    assert_eq!(column("data").json_keys, ["email", "n", "phone"]);

    let badge = catalog.table_in("other", "badge").unwrap();
    assert!(!badge.visible, "other is not on the search_path");
    assert_eq!(badge.table_name(), "other.badge");
    let to_field = badge.foreign_key("person_code").unwrap();
    assert_eq!(
        (
            to_field.target_table.as_str(),
            to_field.target_columns.as_slice()
        ),
        ("person", ["code".to_string()].as_slice())
    );
    assert!(!to_field.deferrable);
    let owner = badge.foreign_key("owner_id").unwrap();
    assert!(owner.deferrable && !owner.deferred);

    let node = catalog.table_in("public", "node").unwrap();
    assert_eq!(node.tree_step, Some(4));
    assert!(catalog.content_types.is_empty());
    assert!(
        node.estimated_rows.is_none(),
        "never analyzed: no estimate rather than a wrong one"
    );
}

#[test]
fn catalog_of_the_shop_has_every_foreign_key() {
    let db = shop_db("catalog_shop", 50);
    let catalog = read(&db);
    let fks: usize = catalog.tables.iter().map(|t| t.foreign_keys.len()).sum();
    assert_eq!(fks, 9);
    let customer = catalog.table_in("public", "accounts_customer").unwrap();
    assert!(customer.estimated_rows.is_some_and(|n| n > 0.0));
    let orders = catalog.table_in("public", "orders_order").unwrap();
    assert_eq!(orders.column("notes").unwrap().json_keys, ["gift", "n"]);
}
