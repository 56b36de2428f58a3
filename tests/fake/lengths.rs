//! Length limits come from the live schema: a fake never has more
//! characters than its `varchar(n)` or `char(n)`, in any locale, and a fake
//! that cannot fit is refused before anything is written.

use super::support::*;
use dataslicer::fake::FakeInput;
use dataslicer::prelude::*;
use dataslicer::{Error, Locale};
use dataslicer_dev::TestDb;

/// Every text kind, in a column narrower than most of its values.
#[derive(Importer)]
#[table("contact")]
struct Contact {
    id: i64,
    #[fake(first_name)]
    first_name: String,
    #[fake(last_name)]
    last_name: String,
    #[fake(name)]
    full_name: String,
    #[fake(username)]
    username: String,
    #[fake(email)]
    email: String,
    #[fake(safe_email)]
    safe_email: String,
    #[fake(phone_number)]
    phone: Option<String>,
    #[fake(street_address)]
    street: String,
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
    website: String,
    #[fake(word)]
    word: String,
    #[fake(sentence)]
    sentence: String,
    #[fake(paragraph)]
    paragraph: String,
}

const CONTACTS: &str = "
    CREATE TABLE contact (
      id bigint PRIMARY KEY,
      first_name varchar(6) NOT NULL,
      last_name varchar(5) NOT NULL,
      full_name varchar(9) NOT NULL,
      username varchar(7) NOT NULL,
      email varchar(9) NOT NULL,
      safe_email varchar(11) NOT NULL,
      phone varchar(8),
      street varchar(10) NOT NULL,
      city char(7) NOT NULL,
      postcode varchar(5) NOT NULL,
      country varchar(6) NOT NULL,
      company varchar(8) NOT NULL,
      job_title varchar(9) NOT NULL,
      website varchar(13) NOT NULL,
      word varchar(3) NOT NULL,
      sentence varchar(14) NOT NULL,
      paragraph varchar(20) NOT NULL
    );
    INSERT INTO contact
      SELECT g, 'f', 'l', 'n', 'u', 'e@x.io', 's@x.test',
             CASE WHEN g % 4 = 0 THEN NULL ELSE '5550123' END,
             's', 'c', '1234', 'co', 'cmp', 'job', 'https://x.io', 'w', 's.', 'p.'
      FROM generate_series(1, 300) g;
";

#[test]
fn fakes_fit_the_live_varchar_and_char_limits_in_every_locale() {
    let source = TestDb::create("fake_lengths");
    source.execute(CONTACTS);
    let limits = char_limits(&mut source.client());
    assert_eq!(limits.len(), 17, "every faked column has a limit");
    let target = TestDb::create_from_schema_of("fake_lengths_copy", &source);
    let mut target_client = target.client();
    let scratch = Scratch::new("lengths");
    let jobs = [ImportJob::<Contact>::new()];
    for &locale in Locale::ALL {
        let dir = scratch.path(locale.name());
        try_run(&source, &jobs, &dir, &options(21, locale))
            .unwrap_or_else(|e| panic!("{locale}: {e}"));
        let over = over_limits(&dir, &limits);
        assert!(
            over.is_empty(),
            "{locale}: values over their limit: {over:?}"
        );
        let csv = Csv::read(&dir, "contact.csv");
        assert_eq!(csv.rows.len(), 300);
        for column in &csv.header {
            let values = csv.values(column);
            let empty = values
                .iter()
                .flatten()
                .filter(|v| v.trim().is_empty())
                .count();
            assert_eq!(empty, 0, "{locale}: {column} has empty fakes");
        }
        assert!(
            csv.texts("email").iter().all(|e| looks_like_email(e)),
            "{locale}: {:?}",
            csv.texts("email")
        );
        if locale == Locale::JaJp {
            // The locale reaches the fakes: Japanese names are not ASCII.
            assert!(
                csv.texts("first_name").iter().any(|n| !n.is_ascii()),
                "{:?}",
                csv.texts("first_name")
            );
        }
        // PostgreSQL agrees: every value loads into its column.
        if let Err(e) = load(&dir, &mut target_client, true) {
            panic!("{locale}: {}", dataslicer::error::pg(&e));
        }
    }
}

#[derive(Importer)]
#[table("login")]
struct Login {
    id: i64,
    #[fake(email)]
    email: String,
}

