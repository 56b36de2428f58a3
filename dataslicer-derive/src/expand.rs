//! Generation: the `Importer` impl and the compile-time type checks.

use crate::ast::{FakeKind, Field, Input};
use crate::attr::{self, Errors};
use crate::{fallback, valid};
use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::DeriveInput;

/// Parses, checks and generates; on any error, the errors plus a stub impl.
pub fn derive(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let parsed = attr::parse(input, &mut errors);
    let pk = valid::check(&parsed, &mut errors);
    match (errors.finish(), pk, &parsed.table) {
        (Ok(()), Some(pk), Some(_)) => generate(&parsed, pk),
        (result, _, _) => {
            let mut tokens = result
                .err()
                .map(|e| e.to_compile_error())
                .unwrap_or_default();
            if input.generics.params.is_empty() {
                tokens.extend(fallback::stub(&parsed));
            }
            tokens
        }
    }
}

fn generate(input: &Input, pk: usize) -> TokenStream {
    let ident = input.ident;
    let table = input.table.as_ref().expect("checked by derive()");
    let schema = match &table.schema {
        Some(schema) => quote!(::dataslicer::__private::Option::Some(#schema)),
        None => quote!(::dataslicer::__private::Option::None),
    };
    let name = &table.name;
    let key_field = &input.fields[pk];
    let key_ty = key_field.ty;
    let key_column = &key_field.column;
    let key_type = quote_spanned!(key_field.ty_span()=> #key_ty);
    let rust_name = ident.to_string();
    let columns = input.fields.iter().map(column);
    let foreign_keys = input.fields.iter().filter_map(foreign_key);
    let fake_checks = input.fields.iter().filter_map(fake_check);
    let generic_relations = input.fields.iter().filter_map(generic_relation);
    let relation_checks = input.fields.iter().filter_map(relation_check);
    let tree = match input
        .fields
        .iter()
        .find_map(|f| Some((f, f.tree.as_ref()?)))
    {
        Some((field, tree)) => {
            let path = &field.column;
            let step = tree.step;
            quote!(::dataslicer::__private::Option::Some(::dataslicer::model::Tree { path: #path, step: #step }))
        }
        None => quote!(::dataslicer::__private::Option::None),
    };
    let content_type = match &input.content_type {
        Some((app, model)) => quote!(::dataslicer::__private::Option::Some((#app, #model))),
        None => quote!(::dataslicer::__private::Option::None),
    };
    let has_columns = input.fields.iter().map(|field| {
        let hash = column_hash(&field.column);
        let ty = field.ty;
        quote! {
            #[diagnostic::do_not_recommend]
            #[automatically_derived]
            impl ::dataslicer::__private::HasColumn<#hash> for #ident {
                type Type = #ty;
            }
        }
    });
    let reads = input.fields.iter().map(|f| f.ident);
    let natural_key = input.natural_key.iter().map(|(column, _)| column);
    quote! {
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            // Keeps "`Importer` is implemented for `OtherModel`" out of the
            // error for an `#[fk(Target)]` whose target is not a model.
            #[diagnostic::do_not_recommend]
            #[automatically_derived]
            impl ::dataslicer::Importer for #ident {
                type Key = #key_type;
                const TABLE: ::dataslicer::TableName = ::dataslicer::TableName::new(#schema, #name);
                const PRIMARY_KEY: &'static str = #key_column;
                const MODEL: &'static ::dataslicer::Model = &::dataslicer::Model {
                    rust_name: #rust_name,
                    table: <Self as ::dataslicer::Importer>::TABLE,
                    primary_key: #key_column,
                    columns: &[#(#columns),*],
                    foreign_keys: &[#(#foreign_keys),*],
                    natural_key: &[#(#natural_key),*],
                    generic_relations: &[#(#generic_relations),*],
                    content_type: #content_type,
                    tree: #tree,
                    module: ::core::module_path!(),
                };
            }

            ::dataslicer::__private::inventory::submit! {
                ::dataslicer::__private::Registered(<#ident as ::dataslicer::Importer>::model)
            }

            #(#has_columns)*

            #[automatically_derived]
            impl ::dataslicer::__private::Fields for #ident {
                fn visit_fields(&self) {
                    // The runtime never builds a value of the model; this keeps
                    // rustc from calling its fields unused.
                    #(let _ = &self.#reads;)*
                }
            }

            #(#fake_checks)*
            #(#relation_checks)*
        };
    }
}

fn column(field: &Field) -> TokenStream {
    let ty = field.ty;
    let name = &field.column;
    let field_name = field.ident.to_string().trim_start_matches("r#").to_string();
    let rust_type = type_text(ty);
    let fake = match &field.fake {
        None => quote!(::dataslicer::__private::Option::None),
        Some(fake) => {
            let kind = match &fake.kind {
                FakeKind::Named(named, _) => {
                    let variant = syn::Ident::new(named.variant, proc_macro2::Span::call_site());
                    quote!(::dataslicer::FakeKind::#variant)
                }
                FakeKind::Value(value) => quote!(::dataslicer::FakeKind::Value(#value)),
                FakeKind::With(path) => {
                    // Through a typed binding, so that a function of another
                    // signature is reported against `FakeFn` at the path.
                    let span = syn::spanned::Spanned::span(path);
                    quote_spanned! {span=>
                        ::dataslicer::FakeKind::With({
                            let with: ::dataslicer::FakeFn = #path;
                            with
                        })
                    }
                }
                FakeKind::Json(keys, _) => {
                    let items = keys.iter().map(|(key, named)| {
                        let variant =
                            syn::Ident::new(named.variant, proc_macro2::Span::call_site());
                        quote!(::dataslicer::JsonKey {
                            key: #key,
                            kind: ::dataslicer::FakeKind::#variant,
                        })
                    });
                    quote!(::dataslicer::FakeKind::Json(&[#(#items),*]))
                }
            };
            let unique = fake.unique;
            let consistent = fake.consistent.is_some();
            let normalize = match &fake.normalize {
                Some(path) => {
                    // Typed, so that a function of another signature is
                    // reported against `NormalizeFn` at the path.
                    let span = syn::spanned::Spanned::span(path);
                    quote_spanned! {span=>
                        ::dataslicer::__private::Option::Some({
                            let normalize: ::dataslicer::NormalizeFn = #path;
                            normalize
                        })
                    }
                }
                None => quote!(::dataslicer::__private::Option::None),
            };
            let max_length = match fake.max_length {
                Some(n) => quote!(::dataslicer::__private::Option::Some(#n)),
                None => quote!(::dataslicer::__private::Option::None),
            };
            quote! {
                ::dataslicer::__private::Option::Some(::dataslicer::Fake {
                    kind: #kind,
                    unique: #unique,
                    consistent: #consistent,
                    normalize: #normalize,
                    max_length: #max_length,
                })
            }
        }
    };
    let sql_type = quote_spanned!(field.ty_span()=> <#ty as ::dataslicer::ColumnType>::SQL_TYPE);
    quote! {
        ::dataslicer::Column {
            name: #name,
            field: #field_name,
            nullable: <#ty as ::dataslicer::ColumnType>::NULLABLE,
            sql_type: #sql_type,
            rust_type: #rust_type,
            fake: #fake,
        }
    }
}

/// A foreign key, built by a generic `const fn` whose bounds check that the
/// target is a model and that the field can hold the target's key; both
/// errors are reported at the attribute.
fn foreign_key(field: &Field) -> Option<TokenStream> {
    let fk = field.fk.as_ref()?;
    let target = &fk.target;
    let target_span = syn::spanned::Spanned::span(target);
    let ty = field.ty;
    let column = &field.column;
    let optional = fk.optional.is_some();
    let descend = fk.no_descend.is_none();
    let field_ty = quote_spanned!(target_span=> #ty);
    Some(match &fk.key {
        None => quote_spanned! {target_span=>
            ::dataslicer::__private::foreign_key::<#target, #field_ty>(#column, #optional, #descend)
        },
        Some(key) => {
            let hash = column_hash(&key.value());
            let key_span = key.span();
            let target = quote_spanned!(key_span=> #target);
            quote_spanned! {key_span=>
                ::dataslicer::__private::foreign_key_to::<#target, #field_ty, #hash>(
                    #column, #key, #optional, #descend,
                )
            }
        }
    })
}

/// The column-name hash of `HasColumn`; the same function as
/// `dataslicer::__private::column_hash` (FNV-1a), which a test checks.
fn column_hash(name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn generic_relation(field: &Field) -> Option<TokenStream> {
    let generic = field.generic.as_ref()?;
    let object_id = &field.column;
    let content_type = &generic.content_type;
    let descend = generic.descend;
    Some(quote! {
        ::dataslicer::model::GenericRelation {
            object_id: #object_id,
            content_type: #content_type,
            descend: #descend,
        }
    })
}

/// Type checks of generic relations and tree paths, at their attributes.
fn relation_check(field: &Field) -> Option<TokenStream> {
    let (check, attr) = match (&field.generic, &field.tree) {
        (Some(generic), _) => ("object_id", &generic.attr),
        (None, Some(tree)) => ("tree_path", &tree.attr),
        (None, None) => return None,
    };
    let span = syn::spanned::Spanned::span(attr.path());
    let check = syn::Ident::new(check, span);
    let ty = respan(field.ty.to_token_stream(), span);
    Some(quote_spanned! {span=>
        const _: () = ::dataslicer::__private::#check::<#ty>();
    })
}

/// A check that the field's type can hold the fake's values. The type is
/// re-spanned to the fake's name, so that the error lands on `#[fake(email)]`
/// with the field's type in the message.
fn fake_check(field: &Field) -> Option<TokenStream> {
    let fake = field.fake.as_ref()?;
    let (check, span) = match &fake.kind {
        FakeKind::Named(named, span) => (named.class.check_fn(), span),
        FakeKind::Json(_, span) => ("holds_json", span),
        _ => return None,
    };
    let check = syn::Ident::new(check, *span);
    let ty = respan(field.ty.to_token_stream(), *span);
    Some(quote_spanned! {*span=>
        const _: () = ::dataslicer::__private::#check::<#ty>();
    })
}

/// `tokens` with every token, nested ones included, at `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(group) => {
                let mut new = Group::new(group.delimiter(), respan(group.stream(), span));
                new.set_span(span);
                TokenTree::Group(new)
            }
            mut other => {
                other.set_span(span);
                other
            }
        })
        .collect()
}

/// The type as a user wrote it, without the token printer's spaces.
fn type_text(ty: &syn::Type) -> String {
    let raw = quote!(#ty).to_string();
    let mut out = String::with_capacity(raw.len());
    let chars: Vec<char> = raw.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = if i > 0 { chars[i - 1] } else { ' ' };
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            if matches!(prev, '<' | ':' | '&' | '(' | '[')
                || matches!(next, '<' | '>' | ':' | ',' | ')' | ']')
            {
                continue;
            }
        }
        out.push(c);
    }
    out
}
