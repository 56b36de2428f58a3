//! Emptiness kept without reading the value: for every fake kind, on NOT
//! NULL and nullable text columns holding `''`, NULL and values, `''` and
//! NULL are written as they were and only values get fakes, through a role
//! whose queries return nothing of the values (only `(col::text = '')`).

use super::support::*;
use dataslicer::prelude::*;
use dataslicer::{ColumnRead, Error};
use dataslicer_dev::{TestDb, create_role};
use postgres::NoTls;

/// Every named kind twice: NOT NULL and nullable; plus typed columns that
/// have no empty value.
#[derive(Importer)]
#[table("every_kind")]
struct EveryKind {
    id: i64,
    #[fake(first_name)]
    first_name_nn: String,
    #[fake(first_name)]
    first_name_n: Option<String>,
    #[fake(last_name)]
    last_name_nn: String,
    #[fake(last_name)]
    last_name_n: Option<String>,
    #[fake(name)]
    name_nn: String,
    #[fake(name)]
    name_n: Option<String>,
    #[fake(username)]
    username_nn: String,
    #[fake(username)]
    username_n: Option<String>,
    #[fake(email)]
    email_nn: String,
    #[fake(email)]
    email_n: Option<String>,
    #[fake(safe_email)]
    safe_email_nn: String,
    #[fake(safe_email)]
    safe_email_n: Option<String>,
    #[fake(phone_number)]
    phone_number_nn: String,
    #[fake(phone_number)]
    phone_number_n: Option<String>,
    #[fake(street_address)]
    street_address_nn: String,
    #[fake(street_address)]
    street_address_n: Option<String>,
    #[fake(city)]
    city_nn: String,
    #[fake(city)]
    city_n: Option<String>,
    #[fake(postcode)]
    postcode_nn: String,
    #[fake(postcode)]
    postcode_n: Option<String>,
    #[fake(country)]
    country_nn: String,
    #[fake(country)]
    country_n: Option<String>,
    #[fake(company)]
    company_nn: String,
    #[fake(company)]
    company_n: Option<String>,
    #[fake(job_title)]
    job_title_nn: String,
    #[fake(job_title)]
    job_title_n: Option<String>,
    #[fake(url)]
    url_nn: String,
    #[fake(url)]
    url_n: Option<String>,
    #[fake(ipv4)]
    ipv4_nn: String,
    #[fake(ipv4)]
    ipv4_n: Option<String>,
    #[fake(ipv6)]
    ipv6_nn: String,
    #[fake(ipv6)]
    ipv6_n: Option<String>,
    #[fake(uuid)]
    uuid_nn: String,
    #[fake(uuid)]
    uuid_n: Option<String>,
    #[fake(word)]
    word_nn: String,
    #[fake(word)]
    word_n: Option<String>,
    #[fake(sentence)]
    sentence_nn: String,
    #[fake(sentence)]
    sentence_n: Option<String>,
    #[fake(paragraph)]
    paragraph_nn: String,
    #[fake(paragraph)]
    paragraph_n: Option<String>,
    #[fake(date)]
    date_nn: String,
    #[fake(date)]
    date_n: Option<String>,
    #[fake(datetime)]
    datetime_nn: String,
    #[fake(datetime)]
    datetime_n: Option<String>,
    #[fake(uuid)]
    token: uuid::Uuid,
    #[fake(date)]
    born: Option<chrono::NaiveDate>,
}

const NAMES: &[&str] = &[
    "first_name",
    "last_name",
    "name",
    "username",
    "email",
    "safe_email",
    "phone_number",
    "street_address",
    "city",
    "postcode",
    "country",
    "company",
    "job_title",
    "url",
    "ipv4",
    "ipv6",
    "uuid",
    "word",
    "sentence",
    "paragraph",
    "date",
    "datetime",
];

