//! `#[derive(Importer)]` for [dataslicer](https://docs.rs/dataslicer).
//!
//! Use it through `dataslicer` (`use dataslicer::prelude::*;`), which
//! re-exports it and documents the attributes. The macro parses the struct and
//! its attributes (`attr`) into a model (`ast`), checks what needs more than
//! one attribute to check (`valid`), then generates the `Importer` impl
//! (`expand`). Every mistake is reported at the tokens at fault, all of them
//! at once; when there is any, a stub impl (`fallback`) keeps one mistake
//! from cascading into errors elsewhere.

mod ast;
mod attr;
mod expand;
mod fallback;
mod valid;

use proc_macro::TokenStream;

/// Derives `dataslicer::Importer` for a struct mirroring one table.
///
/// See the `dataslicer` crate for the attributes: `#[table]`, `#[column]`,
/// `#[pk]`, `#[fk]`, `#[fake]`, `#[generic]`, `#[tree]`, `#[content_type]` and
/// `#[natural_key]`.
#[proc_macro_derive(
    Importer,
    attributes(table, column, pk, fk, fake, generic, tree, content_type, natural_key)
)]
pub fn derive_importer(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive(&input).into()
}
