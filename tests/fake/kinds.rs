//! What each way of faking writes: `with` functions, `value` constants,
//! `unique` on a small pool, and a nullable column holding `''` (kept).

use super::support::*;
use dataslicer::fake::FakeInput;
use dataslicer::prelude::*;
use dataslicer_dev::TestDb;
use rand::RngExt;
use std::collections::HashSet;

/// `first_name || ' ' || last_name`, from the row's faked names.
fn search_text(input: &mut FakeInput<'_>) -> String {
    let first = input.get("first_name").expect("the faked first name");
    let last = input.get("last_name").expect("the faked last name");
    format!("{first} {last}")
}

/// The key, an unfaked column and 64 bits drawn from the row's generator.
fn token(input: &mut FakeInput<'_>) -> String {
    let bits: u64 = input.rng().random();
    let country = input.get("country_code").unwrap_or("-").to_owned();
    format!("{}/{country}/{bits:016x}", input.key())
}

/// The `with` columns come first: they still see the faked names.
#[derive(Importer)]
#[table("person")]
struct Person {
    id: i64,
    #[fake(with = search_text)]
    search_text: String,
    #[fake(with = token)]
    token: String,
    #[fake(first_name)]
    first_name: String,
    #[fake(last_name)]
    last_name: String,
    country_code: String,
}

const PEOPLE: &str = "
    CREATE TABLE person (id bigint PRIMARY KEY, search_text varchar(200) NOT NULL,
                         token text NOT NULL, first_name varchar(30) NOT NULL,
                         last_name varchar(150) NOT NULL, country_code char(2) NOT NULL);
    INSERT INTO person (id, first_name, last_name, search_text, token, country_code)
      SELECT g, 'Firstname' || g, 'Lastname' || md5(g::text),
             'Firstname' || g || ' Lastname' || md5(g::text), 'secret-token-' || g, 'NO'
      FROM generate_series(1, 500) g;
";

#[test]
fn a_with_function_gets_the_faked_row_and_a_seeded_generator_and_its_output_is_used() {
    let source = TestDb::create("fake_with");
    source.execute(PEOPLE);
    let scratch = Scratch::new("with");
    let jobs = [ImportJob::<Person>::new()];
    let dirs = [
        scratch.path("seed_3"),
        scratch.path("seed_3_again"),
        scratch.path("seed_4"),
    ];
    for (dir, seed) in dirs.iter().zip([3, 3, 4]) {
        run(&source, &jobs, dir, seed);
    }
    let csv = Csv::read(&dirs[0], "person.csv");
    assert_eq!(csv.rows.len(), 500);
    let (first, last) = (csv.column("first_name"), csv.column("last_name"));
    let (search, token, id) = (
        csv.column("search_text"),
        csv.column("token"),
        csv.column("id"),
    );
    for row in &csv.rows {
        let text = |i: usize| row[i].as_deref().expect("NOT NULL");
        assert_eq!(
            text(search),
            format!("{} {}", text(first), text(last)),
            "search_text is rebuilt from the faked names"
        );
        let parts: Vec<&str> = text(token).split('/').collect();
        assert_eq!(parts[..2], [text(id), "NO"], "{}", text(token));
        assert_eq!(parts[2].len(), 16, "{}", text(token));
    }
    // Each row has a generator of its own...
    let tokens: HashSet<String> = csv
        .texts("token")
        .iter()
        .map(|t| t.rsplit('/').next().unwrap().to_owned())
        .collect();
    assert_eq!(tokens.len(), 500, "the rows' generators differ");
    // ... seeded by the run's seed.
    assert_eq!(csv, Csv::read(&dirs[1], "person.csv"));
    let other = Csv::read(&dirs[2], "person.csv");
    assert!(
        csv.texts("token")
            .iter()
            .zip(other.texts("token"))
            .all(|(a, b)| *a != b),
        "another seed, other draws"
    );

    let mut client = source.client();
    let mut originals = Vec::new();
    for column in ["first_name", "last_name", "search_text", "token"] {
        originals.extend(
            source_by_id(&mut client, "person", column)
                .into_values()
                .flatten(),
        );
    }
    let found = leaked(&dirs[0], originals.iter().map(String::as_str));
    assert!(found.is_empty(), "originals in the slice: {found:?}");
    load_into_copy(&dirs[0], &source);
}

