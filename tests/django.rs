//! A real Django project's schema: the tables `manage.py migrate` creates
//! on PostgreSQL for contenttypes, auth, admin and sessions (identity keys,
//! deferred and indexed foreign keys, `_like` indexes, a CHECK), plus a blog
//! app with a many-to-many table, a self-referencing comment and an
//! optional commenter. The models mirror it as a user would; the tests slice
//! it every way a user would.
//!
//! Each test has databases of its own (`TestDb`), so they run in parallel.

mod complete;
mod filters;
mod models;
mod natural;
mod pairs;
mod relations;
mod reload;
pub(crate) mod support;
