//! The stub impl emitted next to errors, so that other models referring to
//! this one with `#[fk]` do not report errors of their own.

use crate::ast::Input;
use proc_macro2::TokenStream;
use quote::quote;

pub fn stub(input: &Input, pk: Option<usize>) -> TokenStream {
    let ident = input.ident;
    let rust_name = ident.to_string();
    let key_type = match pk.map(|i| input.fields[i].ty) {
        Some(ty) if !input.fields[pk.unwrap_or(0)].is_option() => quote!(#ty),
        _ => quote!(i64),
    };
    quote! {
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            impl ::dataslicer::Importer for #ident {
                type Key = #key_type;
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
                    select_list: "",
                };
            }
        };
    }
}
