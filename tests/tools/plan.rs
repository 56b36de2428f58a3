//! An exporter's `plan --from URL --format json`: the walk, the SQL and the
//! planner's estimates.

use dataslicer::cli::App;
use dataslicer::prelude::*;
use dataslicer_dev::TestDb;

// Table names of this module's own, and `--only plan_*`: every model of the
// test binary takes part in the walk (tests/derive.rs has a generic relation
// that descends from any table).

#[derive(Importer)]
#[table("plan_site")]
struct Site {
    id: i32,
}

#[derive(Importer)]
#[table("plan_customer")]
struct Customer {
    id: i64,
    #[fk(Site)]
    site_id: i32,
    #[fk(Customer, no_descend)]
    referred_by_id: Option<i64>,
}

#[derive(Importer)]
#[table("plan_order")]
struct Order {
    id: i64,
    #[fk(Customer)]
    customer_id: i64,
}

fn plan(args: &[&str]) -> String {
    let jobs = vec![ImportJob::<Customer>::new().sample(20).descendants()];
    let mut argv = vec!["shop", "plan", "--only", "plan_*"];
    argv.extend(args);
    App::new("shop", jobs).run_with(argv).expect("plan")
}

#[test]
fn plan_json_holds_the_walk_the_sql_and_planner_estimates() {
    let db = TestDb::create("plan_estimates");
    db.execute(
        "CREATE TABLE plan_site (id int PRIMARY KEY);
         CREATE TABLE plan_customer (id bigint PRIMARY KEY, site_id int NOT NULL REFERENCES plan_site,
                                     referred_by_id bigint REFERENCES plan_customer);
         CREATE TABLE plan_order (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES plan_customer);
         INSERT INTO plan_site SELECT generate_series(1, 3);
         INSERT INTO plan_customer SELECT g, 1 + g % 3, CASE WHEN g > 10 THEN g / 2 END FROM generate_series(1, 400) g;
         INSERT INTO plan_order SELECT g, 1 + g % 400 FROM generate_series(1, 2000) g;
         ANALYZE;",
    );
    let out = plan(&["--from", db.url(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let tables = json["tables"].as_array().unwrap();
    let table = |name: &str| {
        tables
            .iter()
            .find(|t| t["table"] == name)
            .unwrap_or_else(|| panic!("{name} in {json}"))
    };
    let customers = table("plan_customer");
    assert_eq!(customers["estimated_rows"], 20.0, "{customers}");
    assert_eq!(customers["table_rows"], 400.0, "{customers}");
    assert!(
        customers["sql"]
            .as_str()
            .unwrap()
            .contains("FROM \"plan_customer\"")
    );
    let orders = table("plan_order");
    let estimated = orders["estimated_rows"].as_f64().unwrap();
    // 2000 orders, 5 per customer: a twentieth of 400 customers has ~100.
    assert!((90.0..=110.0).contains(&estimated), "{orders}");
    assert!(
        orders["sql"]
            .as_str()
            .unwrap()
            .contains("\"customer_id\" = ANY(:keys_of_plan_customer)"),
        "{orders}"
    );
    assert!(
        orders["reasons"][0]
            .as_str()
            .unwrap()
            .contains("below plan_customer")
    );
    let sites = table("plan_site");
    assert!(sites["estimated_rows"].as_f64().unwrap() <= 3.0, "{sites}");
    let positions: Vec<u64> = ["plan_site", "plan_customer", "plan_order"]
        .iter()
        .map(|t| table(t)["load_position"].as_u64().unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    let total = json["estimated_total"].as_f64().unwrap();
    let sum: f64 = tables
        .iter()
        .map(|t| t["estimated_rows"].as_f64().unwrap())
        .sum();
    assert_eq!(total, sum);

    let text = plan(&["--from", db.url()]);
    assert!(text.contains("total") && text.contains("~"), "{text}");
}

#[test]
fn plan_without_a_database_has_sql_but_no_estimates() {
    let json: serde_json::Value = serde_json::from_str(&plan(&["--format", "json"])).unwrap();
    assert!(json["estimated_total"].is_null());
    assert!(
        json["tables"][0]["sql"]
            .as_str()
            .unwrap()
            .starts_with("SELECT ")
    );
}
