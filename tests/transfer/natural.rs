//! `#[natural_key(...)]`: a model whose rows every database holds under ids
//! of its own (a country list a migration seeds) is matched by its natural
//! key on load, and the references to it follow the target's ids.

use super::support::*;
use dataslicer::IfExists;
use dataslicer::prelude::*;
use dataslicer_dev::TestDb;
use std::collections::BTreeMap;

#[derive(Importer)]
#[table("geo_country")]
#[natural_key("code")]
struct Country {
    id: i32,
    code: String,
    name: String,
}

#[derive(Importer)]
#[table("geo_city")]
struct City {
    id: i64,
    #[fk(Country)]
    country_id: i32,
    name: String,
}

const SCHEMA: &str = "
    CREATE TABLE geo_country (id serial PRIMARY KEY, code char(2) NOT NULL UNIQUE, name text NOT NULL);
    CREATE TABLE geo_city (id bigserial PRIMARY KEY,
                           country_id int NOT NULL REFERENCES geo_country (id), name text NOT NULL);
";

fn jobs() -> Vec<ImportJob> {
    vec![ImportJob::<City>::new(), ImportJob::<Country>::new()]
}

/// Each city's country code, by city.
fn cities(db: &TestDb) -> BTreeMap<i64, String> {
    db.client()
        .query(
            "SELECT c.id, k.code::text FROM geo_city c JOIN geo_country k ON k.id = c.country_id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn a_natural_key_model_is_matched_by_its_key_and_references_follow_the_target_ids() {
    let source = TestDb::create("transfer_natural");
    source.execute(SCHEMA);
    source.execute(
        "INSERT INTO geo_country (code, name) VALUES ('NO', 'Norway'), ('SE', 'Sweden'), ('FI', 'Finland');
         INSERT INTO geo_city (country_id, name) SELECT 1 + g % 3, 'City ' || g FROM generate_series(1, 30) g;",
    );
    let scratch = Scratch::new("natural");
    let dir = scratch.path("slice");
    ok(pg_to_dir(&source, &jobs(), &dir, 1), "export");
    assert_eq!(
        read_manifest(&dir)
            .tables
            .iter()
            .find(|t| t.table == "geo_country")
            .unwrap()
            .natural_key,
        ["code"]
    );

    for route in ["load", "postgres -> postgres"] {
        // The target's own countries: other ids, other names, one missing
        // (Sweden), whose id (2) another country has.
        let target = TestDb::create_from_schema_of("transfer_natural_target", &source);
        target.execute(
            "INSERT INTO geo_country (id, code, name) VALUES (7, 'DK', 'Danmark'), (8, 'FI', 'Suomi'),
                                                          (9, 'NO', 'Norge'), (2, 'DE', 'Deutschland');
             SELECT setval('geo_country_id_seq', 9);",
        );
        match route {
            "load" => ok(load(&dir, &target, IfExists::Truncate), route),
            _ => ok(
                pg_to_pg(&source, &target, &jobs(), IfExists::Truncate, 1),
                route,
            ),
        };
        assert_eq!(
            cities(&target),
            cities(&source),
            "{route}: every city in its country"
        );
        let countries: BTreeMap<String, (i32, String)> = target
            .client()
            .query("SELECT code::text, id, name FROM geo_country", &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2))))
            .collect();
        assert_eq!(
            countries["NO"],
            (9, "Norge".to_string()),
            "{route}: untouched"
        );
        assert_eq!(
            countries["FI"],
            (8, "Suomi".to_string()),
            "{route}: untouched"
        );
        assert_eq!(countries["DK"], (7, "Danmark".to_string()), "{route}: kept");
        assert_eq!(
            countries["SE"].1, "Sweden",
            "{route}: the missing one inserted"
        );
        assert!(
            countries["SE"].0 > 9,
            "{route}: its own id is taken, so with an id of the target's sequence"
        );
        assert_eq!(
            countries["DE"],
            (2, "Deutschland".to_string()),
            "{route}: untouched"
        );
    }
}
