//! Load order: tables in the manifest's order with deferred constraints; a
//! cycle through foreign keys that cannot be deferred is loaded NULL first
//! and set afterwards, and ends with the source's values.

use super::support::*;
use dataslicer::prelude::*;
use dataslicer::{Error, IfExists};
use dataslicer_dev::TestDb;

/// Teams and players reference each other through NOT DEFERRABLE keys (a
/// team's captain may be NULL); nodes reference their parent, whose key is
/// larger than theirs, through a NOT DEFERRABLE self-reference.
const CYCLES: &str = "
    CREATE TABLE team (id int PRIMARY KEY, name text NOT NULL, captain_id int);
    CREATE TABLE player (id int PRIMARY KEY, team_id int NOT NULL REFERENCES team (id), name text NOT NULL);
    ALTER TABLE team ADD CONSTRAINT team_captain_fk FOREIGN KEY (captain_id) REFERENCES player (id);
    INSERT INTO team VALUES (1, 'red', NULL), (2, 'blue', NULL), (3, 'green', NULL);
    INSERT INTO player VALUES (10, 1, 'ann'), (11, 1, 'bob'), (20, 2, 'cid'), (30, 3, 'dee');
    UPDATE team SET captain_id = CASE id WHEN 1 THEN 11 WHEN 2 THEN 20 END;
    CREATE TABLE node (id int PRIMARY KEY, parent_id int REFERENCES node (id), label text NOT NULL);
    INSERT INTO node VALUES (50, NULL, 'root');
    INSERT INTO node VALUES (40, 50, 'a');
    INSERT INTO node VALUES (10, 40, 'a.a');
    INSERT INTO node VALUES (5, 10, 'a.a.a');
    INSERT INTO node VALUES (30, 50, 'b');
    INSERT INTO node VALUES (1, 1, 'its own parent');
";

const TABLES: [&str; 3] = ["team", "player", "node"];

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

#[derive(Importer)]
#[table("node")]
struct Node {
    id: i32,
    #[fk(Node)]
    parent_id: Option<i32>,
    label: String,
}

fn jobs() -> Vec<ImportJob> {
    vec![
        ImportJob::<Team>::new(),
        ImportJob::<Player>::new(),
        ImportJob::<Node>::new(),
    ]
}

fn source() -> TestDb {
    let db = TestDb::create("transfer_cycles");
    db.execute(CYCLES);
    let deferrable = db.query_scalar_i64(
        "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND condeferrable",
    );
    assert_eq!(deferrable, 0, "no foreign key may be deferred");
    db
}

#[test]
fn non_deferrable_cycles_load_null_first_and_end_with_the_sources_values_through_every_pair() {
    let source = source();
    let scratch = Scratch::new("cycles");
    let dir = scratch.path("slice");
    let manifest = ok(pg_to_dir(&source, &jobs(), &dir, 1), "export");
    let order: Vec<&str> = manifest.tables.iter().map(|t| t.table.as_str()).collect();
    assert!(
        order.iter().position(|t| *t == "team") < order.iter().position(|t| *t == "player"),
        "the team's key to its captain is the nullable one: {order:?}"
    );

    let loaded = TestDb::create_from_schema_of("transfer_cycles_load", &source);
    ok(load(&dir, &loaded, IfExists::Fail), "load");
    assert_same_tables(&source, &loaded, &TABLES);

    let direct = TestDb::create_from_schema_of("transfer_cycles_pg", &source);
    ok(
        pg_to_pg(&source, &direct, &jobs(), IfExists::Fail, 1),
        "postgres -> postgres",
    );
    assert_same_tables(&source, &direct, &TABLES);

    let from_dir = TestDb::create_from_schema_of("transfer_cycles_dir", &source);
    ok(
        dir_to_pg(&dir, &from_dir, &jobs(), IfExists::Fail, 1),
        "directory -> postgres",
    );
    assert_same_tables(&source, &from_dir, &TABLES);

    let via_cli = TestDb::create_from_schema_of("transfer_cycles_cli", &source);
    ok(
        cli(
            jobs(),
            &["load", "--from", arg(&dir), "--to", via_cli.url()],
        ),
        "shop load",
    );
    assert_same_tables(&source, &via_cli, &TABLES);

    // Truncate: the cycle is loaded again over itself.
    ok(
        load(&dir, &loaded, IfExists::Truncate),
        "load with truncate",
    );
    assert_same_tables(&source, &loaded, &TABLES);
}

#[test]
fn non_deferrable_cycles_merge_sets_only_the_rows_the_load_inserts() {
    let source = source();
    let scratch = Scratch::new("cycles-merge");
    let dir = scratch.path("slice");
    ok(pg_to_dir(&source, &jobs(), &dir, 1), "export");
    let target = TestDb::create_from_schema_of("transfer_cycles_merge", &source);
    // The target's own team 1 has no captain, and its own node 30 no parent.
    target.execute(
        "INSERT INTO team VALUES (1, 'mine', NULL); INSERT INTO node VALUES (30, NULL, 'mine');",
    );
    ok(load(&dir, &target, IfExists::Merge), "merge");
    assert_same_rows(&source, &target, "SELECT t::text FROM player AS t");
    assert_same_rows(
        &source,
        &target,
        "SELECT (CASE WHEN id = 1 THEN (1, 'mine', NULL)::team ELSE t END)::text FROM team AS t",
    );
    assert_same_rows(
        &source,
        &target,
        "SELECT (CASE WHEN id = 30 THEN (30, NULL, 'mine')::node ELSE t END)::text FROM node AS t",
    );
}

/// Two tables whose NOT NULL keys point at each other, neither deferrable.
#[derive(Importer)]
#[table("egg")]
struct Egg {
    id: i32,
    #[fk(Hen)]
    hen_id: i32,
}

#[derive(Importer)]
#[table("hen")]
struct Hen {
    id: i32,
    #[fk(Egg)]
    egg_id: i32,
}

#[test]
fn cycle_through_not_null_non_deferrable_keys_is_refused_naming_the_constraint() {
    let source = TestDb::create("transfer_hen_egg");
    source.execute(
        "CREATE TABLE egg (id int PRIMARY KEY, hen_id int NOT NULL); \
         CREATE TABLE hen (id int PRIMARY KEY, egg_id int NOT NULL); \
         INSERT INTO egg VALUES (1, 1); INSERT INTO hen VALUES (1, 1); \
         ALTER TABLE egg ADD CONSTRAINT egg_hen_fk FOREIGN KEY (hen_id) REFERENCES hen (id); \
         ALTER TABLE hen ADD CONSTRAINT hen_egg_fk FOREIGN KEY (egg_id) REFERENCES egg (id);",
    );
    let scratch = Scratch::new("hen-egg");
    let dir = scratch.path("slice");
    let jobs = vec![ImportJob::<Egg>::new(), ImportJob::<Hen>::new()];
    ok(pg_to_dir(&source, &jobs, &dir, 1), "export");
    let target = TestDb::create_from_schema_of("transfer_hen_egg_target", &source);
    let before = snapshot(&target);
    let error = err(
        load(&dir, &target, IfExists::Fail),
        "load of an unloadable cycle",
    );
    match &error {
        Error::Schema { message, .. } => assert!(
            message.contains("closes a cycle")
                && (message.contains("egg_hen_fk") || message.contains("hen_egg_fk")),
            "{error}"
        ),
        other => panic!("expected a schema error, got {other:?}"),
    }
    assert_unchanged(&before, &snapshot(&target));
}
