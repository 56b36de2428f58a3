//! The upward closure: every parent a row needs, through models that are no
//! job, self-references and cycles; optional foreign keys written as NULL
//! when their parent is not in the slice.

use super::support::*;
use dataslicer::prelude::*;
use dataslicer_dev::TestDb;
use std::collections::BTreeSet;

fn set<const N: usize>(ids: [i64; N]) -> BTreeSet<i64> {
    ids.into_iter().collect()
}

#[derive(Importer)]
#[table("category")]
struct Category {
    id: i32,
    name: String,
    #[fk(Category)]
    parent_id: Option<i32>,
}

#[derive(Importer)]
#[table("article")]
struct Article {
    id: i32,
    #[fk(Category)]
    category_id: i32,
    title: String,
}

const CATEGORIES: &str = "
    CREATE TABLE category (
        id int PRIMARY KEY,
        name text NOT NULL,
        parent_id int REFERENCES category DEFERRABLE INITIALLY DEFERRED
    );
    CREATE TABLE article (
        id int PRIMARY KEY,
        category_id int NOT NULL REFERENCES category,
        title text NOT NULL
    );
    -- 10 -> 20 -> 30 -> 40 (root); 50 is another child of 40, 60 of 20.
    -- Parents have larger keys than children, so files list children first.
    INSERT INTO category VALUES
        (40, 'root', NULL), (30, 'level 1', 40), (20, 'level 2', 30),
        (10, 'leaf', 20), (50, 'sibling', 40), (60, 'cousin', 20), (70, 'alone', NULL);
    INSERT INTO article VALUES
        (1, 10, 'in the leaf'), (2, 50, 'in the sibling'), (3, 60, 'in the cousin');
";

