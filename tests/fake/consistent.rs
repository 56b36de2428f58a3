//! `consistent`: a fake derived from the original, so that an e-mail address
//! that appears in two tables gets one fake in both, and joins on it still
//! work in the slice.

use super::support::*;
use dataslicer::prelude::*;
use dataslicer_dev::TestDb;
use std::collections::{BTreeMap, HashSet};

#[derive(Importer)]
#[table("customer")]
struct Customer {
    id: i64,
    #[fake(email, consistent, unique)]
    email: String,
}

#[derive(Importer)]
#[table("newsletter_subscription")]
struct Subscription {
    id: i64,
    #[fake(email, consistent, unique)]
    email: Option<String>,
}

/// 2 000 customers with their own e-mail addresses, and 3 000 newsletter
/// subscriptions: most by customers (in another order, some of them twice),
/// some by strangers, a few without an address.
const NEWSLETTER: &str = "
    CREATE TABLE customer (id bigint PRIMARY KEY, email varchar(254) NOT NULL UNIQUE);
    CREATE TABLE newsletter_subscription (id bigint PRIMARY KEY, email varchar(254));
    INSERT INTO customer SELECT g, 'customer' || g || '@corp.example' FROM generate_series(1, 2000) g;
    INSERT INTO newsletter_subscription
      SELECT g, CASE WHEN g % 50 = 0 THEN NULL
                     WHEN g % 5 = 0 THEN 'stranger' || g || '@mail.example'
                     ELSE 'customer' || (1 + g * 7 % 2000) || '@corp.example' END
      FROM generate_series(1, 3000) g;
";

/// Each original value's fake, over the rows of a table: panics if one
/// original got two fakes.
fn fakes_by_original(
    originals: &BTreeMap<i64, Option<String>>,
    fakes: &BTreeMap<i64, Option<String>>,
    table: &str,
) -> BTreeMap<String, String> {
    assert_eq!(
        originals.keys().collect::<Vec<_>>(),
        fakes.keys().collect::<Vec<_>>(),
        "{table}: every row is in the slice"
    );
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (id, original) in originals {
        match (original, &fakes[id]) {
            (None, None) => {}
            (Some(original), Some(fake)) => {
                let first = out.entry(original.clone()).or_insert_with(|| fake.clone());
                assert_eq!(first, fake, "{table} {id}: {original} got two fakes");
            }
            (original, fake) => panic!("{table} {id}: {original:?} became {fake:?}"),
        }
    }
    out
}

