//! Faking against a real PostgreSQL: no original value of a faked column
//! reaches a slice (the tool does not even read it), NULLs stay NULL, fakes
//! fit the live schema's length limits in every locale and keep their
//! constraints (`unique`, valid e-mail addresses), runs are reproducible
//! from their seed, `consistent` fakes agree across tables, and `with`
//! functions and `value` constants are used as written.
//!
//! Each test has databases of its own (`TestDb`), so they run in parallel.

mod consistent;
mod empty;
mod kinds;
mod lengths;
mod pseudonyms;
mod rows;
mod seeds;
mod shop;
mod support;

/// The shop example's models: first and last names, e-mail addresses, phone
/// numbers and shipping addresses faked. Other test modules load the same
/// file as a module of their own, each private to its topic.
#[allow(
    clippy::duplicate_mod,
    reason = "each topic loads the example's models as a user would, privately"
)]
#[path = "../examples/shop/models.rs"]
mod shop_models;
