//! The walk for real applications, against the Django project of
//! tests/django grown by more apps (schema.sql): everything below sampled
//! users with one job (`.descendants()`), generic relations (posts' and
//! photos' comments, the admin log's text object ids), a treebeard tree,
//! multi-table inheritance, an ownership self-reference (product variants),
//! a referral kept off the walk (`no_descend`) and a chain of five tables
//! below the user. A slice equals a reference computed from the source with
//! SQL, and loads into an empty copy with every constraint on; then the
//! limits, caps, the command line, `plan`, the summary and re-slicing.
//!
//! Each test has databases of its own (`TestDb`), so they run in parallel.

mod cli;
mod descendants;
mod explain;
mod limits;
mod models;
mod reslice;
mod support;
