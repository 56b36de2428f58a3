//! The README's main command: `cargo run --example shop`, run as a user would.

use std::path::PathBuf;
use std::process::Command;

/// The `shop` example binary, which `cargo test` builds next to the tests.
fn shop_binary() -> PathBuf {
    example_binary("shop")
}

/// An example's binary, which `cargo test` builds next to the tests.
fn example_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let binary = dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: run the tests with `cargo test`, which builds the examples",
        binary.display()
    );
    binary
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dataslicer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn shop_example_without_arguments_slices_a_demo_database_into_slice() {
    let cwd = temp_dir("shop-demo");
    let output = Command::new(shop_binary())
        .current_dir(&cwd)
        .env_remove("DATABASE_URL")
        .output()
        .expect("the example runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(cwd.join("slice/manifest.json")).expect("slice/manifest.json"),
    )
    .expect("valid JSON");
    let tables = manifest["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 7, "all seven shop tables: {manifest}");
    for table in tables {
        let name = table["table"].as_str().unwrap();
        assert!(table["rows"].as_u64().unwrap() > 0, "{name} is empty");
        assert!(stdout.contains(name), "the report names {name}:\n{stdout}");
        assert!(
            cwd.join("slice")
                .join(table["file"].as_str().unwrap())
                .is_file()
        );
    }
    let customers = tables
        .iter()
        .find(|t| t["table"] == "accounts_customer")
        .unwrap();
    assert!(
        customers["rows"].as_u64().unwrap() >= 100,
        "the 100 sampled customers, plus their referrers"
    );
    std::fs::remove_dir_all(&cwd).unwrap();
}

#[test]
fn shop_example_plan_lists_tables_in_load_order() {
    let output = Command::new(shop_binary())
        .arg("plan")
        .output()
        .expect("the example runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let position = |name: &str| {
        stdout
            .find(&format!("\n{name} "))
            .unwrap_or_else(|| panic!("{name} in:\n{stdout}"))
    };
    assert!(position("django_site") < position("accounts_customer"));
    assert!(position("accounts_customer") < position("orders_order"));
    assert!(position("orders_order") < position("orders_orderitem"));
    assert!(position("products_category") < position("products_product"));
}

#[test]
fn shop_example_rejects_an_unknown_sample_table_clearly() {
    let output = Command::new(shop_binary())
        .args([
            "slice",
            "--from",
            "postgres://nobody@127.0.0.1:1/none",
            "--sample",
            "nope=3",
        ])
        .output()
        .expect("the example runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no job for table nope") && stderr.contains("accounts_customer"),
        "{stderr}"
    );
}

/// The benchmark at a tiny scale, so that it cannot rot: every case runs,
/// and where the output is a whole table or a load, our side writes exactly
/// the rows psql does. Its times are printed,
/// never checked.
#[test]
fn bench_example_runs_every_case_at_a_tiny_scale() {
    let cwd = temp_dir("bench");
    let json = cwd.join("bench.json");
    let output = Command::new(example_binary("bench"))
        .current_dir(&cwd)
        .args([
            "--scale", "0.004", "--runs", "1", "--sizes", "40,150", "--json",
        ])
        .arg(&json)
        .output()
        .expect("the bench runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("bench.json")).expect("JSON");
    let cases = report["cases"].as_array().expect("cases");
    let names: Vec<&str> = cases.iter().map(|c| c["case"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "1a", "1b", "2", "3 40", "3 150", "4", "5", "6", "7 1a", "7 1b", "7 3 40", "7 3 150"
        ],
        "{report}"
    );
    for case in cases {
        let name = case["case"].as_str().unwrap();
        assert!(case["rows"].as_u64().unwrap() > 0, "{name}: {case}");
        assert!(
            case["ours_median"].as_f64().unwrap() > 0.0,
            "{name}: {case}"
        );
        assert!(
            case["floor_median"].as_f64().unwrap() > 0.0,
            "{name}: {case}"
        );
        assert!(case["peak_kb"].as_u64().unwrap() > 0, "{name}: {case}");
        assert!(
            stdout.contains(name),
            "the table names case {name}:\n{stdout}"
        );
        let (rows, floor_rows) = (case["rows"].as_u64(), case["floor_rows"].as_u64());
        if ["1a", "2", "5"].contains(&name) {
            assert_eq!(rows, floor_rows, "{name}: {case}");
        }
        if name == "1b" {
            // psql copies the parents whole; we take the rows the items need
            // (at this scale, not every category).
            assert!(rows <= floor_rows && rows > Some(0), "{name}: {case}");
        }
    }
    std::fs::remove_dir_all(&cwd).unwrap();
}
