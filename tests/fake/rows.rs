//! A fake that depends on nothing but the seed, the row and the column (not
//! `unique`, not `with`) is a function of them: each row gets exactly the
//! fake a faker of its own gives it, whatever the table around it (records
//! with line breaks and quotes, records longer than the export's read
//! chunks, NULL and empty values, a `unique` and a `with` column beside
//! them). That is what would let such fakes be made on other threads.

use super::support::*;
use dataslicer::TableName;
use dataslicer::fake::{ColumnFaker, FakeInput, Locale};
use dataslicer::prelude::*;
use dataslicer_dev::{Scratch, TestDb};

/// The nickname a `with` function makes from the row's (faked) first name.
fn nickname(input: &mut FakeInput<'_>) -> String {
    let first = input.get("first_name").unwrap_or("x").to_lowercase();
    format!("{first}{}", input.rng().random_range(10..100))
}

#[derive(Importer)]
#[table("member")]
struct Member {
    id: i64,
    #[fake(first_name)]
    first_name: Option<String>,
    #[fake(street_address)]
    address: String,
    #[fake(email, unique)]
    email: String,
    #[fake(with = nickname)]
    nickname: String,
    /// Long text with line breaks, quotes and commas, copied as it is.
    bio: Option<String>,
}

const ROWS: i64 = 6_000;

fn schema() -> String {
    format!(
        "CREATE TABLE member (id bigint PRIMARY KEY, first_name varchar(40),
             address varchar(60) NOT NULL, email varchar(80) NOT NULL UNIQUE,
             nickname varchar(60) NOT NULL, bio text);
         INSERT INTO member SELECT g,
             CASE WHEN g % 11 = 0 THEN NULL WHEN g % 13 = 0 THEN '' ELSE 'First' || g END,
             CASE WHEN g % 17 = 0 THEN '' ELSE g || ' Main Street' END,
             'member' || g || '@corp.example', 'nick' || g,
             CASE WHEN g % 5 = 0 THEN NULL
                  -- A few records longer than a chunk.
                  WHEN g % 1499 = 0 THEN repeat('long \"' || g || '\", line' || chr(10), 9000)
                  ELSE repeat('line \"' || g || '\", with, commas' || chr(10), 1 + g % 40) END
           FROM generate_series(1, {ROWS}) g;"
    )
}

#[test]
fn plain_fakes_are_each_rows_own_whatever_the_table_around_them() {
    let db = TestDb::create("fake_ahead");
    db.execute(&schema());
    let scratch = Scratch::new("fake-ahead");
    let dir = scratch.path("slice");
    let manifest = run(&db, &[ImportJob::<Member>::new()], &dir, 21);
    assert_eq!(manifest.tables[0].rows, ROWS as u64);
    let size = std::fs::metadata(dir.join("member.csv")).unwrap().len();
    assert!(size > 2 << 20, "the file spans many chunks: {size} bytes");

    let table = TableName::new(None, "member");
    let faker = |name: &str, max: usize| {
        let column = Member::MODEL.column(name).unwrap();
        ColumnFaker::new(21, Locale::En, table, column, Some(max)).unwrap()
    };
    let (mut first_name, mut address) = (faker("first_name", 40), faker("address", 60));
    let originals: std::collections::BTreeMap<i64, (Option<String>, Option<String>)> = db
        .client()
        .query("SELECT id, first_name, bio FROM member", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2))))
        .collect();
    let mut reader = csv::Reader::from_path(dir.join("member.csv")).unwrap();
    let mut emails = std::collections::HashSet::new();
    let mut rows = 0;
    for record in reader.byte_records() {
        let record = record.unwrap();
        let text = |i: usize| String::from_utf8(record[i].to_vec()).unwrap();
        let id: i64 = text(0).parse().unwrap();
        let key = id.to_string();
        let (original_first, bio) = &originals[&id];
        match original_first.as_deref() {
            // NULL and the empty string stay as they were.
            None => assert!(record[1].is_empty(), "{id}: NULL first name"),
            Some("") => assert_eq!(text(1), "", "{id}"),
            Some(_) => assert_eq!(
                text(1),
                first_name.fake(&key, None, &[]).unwrap(),
                "row {id}"
            ),
        }
        if id % 17 == 0 {
            assert_eq!(text(2), "", "{id}: an empty address stays empty");
        } else {
            assert_eq!(text(2), address.fake(&key, None, &[]).unwrap(), "row {id}");
        }
        assert!(emails.insert(text(3)), "{id}: a unique e-mail");
        assert!(text(3).contains('@'));
        assert_ne!(text(4), format!("nick{id}"), "{id}: the nickname is faked");
        assert_eq!(
            bio.as_deref().unwrap_or(""),
            text(5),
            "{id}: the bio is copied"
        );
        rows += 1;
    }
    assert_eq!(rows, ROWS);
    // The `with` function saw the row's faked first name.
    let mut reader = csv::Reader::from_path(dir.join("member.csv")).unwrap();
    let seen = reader
        .records()
        .map(Result::unwrap)
        .filter(|r| !r[1].is_empty())
        .filter(|r| r[4].starts_with(&r[1].to_lowercase()))
        .count();
    assert!(
        seen > 4_000,
        "only {seen} nicknames follow the faked first name"
    );
}