/// The originals that got one fake in `a` and another in `b`, each with
/// the original that holds its `a` fake in `b`, if any:
/// `original: fake in a / fake in b (fake in a is b's fake of other)`.
fn disagreements(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<String> {
    let holder: BTreeMap<&String, &String> = b.iter().map(|(o, f)| (f, o)).collect();
    a.iter()
        .filter_map(|(original, fake)| {
            let other = b.get(original).filter(|other| *other != fake)?;
            let held = holder
                .get(fake)
                .map(|by| format!(" ({fake} is b's fake of {by})"))
                .unwrap_or_default();
            Some(format!("{original}: {fake} / {other}{held}"))
        })
        .collect()
}

#[test]
fn consistent_email_gets_the_same_fake_in_both_tables_and_other_originals_others() {
    let source = TestDb::create("fake_consistent");
    source.execute(NEWSLETTER);
    let scratch = Scratch::new("consistent");
    let dir = scratch.path("slice");
    let jobs = [
        ImportJob::<Customer>::new(),
        ImportJob::<Subscription>::new(),
    ];
    run(&source, &jobs, &dir, 11);

    let mut client = source.client();
    let customers = fakes_by_original(
        &source_by_id(&mut client, "customer", "email"),
        &Csv::read(&dir, "customer.csv").by_id("email"),
        "customer",
    );
    let subscriptions = fakes_by_original(
        &source_by_id(&mut client, "newsletter_subscription", "email"),
        &Csv::read(&dir, "newsletter_subscription.csv").by_id("email"),
        "newsletter_subscription",
    );
    let shared = subscriptions
        .keys()
        .filter(|o| customers.contains_key(*o))
        .count();
    assert!(shared > 1_000, "{shared} addresses are in both tables");
    let differing = disagreements(&customers, &subscriptions);
    assert!(
        differing.is_empty(),
        "{} of {shared} addresses got one fake as a customer and another as a subscriber: {:?}",
        differing.len(),
        differing
    );

    // Different originals, different fakes, over both tables together.
    let mut owner: BTreeMap<&String, &String> = BTreeMap::new();
    for (original, fake) in customers.iter().chain(&subscriptions) {
        let first = *owner.entry(fake).or_insert(original);
        assert_eq!(
            first, original,
            "{first} and {original} share the fake {fake}"
        );
        assert!(looks_like_email(fake), "{fake}");
        assert_ne!(fake, original);
    }
    let found = leaked(
        &dir,
        customers
            .keys()
            .chain(subscriptions.keys())
            .map(String::as_str),
    );
    assert!(found.is_empty(), "originals in the slice: {found:?}");
}

#[derive(Importer)]
#[table("crowded_a")]
struct CrowdedA {
    id: i64,
    #[fake(email, consistent, unique)]
    email: String,
}

#[derive(Importer)]
#[table("crowded_b")]
struct CrowdedB {
    id: i64,
    #[fake(email, consistent, unique)]
    email: String,
}

/// The module docs of `dataslicer::fake` promise both: a `consistent` fake
/// is the same in every table and column of the kind when the limits agree,
/// and a `consistent` and `unique` one never gives two originals one fake.
/// In `varchar(9)` an e-mail address has at most four characters before
/// `@x.io`, so fakes collide and `unique` must step in; the two tables meet
/// the same originals in opposite orders.
#[test]
fn consistent_and_unique_fakes_agree_across_tables_even_when_fakes_collide() {
    let source = TestDb::create("fake_consistent_crowded");
    source.execute(
        "CREATE TABLE crowded_a (id bigint PRIMARY KEY, email varchar(9) NOT NULL UNIQUE);
         CREATE TABLE crowded_b (id bigint PRIMARY KEY, email varchar(9) NOT NULL UNIQUE);
         INSERT INTO crowded_a SELECT g, 'a' || g || '@b.c' FROM generate_series(1, 1500) g;
         INSERT INTO crowded_b SELECT 1501 - g, 'a' || g || '@b.c' FROM generate_series(1, 1500) g;",
    );
    let scratch = Scratch::new("consistent_crowded");
    let dir = scratch.path("slice");
    let jobs = [ImportJob::<CrowdedA>::new(), ImportJob::<CrowdedB>::new()];
    run(&source, &jobs, &dir, 5);

    let mut client = source.client();
    let a = fakes_by_original(
        &source_by_id(&mut client, "crowded_a", "email"),
        &Csv::read(&dir, "crowded_a.csv").by_id("email"),
        "crowded_a",
    );
    let b = fakes_by_original(
        &source_by_id(&mut client, "crowded_b", "email"),
        &Csv::read(&dir, "crowded_b.csv").by_id("email"),
        "crowded_b",
    );
    for fakes in [&a, &b] {
        let distinct: HashSet<&String> = fakes.values().collect();
        assert_eq!(distinct.len(), fakes.len(), "unique within a table");
        assert!(
            fakes
                .values()
                .all(|f| f.chars().count() <= 9 && looks_like_email(f))
        );
    }
    let differing = disagreements(&a, &b);
    assert!(
        differing.is_empty(),
        "{} of {} originals got different fakes in the two tables, e.g. {:?}",
        differing.len(),
        a.len(),
        &differing[..differing.len().min(5)]
    );
}

#[test]
fn consistent_columns_are_read_whole_so_the_fake_can_follow_the_original() {
    // Unlike other fakes, a `consistent` one needs the original: its column
    // is read, NULL or not.
    assert_eq!(Customer::MODEL.select_list(), r#""id", "email""#);
    assert_eq!(Subscription::MODEL.select_list(), r#""id", "email""#);
}

#[derive(Importer)]
#[table("customer")]
struct PlainCustomer {
    id: i64,
    #[fake(email, consistent)]
    email: String,
}

#[derive(Importer)]
#[table("newsletter_subscription")]
struct PlainSubscription {
    id: i64,
    #[fake(email, consistent)]
    email: Option<String>,
}

/// Without `unique`, a `consistent` fake is a function of the seed, the
/// kind and the original alone, so every table agrees whatever its order.
#[test]
fn consistent_without_unique_gives_an_original_one_fake_in_every_table() {
    let source = TestDb::create("fake_consistent_plain");
    source.execute(NEWSLETTER);
    let scratch = Scratch::new("consistent_plain");
    let dir = scratch.path("slice");
    let jobs = [
        ImportJob::<PlainCustomer>::new(),
        ImportJob::<PlainSubscription>::new(),
    ];
    run(&source, &jobs, &dir, 11);
    let mut client = source.client();
    let customers = fakes_by_original(
        &source_by_id(&mut client, "customer", "email"),
        &Csv::read(&dir, "customer.csv").by_id("email"),
        "customer",
    );
    let subscriptions = fakes_by_original(
        &source_by_id(&mut client, "newsletter_subscription", "email"),
        &Csv::read(&dir, "newsletter_subscription.csv").by_id("email"),
        "newsletter_subscription",
    );
    let differing = disagreements(&customers, &subscriptions);
    assert!(differing.is_empty(), "{differing:?}");
    assert!(
        customers
            .values()
            .chain(subscriptions.values())
            .all(|f| looks_like_email(f))
    );
}
