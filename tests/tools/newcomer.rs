//! What a newcomer meets: a type behind a crate feature names the feature,
//! and `dataslicer --version` answers.

use super::new::{build_output, text};
use dataslicer_dev::Scratch;

#[test]
fn a_chrono_field_without_the_chrono_feature_names_the_feature_to_enable() {
    let scratch = Scratch::new("newcomer_feature");
    let dir = scratch.path("feature-off");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let dataslicer = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dataslicer");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"feature-off\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
             [dependencies]\ndataslicer = {{ path = {:?}, default-features = false, features = [\"derive\"] }}\n\
             chrono = {{ version = \"0.4\", default-features = false, features = [\"std\"] }}\n",
            dataslicer.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        "use dataslicer::prelude::*;\n\n#[derive(Importer)]\n#[table(\"auth_user\")]\npub struct User {\n    \
         pub id: i32,\n    pub date_joined: chrono::DateTime<chrono::Utc>,\n}\n\nfn main() {}\n",
    )
    .unwrap();
    let output = build_output(&dir);
    assert!(!output.status.success(), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`chrono::DateTime<Utc>` is not a column type dataslicer knows")
            && stderr.contains("enable the `chrono` feature"),
        "{stderr}"
    );
}

#[test]
fn dataslicer_version_names_the_version() {
    let out = dataslicer::tool::run_with(["dataslicer", "--version"]).unwrap();
    assert_eq!(
        out.trim(),
        format!("dataslicer {}", env!("CARGO_PKG_VERSION"))
    );
}
