//! The stub impl emitted next to errors, so that other models referring to
//! this one with `#[fk]` do not report errors of their own.

use crate::ast::Input;
use proc_macro2::TokenStream;
use quote::quote;

/// The key type is `UnknownKey`, which every field type can reference: the
/// model's own key may be the mistake, and a guess would report a mismatch at
/// every `#[fk]` pointing here.
pub fn stub(input: &Input) -> TokenStream {
    let ident = input.ident;
    let rust_name = ident.to_string();
    quote! {
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            #[diagnostic::do_not_recommend]
            #[automatically_derived]
            impl ::dataslicer::Importer for #ident {
                type Key = ::dataslicer::__private::UnknownKey;
                const TABLE: ::dataslicer::TableName = ::dataslicer::TableName::new(
                    ::dataslicer::__private::Option::None,
                    "",
                );
                const PRIMARY_KEY: &'static str = "";
                const MODEL: &'static ::dataslicer::Model = &::dataslicer::Model {
                    rust_name: #rust_name,
                    table: <Self as ::dataslicer::Importer>::TABLE,
                    primary_key: "",
                    columns: &[],
                    foreign_keys: &[],
                    natural_key: &[],
                    generic_relations: &[],
                    content_type: ::dataslicer::__private::Option::None,
                    tree: ::dataslicer::__private::Option::None,
                    module: ::core::module_path!(),
                };
            }

            // Any `#[fk(ThisModel, key = "...")]` elsewhere compiles.
            #[automatically_derived]
            impl<const H: u64> ::dataslicer::__private::HasColumn<H> for #ident {
                type Type = ::dataslicer::__private::UnknownKey;
            }
        };
    }
}