fn every_kind_db(prefix: &str) -> TestDb {
    let db = TestDb::create(prefix);
    let nullable: Vec<String> = NAMES
        .iter()
        .map(|k| {
            format!("CASE g % 3 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'Original {k} ' || g END")
        })
        .collect();
    let columns: Vec<String> = NAMES
        .iter()
        .flat_map(|k| [format!("{k}_nn"), format!("{k}_n")])
        .collect();
    let values: Vec<String> = NAMES
        .iter()
        .zip(&nullable)
        .flat_map(|(k, n)| {
            [
                format!("CASE WHEN g % 2 = 0 THEN '' ELSE 'Original {k} ' || g END"),
                n.clone(),
            ]
        })
        .collect();
    db.execute(&format!(
        "CREATE TABLE every_kind (id bigint PRIMARY KEY, first_name_nn text NOT NULL, first_name_n text, last_name_nn text NOT NULL, last_name_n text, name_nn text NOT NULL, name_n text, username_nn text NOT NULL, username_n text, email_nn text NOT NULL, email_n text, safe_email_nn text NOT NULL, safe_email_n text, phone_number_nn text NOT NULL, phone_number_n text, street_address_nn text NOT NULL, street_address_n text, city_nn text NOT NULL, city_n text, postcode_nn text NOT NULL, postcode_n text, country_nn text NOT NULL, country_n text, company_nn text NOT NULL, company_n text, job_title_nn text NOT NULL, job_title_n text, url_nn text NOT NULL, url_n text, ipv4_nn text NOT NULL, ipv4_n text, ipv6_nn text NOT NULL, ipv6_n text, uuid_nn text NOT NULL, uuid_n text, word_nn text NOT NULL, word_n text, sentence_nn text NOT NULL, sentence_n text, paragraph_nn text NOT NULL, paragraph_n text, date_nn text NOT NULL, date_n text, datetime_nn text NOT NULL, datetime_n text,
                                  token uuid NOT NULL, born date);
         INSERT INTO every_kind (id, {}, token, born)
           SELECT g, {}, md5(g::text)::uuid, CASE WHEN g % 3 = 0 THEN NULL ELSE DATE '1980-01-01' + g END
           FROM generate_series(1, 120) g;",
        columns.join(", "),
        values.join(", ")
    ));
    db
}

#[test]
fn every_kind_keeps_empty_strings_and_nulls_and_fakes_only_values() {
    let source = every_kind_db("fake_empty_kinds");
    let scratch = Scratch::new("empty_kinds");
    let dir = scratch.path("slice");
    run(&source, &[ImportJob::<EveryKind>::new()], &dir, 5);
    let csv = dataslicer_dev::Csv::read(&dir, "every_kind.csv");
    let mut client = source.client();
    let mut faked = 0;
    for kind in NAMES {
        for column in [format!("{kind}_nn"), format!("{kind}_n")] {
            let originals = source_by_id(&mut client, "every_kind", &column);
            for (id, written) in csv.by_id(&column) {
                match (originals[&id].as_deref(), written.as_deref()) {
                    (None, None) | (Some(""), Some("")) => {}
                    (Some(original), Some(fake)) if !original.is_empty() => {
                        assert!(!fake.is_empty(), "{column} of {id}: a value became ''");
                        assert!(!fake.contains("Original"), "{column} of {id}: {fake}");
                        faked += 1;
                    }
                    (original, written) => {
                        panic!("{column} of {id}: {original:?} was written as {written:?}")
                    }
                }
            }
        }
    }
    assert!(faked > 1000, "{faked} values faked");
    let tokens = source_by_id(&mut client, "every_kind", "token");
    for (id, token) in csv.by_id("token") {
        assert_ne!(token, tokens[&id], "token of {id}");
    }
    let born = source_by_id(&mut client, "every_kind", "born");
    for (id, date) in csv.by_id("born") {
        assert_eq!(date.is_none(), born[&id].is_none(), "born of {id}");
    }
    let originals: Vec<String> = (1..=120)
        .flat_map(|g| NAMES.iter().map(move |k| format!("Original {k} {g}")))
        .collect();
    assert!(leaked(&dir, originals.iter().map(String::as_str)).is_empty());
    load_into_copy(&dir, &source);

    // A re-slice of the directory keeps them too, and fakes the fakes anew.
    let again = scratch.path("again");
    let mut from = dataslicer::DirSource::open(&dir).unwrap();
    let mut to = dataslicer::DirSink::create(&again).unwrap();
    dataslicer::slice(
        &mut from,
        &mut to,
        &[ImportJob::<EveryKind>::new()],
        &options(6, Default::default()),
    )
    .unwrap_or_else(|e| panic!("re-slice: {e}"));
    let resliced = dataslicer_dev::Csv::read(&again, "every_kind.csv");
    for kind in NAMES {
        for column in [format!("{kind}_nn"), format!("{kind}_n")] {
            let first = csv.by_id(&column);
            for (id, value) in resliced.by_id(&column) {
                match (first[&id].as_deref(), value.as_deref()) {
                    (None, None) | (Some(""), Some("")) => {}
                    (Some(a), Some(b)) if !a.is_empty() && !b.is_empty() => {}
                    (a, b) => panic!("{column} of {id}: {a:?} was re-sliced as {b:?}"),
                }
            }
        }
    }
}