#[test]
fn parent_chain_of_a_self_reference_is_closed_through_a_model_that_is_no_job() {
    let source = TestDb::create("slice_chain");
    source.execute(CATEGORIES);
    let scratch = Scratch::new("chain");
    let dir = scratch.path("slice");
    let jobs = [ImportJob::<Article>::new().filter("id = $1", params![1_i32])];
    let manifest = slice(&source, jobs, &dir, 1);

    assert_eq!(Csv::read(&dir, "article.csv").ints("id"), set([1]));
    assert_eq!(
        Csv::read(&dir, "category.csv").ints("id"),
        set([10, 20, 30, 40]),
        "the leaf and its three ancestors; no sibling, cousin or unrelated category"
    );
    assert_eq!(table_names(&manifest), ["category", "article"]);
    let target = TestDb::create_from_schema_of("slice_chain_copy", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
}

#[test]
fn self_referencing_job_pulls_its_ancestors_but_not_their_children() {
    let source = TestDb::create("slice_chain_job");
    source.execute(CATEGORIES);
    let scratch = Scratch::new("chain_job");
    let dir = scratch.path("slice");
    let jobs = [
        ImportJob::<Category>::new().filter("name = $1", params!["leaf"]),
        ImportJob::<Article>::new(),
    ];
    let manifest = slice(&source, jobs, &dir, 1);
    assert_eq!(
        Csv::read(&dir, "category.csv").ints("id"),
        set([10, 20, 30, 40])
    );
    // Articles follow the selected leaf only: the ancestors came in through
    // the closure and bring none of their children (article 2 and 3 are in
    // categories 50 and 60, children of ancestors).
    assert_eq!(Csv::read(&dir, "article.csv").ints("id"), set([1]));
    let target = TestDb::create_from_schema_of("slice_chain_job_copy", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
}

#[derive(Importer)]
#[table("team")]
struct Team {
    id: i32,
    name: String,
    #[fk(Player)]
    captain_id: Option<i32>,
}

#[derive(Importer)]
#[table("player")]
struct Player {
    id: i32,
    #[fk(Team)]
    team_id: i32,
    name: String,
}

#[test]
fn cycle_between_two_tables_is_closed_and_loads() {
    let source = TestDb::create("slice_cycle");
    source.execute(
        "CREATE TABLE team (id int PRIMARY KEY, name text NOT NULL, captain_id int);
         CREATE TABLE player (
             id int PRIMARY KEY,
             team_id int NOT NULL REFERENCES team DEFERRABLE INITIALLY DEFERRED,
             name text NOT NULL
         );
         ALTER TABLE team ADD FOREIGN KEY (captain_id) REFERENCES player
             DEFERRABLE INITIALLY DEFERRED;
         BEGIN;
         -- Team t has players 10t+1..10t+3; its captain plays for team t+1
         -- (team 6 is captained by its own player 61, team 7 by nobody).
         INSERT INTO team SELECT t, 'team ' || t, CASE WHEN t < 6 THEN 10 * (t + 1) + 1
                                                       WHEN t = 6 THEN 61 END
             FROM generate_series(1, 7) t;
         INSERT INTO player SELECT 10 * t + k, t, 'player ' || (10 * t + k)
             FROM generate_series(1, 7) t, generate_series(1, 3) k;
         COMMIT;",
    );
    let scratch = Scratch::new("cycle");
    let dir = scratch.path("slice");
    let jobs = [
        ImportJob::<Team>::new().filter("id = $1", params![1_i32]),
        ImportJob::<Player>::new(),
    ];
    let manifest = slice(&source, jobs, &dir, 1);
    assert_eq!(
        Csv::read(&dir, "team.csv").ints("id"),
        set([1, 2, 3, 4, 5, 6]),
        "captain to team to captain, until the chain ends"
    );
    assert_eq!(
        Csv::read(&dir, "player.csv").ints("id"),
        set([11, 12, 13, 21, 31, 41, 51, 61]),
        "team 1's players, then only the captains the closure needed"
    );
    let target = TestDb::create_from_schema_of("slice_cycle_copy", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
}

#[test]
fn cycle_is_closed_from_the_child_side_through_a_parent_that_is_no_job() {
    let source = TestDb::create("slice_cycle_rev");
    source.execute(
        "CREATE TABLE team (id int PRIMARY KEY, name text NOT NULL, captain_id int);
         CREATE TABLE player (
             id int PRIMARY KEY,
             team_id int NOT NULL REFERENCES team DEFERRABLE INITIALLY DEFERRED,
             name text NOT NULL
         );
         ALTER TABLE team ADD FOREIGN KEY (captain_id) REFERENCES player
             DEFERRABLE INITIALLY DEFERRED;
         BEGIN;
         INSERT INTO team SELECT t, 'team ' || t, 10 * (1 + t % 5) + 1 FROM generate_series(1, 5) t;
         INSERT INTO player SELECT 10 * t + k, t, 'player ' || (10 * t + k)
             FROM generate_series(1, 5) t, generate_series(1, 3) k;
         COMMIT;",
    );
    let scratch = Scratch::new("cycle_rev");
    let dir = scratch.path("slice");
    // Only players are a job; teams come in as parents, and bring captains.
    let jobs = [ImportJob::<Player>::new().filter("id = $1", params![32_i32])];
    let manifest = slice(&source, jobs, &dir, 1);
    // Player 32 -> team 3 -> captain 41 -> team 4 -> captain 51 -> team 5
    // -> captain 11 -> team 1 -> captain 21 -> team 2 -> captain 31.
    assert_eq!(Csv::read(&dir, "team.csv").ints("id"), set([1, 2, 3, 4, 5]));
    assert_eq!(
        Csv::read(&dir, "player.csv").ints("id"),
        set([11, 21, 31, 32, 41, 51])
    );
    let target = TestDb::create_from_schema_of("slice_cycle_rev_copy", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
}

#[derive(Importer)]
#[table("person")]
struct Person {
    id: i64,
    name: String,
    /// Optional: NULL in the slice when the mentor is not in it.
    #[fk(Person, optional)]
    mentor_id: Option<i64>,
    /// Not optional: the buddy comes along.
    #[fk(Person)]
    buddy_id: Option<i64>,
}

const PEOPLE: &str = "
    CREATE TABLE person (
        id bigint PRIMARY KEY,
        name text NOT NULL,
        mentor_id bigint REFERENCES person,
        buddy_id bigint REFERENCES person
    );
    INSERT INTO person (id, name) SELECT g, 'person ' || g FROM generate_series(1, 100) g;
";

#[test]
fn optional_fk_is_nulled_when_parent_not_sampled_and_kept_when_it_is() {
    let source = TestDb::create("slice_optional");
    source.execute(PEOPLE);
    source.execute(
        "UPDATE person SET mentor_id = id + 5 WHERE id <= 5;          -- 6..10: selected
         UPDATE person SET mentor_id = id + 44 WHERE id IN (6, 7, 8); -- 50..52: not
         UPDATE person SET mentor_id = 60 WHERE id = 9;               -- 60: pulled in
         UPDATE person SET buddy_id = 60 WHERE id = 10;               -- by 10's buddy key
         UPDATE person SET mentor_id = 61, buddy_id = 70 WHERE id = 60;",
    );
    let scratch = Scratch::new("optional");
    let dir = scratch.path("slice");
    // Ten rows match; a sample of ten takes them all.
    let jobs = [ImportJob::<Person>::new()
        .filter("id <= $1", params![10_i64])
        .sample(10)];
    let manifest = slice(&source, jobs, &dir, 5);
    let csv = Csv::read(&dir, "person.csv");
    assert_eq!(
        csv.ints("id"),
        (1..=10).chain([60, 70]).collect::<BTreeSet<i64>>(),
        "the ten, 10's buddy 60 and 60's buddy 70; no mentor is pulled in"
    );
    let mentor = |id: i64| csv.get("id", &id.to_string(), "mentor_id");
    for id in 1..=5 {
        assert_eq!(
            mentor(id),
            Some((id + 5).to_string()),
            "mentor of {id} is in"
        );
    }
    for id in 6..=8 {
        assert_eq!(mentor(id), None, "mentor of {id} is not in the slice");
    }
    assert_eq!(
        mentor(9),
        Some("60".into()),
        "60 is in, through the closure"
    );
    assert_eq!(mentor(10), None, "NULL in the source");
    assert_eq!(mentor(60), None, "61 is not in the slice");
    assert_eq!(csv.get("id", "60", "buddy_id"), Some("70".into()));
    let target = TestDb::create_from_schema_of("slice_optional_copy", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
}

#[test]
fn optional_fk_of_sampled_rows_points_only_inside_the_slice() {
    let source = TestDb::create("slice_optional_random");
    source.execute(PEOPLE);
    source.execute("UPDATE person SET mentor_id = 1 + (id * 37) % 100");
    let scratch = Scratch::new("optional_random");
    let dir = scratch.path("slice");
    let jobs = [ImportJob::<Person>::new().sample(30)];
    slice(&source, jobs, &dir, 11);
    let csv = Csv::read(&dir, "person.csv");
    let ids = csv.ints("id");
    assert_eq!(ids.len(), 30, "optional keys pull nothing in");
    let (mut kept, mut nulled) = (0, 0);
    for id in &ids {
        let expected = 1 + (id * 37) % 100;
        match csv.get("id", &id.to_string(), "mentor_id") {
            Some(m) => {
                assert_eq!(m, expected.to_string());
                assert!(ids.contains(&expected));
                kept += 1;
            }
            None => {
                assert!(!ids.contains(&expected), "mentor {expected} of {id} is in");
                nulled += 1;
            }
        }
    }
    assert!(nulled > 0, "some mentors are outside a sample of 30 in 100");
    let _ = kept;
    let target = TestDb::create_from_schema_of("slice_optional_random_copy", &source);
    load_ok(&dir, &target);
}

#[derive(Importer)]
#[table("country")]
struct Country {
    #[pk]
    code: String,
    name: String,
}

#[derive(Importer)]
#[table("city")]
struct City {
    id: i32,
    #[fk(Country)]
    country_code: String,
    name: String,
}

#[derive(Importer)]
#[table("resident")]
struct Resident {
    id: i64,
    #[fk(City)]
    city_id: i32,
    name: String,
}

#[test]
fn parents_that_are_no_job_hold_only_the_rows_the_slice_needs() {
    let source = TestDb::create("slice_nojob");
    source.execute(
        "CREATE TABLE country (code text PRIMARY KEY, name text NOT NULL);
         CREATE TABLE city (id int PRIMARY KEY, country_code text NOT NULL REFERENCES country,
                            name text NOT NULL);
         CREATE TABLE resident (id bigint PRIMARY KEY, city_id int NOT NULL REFERENCES city,
                                name text NOT NULL);
         INSERT INTO country VALUES ('NO', 'Norway'), ('SE', 'Sweden'), ('DK', 'Denmark');
         INSERT INTO city VALUES (1, 'NO', 'Oslo'), (2, 'NO', 'Bergen'), (3, 'SE', 'Lund'),
                                 (4, 'DK', 'Aarhus');
         INSERT INTO resident SELECT g, 1 + g % 4, 'resident ' || g FROM generate_series(1, 40) g;",
    );
    let scratch = Scratch::new("nojob");
    let dir = scratch.path("slice");
    // Residents of Bergen (2) and Lund (3) only.
    let jobs = [ImportJob::<Resident>::new().filter("city_id IN (2, 3)", params![])];
    let manifest = slice(&source, jobs, &dir, 1);
    assert_eq!(table_names(&manifest), ["country", "city", "resident"]);
    assert_eq!(Csv::read(&dir, "resident.csv").rows.len(), 20);
    assert_eq!(Csv::read(&dir, "city.csv").ints("id"), set([2, 3]));
    assert_eq!(
        Csv::read(&dir, "country.csv").texts("code"),
        ["NO", "SE"].map(String::from).into_iter().collect(),
        "two levels up, through a text key"
    );
    let target = TestDb::create_from_schema_of("slice_nojob_copy", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
}

#[test]
fn whole_table_gets_its_parent_whole_only_when_it_references_every_parent_row() {
    let source = TestDb::create("slice_whole_parent");
    source.execute(CATEGORIES);
    let scratch = Scratch::new("whole_parent");
    // Articles in 10, 50 and 60: their ancestors come too, 70 does not.
    let dir = scratch.path("some");
    let manifest = slice(&source, [ImportJob::<Article>::new()], &dir, 1);
    assert_eq!(
        Csv::read(&dir, "category.csv").ints("id"),
        set([10, 20, 30, 40, 50, 60])
    );
    let target = TestDb::create_from_schema_of("slice_whole_parent_some", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
    // An article in every category: every category, the unrelated one too.
    source.execute("INSERT INTO article SELECT 100 + id, id, 'more' FROM category");
    let dir = scratch.path("every");
    let manifest = slice(&source, [ImportJob::<Article>::new()], &dir, 1);
    assert_eq!(
        Csv::read(&dir, "category.csv").ints("id"),
        set([10, 20, 30, 40, 50, 60, 70])
    );
    let target = TestDb::create_from_schema_of("slice_whole_parent_every", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
}
