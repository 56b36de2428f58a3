//! `#[derive(Importer)]`: the compile errors users see (trybuild, one mistake
//! per file under `tests/ui/fail`, every attribute form under `tests/ui/pass`)
//! and the constants it generates.

use dataslicer::fake::FakeInput;
use dataslicer::prelude::*;
use dataslicer::{Column, FakeKind, SqlType, TableName};

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}

fn customer_code(_: &mut FakeInput<'_>) -> String {
    String::from("C-0001")
}

#[derive(Importer)]
#[table("sales.shop_region")]
struct Region {
    #[pk]
    code: String,
    name: String,
}

/// Every attribute form, and column names that need quoting.
#[derive(Importer)]
#[table("shop_customer")]
struct Customer {
    #[pk]
    #[column("customer_no")]
    number: i64,
    #[fk(Region)]
    region_code: String,
    #[fk(Customer, optional)]
    referred_by_id: Option<i64>,
    #[fk(Customer)]
    merged_into_id: Option<i64>,
    #[fake(email, unique)]
    email: String,
    #[fake(phone_number, max_length = 20)]
    phone: Option<String>,
    #[fake(name, consistent)]
    full_name: String,
    #[fake(safe_email, unique, consistent, max_length = 40)]
    backup_email: Option<String>,
    #[fake(value = "redacted")]
    notes: Option<String>,
    #[fake(with = customer_code, unique)]
    code: String,
    #[fake(uuid)]
    token: uuid::Uuid,
    #[column("Weird \"Name")]
    weird: Option<i32>,
    #[column("order")]
    position: i16,
    r#type: String,
    balance: rust_decimal::Decimal,
    joined: chrono::DateTime<chrono::Utc>,
    photo: Option<Vec<u8>>,
    settings: serde_json::Value,
}

/// The key type is the `#[pk]` field's.
fn key_is<M: Importer<Key = K>, K>() {}

#[test]
fn model_names_its_table_and_primary_key() {
    key_is::<Customer, i64>();
    key_is::<Region, String>();
    let model = Customer::MODEL;
    assert_eq!(model.rust_name, "Customer");
    assert_eq!(model.table, TableName::new(None, "shop_customer"));
    assert_eq!(Customer::TABLE, model.table);
    assert_eq!(Customer::PRIMARY_KEY, "customer_no");
    assert_eq!(model.primary_key, "customer_no");
    assert_eq!(model.key_column().field, "number");
    assert_eq!(Customer::model().table, model.table);

    assert_eq!(Region::TABLE, TableName::new(Some("sales"), "shop_region"));
    assert_eq!(Region::TABLE.to_string(), "sales.shop_region");
    assert_eq!(Region::PRIMARY_KEY, "code");
}

