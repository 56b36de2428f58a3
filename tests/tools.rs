//! From a live database to a working exporter: the catalog reader, `dataslicer
//! new` / `inspect`, an exporter's `check` and `plan`, and `dataslicer verify`.

mod catalog;
mod check;
mod inspect;
mod new;
mod newcomer;
mod plan;
mod support;
mod types;
mod verify;