#[test]
fn an_email_in_varchar_8_fits_and_keeps_its_at() {
    let source = TestDb::create("fake_email_8");
    source.execute(
        "CREATE TABLE login (id bigint PRIMARY KEY, email varchar(8) NOT NULL);
         INSERT INTO login SELECT g, 'a' || g || '@b.c' FROM generate_series(1, 999) g;",
    );
    let scratch = Scratch::new("email_8");
    let dir = scratch.path("slice");
    run(&source, &[ImportJob::<Login>::new()], &dir, 4);
    let emails = Csv::read(&dir, "login.csv").texts("email");
    assert_eq!(emails.len(), 999);
    for email in &emails {
        assert!(email.chars().count() <= 8, "{email}");
        assert!(email.contains('@') && looks_like_email(email), "{email}");
        assert!(!email.ends_with("@b.c"), "{email} is an original");
    }
    load_into_copy(&dir, &source);
}

#[derive(Importer)]
#[table("blurb")]
struct Blurb {
    id: i64,
    #[fake(company, max_length = 12)]
    company: String,
}

#[test]
fn max_length_limits_a_column_the_schema_does_not() {
    let source = TestDb::create("fake_max_length");
    source.execute(
        "CREATE TABLE blurb (id bigint PRIMARY KEY, company text NOT NULL);
         INSERT INTO blurb SELECT g, 'Company ' || g FROM generate_series(1, 500) g;",
    );
    let scratch = Scratch::new("max_length");
    let dir = scratch.path("slice");
    run(&source, &[ImportJob::<Blurb>::new()], &dir, 4);
    let companies = Csv::read(&dir, "blurb.csv").texts("company");
    assert!(
        companies.iter().all(|c| c.chars().count() <= 12),
        "{companies:?}"
    );
    assert!(
        companies.iter().any(|c| c.chars().count() >= 10),
        "the limit cuts, it does not empty"
    );
}

#[derive(Importer)]
#[table("ledger")]
struct Ledger {
    id: i64,
    name: String,
}

#[derive(Importer)]
#[table("voucher")]
struct Voucher {
    id: i64,
    #[fake(uuid)]
    code: String,
}

#[test]
fn a_fake_that_cannot_fit_fails_before_any_output_naming_table_column_and_limit() {
    let source = TestDb::create("fake_cannot_fit");
    source.execute(
        "CREATE TABLE ledger (id bigint PRIMARY KEY, name text NOT NULL);
         CREATE TABLE voucher (id bigint PRIMARY KEY, code varchar(10) NOT NULL);
         INSERT INTO ledger SELECT g, 'ledger ' || g FROM generate_series(1, 10) g;
         INSERT INTO voucher SELECT g, 'V' || g FROM generate_series(1, 10) g;",
    );
    let scratch = Scratch::new("cannot_fit");
    let jobs = [ImportJob::<Ledger>::new(), ImportJob::<Voucher>::new()];
    let error = try_run(
        &source,
        &jobs,
        &scratch.path("slice"),
        &options(1, Locale::En),
    )
    .expect_err("a uuid does not fit in varchar(10)");
    let message = error.to_string();
    match &error {
        Error::Fake {
            table,
            column,
            message,
        } => {
            assert_eq!((table.as_str(), column.as_str()), ("voucher", "code"));
            assert!(message.contains("10"), "the limit: {message}");
        }
        other => panic!("expected Error::Fake, got {other:?}"),
    }
    assert!(
        message.contains("voucher") && message.contains("code") && message.contains("10"),
        "{message}"
    );
    assert!(
        scratch.entries().is_empty(),
        "no slice, no temporary directory: {:?}",
        scratch.entries()
    );
}

/// Longer than `varchar(10)`, whatever the row.
fn too_long(input: &mut FakeInput<'_>) -> String {
    format!("voucher-code-{}", input.key())
}

#[derive(Importer)]
#[table("voucher")]
struct LongVoucher {
    id: i64,
    #[fake(with = too_long)]
    code: String,
}

#[test]
fn a_with_function_over_the_limit_fails_and_leaves_no_directory() {
    let source = TestDb::create("fake_with_too_long");
    source.execute(
        "CREATE TABLE voucher (id bigint PRIMARY KEY, code varchar(10) NOT NULL);
         INSERT INTO voucher SELECT g, 'V' || g FROM generate_series(1, 10) g;",
    );
    let scratch = Scratch::new("with_too_long");
    let jobs = [ImportJob::<LongVoucher>::new()];
    let error = try_run(
        &source,
        &jobs,
        &scratch.path("slice"),
        &options(1, Locale::En),
    )
    .expect_err("a with function is never cut, so its long output is an error");
    let message = error.to_string();
    assert!(matches!(error, Error::Fake { .. }), "{error:?}");
    assert!(
        message.contains("voucher.code") && message.contains("limit of 10"),
        "{message}"
    );
    assert!(scratch.entries().is_empty(), "{:?}", scratch.entries());
}