/// A fake as `(kind name, unique, consistent, max_length)`.
type FakeSummary = (&'static str, bool, bool, Option<u32>);

fn summary(column: &Column) -> (&str, &str, bool, SqlType, &str, Option<FakeSummary>) {
    let fake = column
        .fake
        .map(|f| (f.kind.name(), f.unique, f.consistent, f.max_length));
    (
        column.name,
        column.field,
        column.nullable,
        column.sql_type,
        column.rust_type,
        fake,
    )
}

#[test]
fn columns_carry_name_field_type_and_fake_in_field_order() {
    let columns: Vec<_> = Customer::MODEL.columns.iter().map(summary).collect();
    use SqlType::*;
    #[rustfmt::skip]
    let expected = vec![
        ("customer_no", "number", false, BigInt, "i64", None),
        ("region_code", "region_code", false, Text, "String", None),
        ("referred_by_id", "referred_by_id", true, BigInt, "Option<i64>", None),
        ("merged_into_id", "merged_into_id", true, BigInt, "Option<i64>", None),
        ("email", "email", false, Text, "String", Some(("email", true, false, None))),
        ("phone", "phone", true, Text, "Option<String>", Some(("phone_number", false, false, Some(20)))),
        ("full_name", "full_name", false, Text, "String", Some(("name", false, true, None))),
        ("backup_email", "backup_email", true, Text, "Option<String>", Some(("safe_email", true, true, Some(40)))),
        ("notes", "notes", true, Text, "Option<String>", Some(("value", false, false, None))),
        ("code", "code", false, Text, "String", Some(("with", true, false, None))),
        ("token", "token", false, Uuid, "uuid::Uuid", Some(("uuid", false, false, None))),
        ("Weird \"Name", "weird", true, Integer, "Option<i32>", None),
        ("order", "position", false, SmallInt, "i16", None),
        ("type", "type", false, Text, "String", None),
        ("balance", "balance", false, Numeric, "rust_decimal::Decimal", None),
        ("joined", "joined", false, TimestampTz, "chrono::DateTime<chrono::Utc>", None),
        ("photo", "photo", true, Bytea, "Option<Vec<u8>>", None),
        ("settings", "settings", false, Json, "serde_json::Value", None),
    ];
    assert_eq!(columns, expected);
}

#[test]
fn value_and_with_fakes_keep_their_argument() {
    let model = Customer::MODEL;
    let notes = model.column("notes").and_then(|c| c.fake).map(|f| f.kind);
    assert!(
        matches!(notes, Some(FakeKind::Value("redacted"))),
        "{notes:?}"
    );
    let code = model.column("code").and_then(|c| c.fake).map(|f| f.kind);
    assert!(matches!(code, Some(FakeKind::With(_))), "{code:?}");
}

#[test]
fn foreign_keys_point_at_the_target_primary_key() {
    let fks: Vec<_> = Customer::MODEL
        .foreign_keys
        .iter()
        .map(|fk| {
            (
                fk.column,
                fk.target_table,
                fk.target_key,
                fk.optional,
                (fk.target)().table,
            )
        })
        .collect();
    let region = TableName::new(Some("sales"), "shop_region");
    let customer = TableName::new(None, "shop_customer");
    assert_eq!(
        fks,
        vec![
            ("region_code", region, "code", false, region),
            ("referred_by_id", customer, "customer_no", true, customer),
            ("merged_into_id", customer, "customer_no", false, customer),
        ]
    );
    assert!(Region::MODEL.foreign_keys.is_empty());
}

#[test]
fn select_list_defers_faked_columns_and_quotes_every_identifier() {
    // Faked text columns (email, phone, notes, code) are read only for
    // whether they are NULL or empty; a faked NOT NULL uuid (token) is not
    // read at all; consistent ones are read.
    assert_eq!(
        Customer::MODEL.select_list(),
        concat!(
            r#""customer_no", "region_code", "referred_by_id", "merged_into_id", "#,
            r#"("email"::text = ''), ("phone"::text = ''), "full_name", "backup_email", "#,
            r#"("notes"::text = ''), ("code"::text = ''), "#,
            r#""Weird ""Name", "order", "type", "balance", "joined", "photo", "settings""#,
        )
    );
    assert_eq!(Region::MODEL.select_list(), r#""code", "name""#);
}

/// One field per named kind, in the order of `FakeKind::NAMES`.
#[derive(Importer)]
#[table("every_kind")]
struct EveryKind {
    id: i32,
    #[fake(first_name)]
    first_name: String,
    #[fake(last_name)]
    last_name: String,
    #[fake(name)]
    name: String,
    #[fake(username)]
    username: String,
    #[fake(email)]
    email: String,
    #[fake(safe_email)]
    safe_email: String,
    #[fake(phone_number)]
    phone_number: String,
    #[fake(street_address)]
    street_address: String,
    #[fake(city)]
    city: String,
    #[fake(postcode)]
    postcode: String,
    #[fake(country)]
    country: String,
    #[fake(company)]
    company: String,
    #[fake(job_title)]
    job_title: String,
    #[fake(url)]
    url: String,
    #[fake(ipv4)]
    ipv4: String,
    #[fake(ipv6)]
    ipv6: String,
    #[fake(uuid)]
    uuid: uuid::Uuid,
    #[fake(word)]
    word: String,
    #[fake(sentence)]
    sentence: String,
    #[fake(paragraph)]
    paragraph: String,
    #[fake(date)]
    date: chrono::NaiveDate,
    #[fake(datetime)]
    datetime: chrono::NaiveDateTime,
}

#[test]
fn fake_kind_names_are_the_kinds_the_derive_accepts_in_order() {
    let faked: Vec<_> = EveryKind::MODEL
        .columns
        .iter()
        .filter_map(|c| Some((c.field, c.fake?.kind.name())))
        .collect();
    // Each field is named after the kind it was given, so this also checks
    // that the derive maps each name to its own variant.
    let fields: Vec<_> = faked.iter().map(|(field, _)| *field).collect();
    let kinds: Vec<_> = faked.iter().map(|(_, kind)| *kind).collect();
    assert_eq!(fields, FakeKind::NAMES);
    assert_eq!(kinds, FakeKind::NAMES);
}

mod relations {
    use dataslicer::prelude::*;

    #[derive(Importer)]
    #[table("django_content_type")]
    pub struct ContentType {
        pub id: i32,
        pub app_label: String,
        pub model: String,
    }

    #[derive(Importer)]
    #[table("shop_currency")]
    #[content_type("shop", "money")]
    pub struct Currency {
        pub id: i32,
        pub code: String,
    }

    #[derive(Importer)]
    #[table("shop_price")]
    pub struct Price {
        pub id: i64,
        #[fk(Currency, key = "code", no_descend)]
        pub currency_code: String,
        #[fk(ContentType)]
        pub content_type_id: i32,
        #[generic(content_type = "content_type_id", descend)]
        pub object_id: String,
        #[tree(step = 3)]
        pub path: String,
    }

    #[derive(Importer)]
    #[table("shop_special_price")]
    pub struct SpecialPrice {
        #[pk]
        #[fk(Price)]
        pub price_ptr_id: i64,
    }

    #[test]
    fn relation_attributes_fill_in_the_model() {
        let price = Price::MODEL;
        let currency = &price.foreign_keys[0];
        assert_eq!(currency.target_key, "code");
        assert!(!currency.descend && !currency.targets_primary_key());
        assert!(price.foreign_keys[1].descend);
        let generic = &price.generic_relations[0];
        assert_eq!(
            (generic.object_id, generic.content_type, generic.descend),
            ("object_id", "content_type_id", true)
        );
        let tree = price.tree.expect("a tree");
        assert_eq!((tree.path, tree.step), ("path", 3));
        assert_eq!(price.module, module_path!());
        assert!(price.parent_link().is_none());
        assert_eq!(
            SpecialPrice::MODEL.parent_link().map(|fk| fk.column),
            Some("price_ptr_id")
        );
    }

    #[test]
    fn content_types_follow_djangos_default_table_names() {
        assert!(Currency::MODEL.has_content_type("shop", "money"));
        assert!(!Currency::MODEL.has_content_type("shop", "currency"));
        assert!(Price::MODEL.has_content_type("shop", "price"));
        assert!(!Price::MODEL.has_content_type("sho", "p_price"));
    }

    #[test]
    fn every_model_registers_itself() {
        let all = dataslicer::model::all_models();
        for model in [
            Price::MODEL,
            Currency::MODEL,
            SpecialPrice::MODEL,
            ContentType::MODEL,
        ] {
            assert_eq!(
                all.iter().filter(|m| m.is(model)).count(),
                1,
                "{}",
                model.rust_name
            );
        }
    }

    #[test]
    fn the_derive_hashes_column_names_as_the_runtime_does() {
        // `key = "code"` compiled above only if both hash "code" alike; this
        // pins the function itself.
        assert_eq!(
            dataslicer::__private::column_hash(""),
            0xcbf2_9ce4_8422_2325
        );
        assert_eq!(
            dataslicer::__private::column_hash("a"),
            0xaf63_dc4c_8601_ec8c
        );
    }
}
