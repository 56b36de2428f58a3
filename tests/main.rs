//! The integration tests, one module per topic, built as one binary.

mod derive;
mod harness;
mod example;
mod fake;
mod transfer;
