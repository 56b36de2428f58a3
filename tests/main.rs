//! The integration tests, one module per topic, built as one binary.

mod derive;
mod django;
mod example;
mod fake;
mod harness;
mod reliability;
mod slice;
mod transfer;
mod walk;