#[derive(Importer)]
#[table("note")]
struct Note {
    id: i64,
    #[fake(value = "redacted")]
    body: String,
    #[fake(value = "[removed, see ticket]")]
    remark: Option<String>,
}

#[test]
fn a_value_constant_is_written_in_every_row_and_null_stays_null() {
    let source = TestDb::create("fake_value");
    source.execute(
        "CREATE TABLE note (id bigint PRIMARY KEY, body text NOT NULL, remark varchar(40));
         INSERT INTO note SELECT g, 'private body ' || g,
                                 CASE WHEN g % 3 = 0 THEN NULL ELSE 'private remark ' || g END
           FROM generate_series(1, 300) g;",
    );
    let scratch = Scratch::new("value");
    let dir = scratch.path("slice");
    run(&source, &[ImportJob::<Note>::new()], &dir, 1);
    let csv = Csv::read(&dir, "note.csv");
    assert_eq!(csv.rows.len(), 300);
    assert!(
        csv.values("body")
            .iter()
            .all(|b| b.as_deref() == Some("redacted"))
    );
    let remarks = source_by_id(&mut source.client(), "note", "remark");
    for (id, remark) in csv.by_id("remark") {
        let expected = remarks[&id]
            .as_ref()
            .map(|_| "[removed, see ticket]".to_owned());
        assert_eq!(remark, expected, "note {id}");
    }
    load_into_copy(&dir, &source);
}

#[derive(Importer)]
#[table("profile")]
struct Profile {
    id: i64,
    #[fake(first_name)]
    nickname: Option<String>,
}

/// `''` and NULL are both kept: the tool reads `(nickname::text = '')`,
/// which tells NULL, `''` and a value apart without sending the value.
#[test]
fn an_empty_string_in_a_nullable_faked_column_stays_empty_and_null_stays_null() {
    let source = TestDb::create("fake_empty");
    source.execute(
        "CREATE TABLE profile (id bigint PRIMARY KEY, nickname varchar(20));
         INSERT INTO profile SELECT g, CASE g % 3 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'Nickname' || g END
           FROM generate_series(1, 300) g;",
    );
    let scratch = Scratch::new("empty");
    let dir = scratch.path("slice");
    run(&source, &[ImportJob::<Profile>::new()], &dir, 1);
    let originals = source_by_id(&mut source.client(), "profile", "nickname");
    for (id, nickname) in Csv::read(&dir, "profile.csv").by_id("nickname") {
        match (originals[&id].as_deref(), nickname.as_deref()) {
            (None, None) | (Some(""), Some("")) => {}
            (Some(original), Some(fake)) if !original.is_empty() => {
                assert!(
                    !fake.trim().is_empty(),
                    "profile {id}: {original:?} became {fake:?}"
                );
                assert_ne!(fake, original, "profile {id}");
            }
            (original, fake) => panic!("profile {id}: {original:?} became {fake:?}"),
        }
    }
    load_into_copy(&dir, &source);
}

#[derive(Importer)]
#[table("member")]
struct Member {
    id: i64,
    #[fake(first_name, unique)]
    first_name: String,
}

#[test]
fn unique_first_names_never_repeat_in_5000_rows_of_varchar_30() {
    let source = TestDb::create("fake_unique");
    source.execute(
        "CREATE TABLE member (id bigint PRIMARY KEY, first_name varchar(30) NOT NULL UNIQUE);
         INSERT INTO member SELECT g, 'Member' || g FROM generate_series(1, 5000) g;",
    );
    let scratch = Scratch::new("unique");
    let dir = scratch.path("slice");
    run(&source, &[ImportJob::<Member>::new()], &dir, 8);
    let names = Csv::read(&dir, "member.csv").texts("first_name");
    assert_eq!(names.len(), 5_000);
    let distinct: HashSet<&String> = names.iter().collect();
    assert_eq!(distinct.len(), names.len(), "duplicate first names");
    assert!(
        names
            .iter()
            .all(|n| n.chars().count() <= 30 && !n.trim().is_empty())
    );
    // The fake crate knows only a few thousand first names: some need the
    // numeric suffix, and keep a name in front of it.
    assert!(
        names
            .iter()
            .any(|n| n.ends_with(|c: char| c.is_ascii_digit()))
    );
    assert!(
        names.iter().all(|n| n.starts_with(char::is_alphabetic)),
        "{names:?}"
    );
    load_into_copy(&dir, &source);
}
