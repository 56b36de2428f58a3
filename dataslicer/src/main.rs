//! The `dataslicer` command: generate an exporter from a live database,
//! print models, verify a slice directory.
fn main() -> std::process::ExitCode {
    dataslicer::tool::main()
}
