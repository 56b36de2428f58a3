//! `dataslicer verify`: a slice against its manifest and its own foreign keys.

use dataslicer::prelude::*;
use dataslicer_dev::{Scratch, TestDb};
use sha2::{Digest, Sha256};
use std::path::Path;

#[derive(Importer)]
#[table("django_site")]
struct Site {
    id: i32,
}

#[derive(Importer)]
#[table("accounts_customer")]
struct Customer {
    id: i64,
    #[fk(Site)]
    site_id: i32,
    #[fk(Customer)]
    referred_by_id: Option<i64>,
}

#[derive(Importer)]
#[table("orders_order")]
struct Order {
    id: i64,
    #[fk(Customer)]
    customer_id: i64,
}

fn slice(dir: &Path) {
    let db = TestDb::create("verify_shop");
    db.execute(
        "CREATE TABLE django_site (id int PRIMARY KEY);
         CREATE TABLE accounts_customer (id bigint PRIMARY KEY, site_id int NOT NULL REFERENCES django_site,
                                         referred_by_id bigint REFERENCES accounts_customer);
         CREATE TABLE orders_order (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES accounts_customer);
         INSERT INTO django_site SELECT generate_series(1, 3);
         INSERT INTO accounts_customer SELECT g, 1 + g % 3, CASE WHEN g > 10 THEN g / 2 END FROM generate_series(1, 300) g;
         INSERT INTO orders_order SELECT g, 1 + g % 300 FROM generate_series(1, 900) g;",
    );
    let jobs = vec![
        ImportJob::<Customer>::new().sample(40),
        ImportJob::<Order>::new(),
    ];
    dataslicer::download(&mut db.client(), &jobs, dir, &Options::default()).expect("the slice");
}

fn verify(dir: &Path) -> dataslicer::verify::Report {
    dataslicer::verify::verify(dir).expect("the manifest reads")
}

#[test]
fn verify_passes_a_good_slice_and_names_a_changed_byte() {
    let scratch = Scratch::new("verify_bytes");
    let dir = scratch.path("slice");
    slice(&dir);
    let report = verify(&dir);
    assert!(report.is_ok(), "{report}");
    assert_eq!((report.tables, report.foreign_keys), (3, 3), "{report}");

    let file = dir.join("orders_order.csv");
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() - 2;
    bytes[at] = if bytes[at] == b'7' { b'8' } else { b'7' };
    std::fs::write(&file, bytes).unwrap();
    let report = verify(&dir);
    assert_eq!(report.problems.len(), 1, "{report}");
    let problem = report.problems[0].to_string();
    assert!(
        problem.contains("orders_order") && problem.contains("SHA-256"),
        "{problem}"
    );
}

#[test]
fn verify_names_a_dangling_key_when_a_parent_row_is_removed_and_the_manifest_fixed() {
    let scratch = Scratch::new("verify_dangling");
    let dir = scratch.path("slice");
    slice(&dir);
    // Remove the customer of the first order, and make the manifest agree.
    let orders = std::fs::read_to_string(dir.join("orders_order.csv")).unwrap();
    let header: Vec<&str> = orders.lines().next().unwrap().split(',').collect();
    let at = header.iter().position(|c| *c == "customer_id").unwrap();
    let customer = orders
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(at)
        .unwrap()
        .to_string();
    let path = dir.join("accounts_customer.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: String = text
        .lines()
        .filter(|line| !line.starts_with(&format!("{customer},")))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(
        kept.lines().count() + 1,
        text.lines().count(),
        "one row removed"
    );
    std::fs::write(&path, &kept).unwrap();
    let manifest_path = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    for table in manifest["tables"].as_array_mut().unwrap() {
        if table["table"] == "accounts_customer" {
            table["rows"] = (kept.lines().count() as u64 - 1).into();
            let digest = Sha256::digest(kept.as_bytes());
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            table["sha256"] = hex.into();
        }
    }
    std::fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();

    let report = verify(&dir);
    assert!(!report.is_ok());
    let text = report.to_string();
    assert!(
        text.contains("table orders_order, column customer_id")
            && text.contains(&format!("e.g. {customer}"))
            && text.contains("accounts_customer.id"),
        "{text}"
    );
    assert!(
        !text.contains("SHA-256"),
        "the manifest matches the files: {text}"
    );
}