#[test]
fn the_select_list_reads_emptiness_of_text_and_nullness_of_other_types() {
    let list = EveryKind::MODEL.select_list();
    assert!(list.contains(r#"("email_nn"::text = '')"#), "{list}");
    assert!(list.contains(r#"("email_n"::text = '')"#), "{list}");
    assert!(list.contains(r#"("born" IS NULL)"#), "{list}");
    assert!(
        !list.contains("token"),
        "a NOT NULL uuid has no emptiness: {list}"
    );
    assert_eq!(
        EveryKind::MODEL.column("token").unwrap().read(),
        ColumnRead::Deferred
    );
    for column in EveryKind::MODEL.columns.iter().filter(|c| c.fake.is_some()) {
        let quoted = ident(column.name);
        assert!(
            !list.split(", ").any(|item| item == quoted),
            "{} is never selected as a value",
            column.name
        );
    }
}

/// A role that may read only whether each value is NULL or empty cannot
/// exist in PostgreSQL (any mention of a column needs SELECT on it), so the
/// proof that values stay on the server is the other way round: a role with
/// no SELECT on the NOT NULL faked columns still slices, with those columns
/// left out of every query (each row gets a fake), and a role with no SELECT
/// on a nullable one is refused up front, naming the column, instead of
/// guessing which rows are NULL.
#[test]
fn without_select_on_a_faked_column_not_null_ones_are_left_out_and_nullable_ones_refused() {
    let source = every_kind_db("fake_empty_role");
    let role = create_role("fake_blind");
    let name = role.name();
    let readable: Vec<String> = ["id", "token", "born"]
        .iter()
        .map(|c| c.to_string())
        .chain(NAMES.iter().map(|k| format!("{k}_n")))
        .collect();
    source.execute(&format!(
        "GRANT USAGE ON SCHEMA public TO {name}; GRANT SELECT ({}) ON every_kind TO {name};",
        readable.join(", ")
    ));
    let scratch = Scratch::new("empty_role");
    let dir = scratch.path("slice");
    let mut reader = postgres::Client::connect(&source.url_as(name), NoTls).unwrap();
    download(
        &mut reader,
        &[ImportJob::<EveryKind>::new()],
        &dir,
        &options(2, Default::default()),
    )
    .unwrap_or_else(|e| panic!("the NOT NULL fakes need no privilege: {e}"));
    let csv = dataslicer_dev::Csv::read(&dir, "every_kind.csv");
    let emails = csv.values("email_nn");
    assert!(
        emails
            .iter()
            .all(|e| e.as_deref().is_some_and(looks_like_email))
    );
    let nullable = csv.values("email_n");
    assert!(
        nullable.iter().any(Option::is_none) && nullable.iter().any(|v| v.as_deref() == Some(""))
    );

    source.execute(&format!(
        "REVOKE SELECT (phone_number_n) ON every_kind FROM {name};"
    ));
    let again = scratch.path("again");
    let error = download(
        &mut reader,
        &[ImportJob::<EveryKind>::new()],
        &again,
        &options(2, Default::default()),
    )
    .expect_err("NULLs of phone_number_n cannot be told without SELECT on it");
    let Error::Schema { table, message } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(table, "every_kind");
    assert!(
        message.contains("phone_number_n") && message.contains("GRANT SELECT"),
        "{message}"
    );
    assert!(!again.exists());
}
