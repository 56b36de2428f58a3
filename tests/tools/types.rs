//! Column types Django creates that a generated model reads as `String`
//! (intervals, IP addresses, arrays, citext, enums, ranges, hstore): they
//! slice and load back unchanged.

use dataslicer::IfExists;
use dataslicer::prelude::*;
use dataslicer_dev::{Scratch, TestDb};

#[derive(Importer)]
#[table("odd_types")]
struct OddTypes {
    id: i64,
    spent: String,
    ip: Option<String>,
    net: String,
    tags: String,
    ints: Option<String>,
    email: String,
    mood: String,
    span: String,
    extra: String,
}

#[test]
fn text_read_columns_slice_and_load_back_unchanged() {
    let source = TestDb::create("types_source");
    source.execute(
        "CREATE EXTENSION IF NOT EXISTS citext; CREATE EXTENSION IF NOT EXISTS hstore;
         CREATE TYPE mood AS ENUM ('happy', 'sad');
         CREATE TABLE odd_types (id bigint PRIMARY KEY, spent interval NOT NULL, ip inet, net cidr NOT NULL,
             tags text[] NOT NULL, ints integer[], email citext NOT NULL, mood mood NOT NULL,
             span int4range NOT NULL, extra hstore NOT NULL);
         INSERT INTO odd_types VALUES
           (1, '1 day 02:03:04', '10.0.0.1', '10.0.0.0/8', '{a,\"b c\",\"d,e\"}', '{1,2,NULL}', 'A@X.org', 'happy', '[1,5)', 'a=>1, \"b c\"=>NULL'),
           (2, '-3 mons', NULL, '::1/128', '{}', NULL, 'b@x.org', 'sad', 'empty', '');",
    );
    let target = TestDb::create_from_schema_of("types_target", &source);
    let scratch = Scratch::new("types");
    let dir = scratch.path("slice");
    let jobs = vec![ImportJob::<OddTypes>::new()];
    dataslicer::download(&mut source.client(), &jobs, &dir, &Options::default()).expect("slice");
    dataslicer::load(&dir, &mut target.client(), IfExists::Fail).expect("load");
    let rows = |db: &TestDb| -> Vec<String> {
        db.client()
            .query("SELECT t::text FROM odd_types t ORDER BY id", &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    assert_eq!(rows(&target), rows(&source));
}
