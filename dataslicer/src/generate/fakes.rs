//! `src/fakes.rs` of a generated exporter: `with` functions for what no
//! named fake kind covers (regions of an address).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

const REGIONS: &[&str] = &[
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Highlands",
    "Lowlands",
    "Coast",
    "Valley",
    "Riverside",
];
const REGION_CODES: &[&str] = &["NO", "SO", "EA", "WE", "CE", "HI", "LO", "CO", "VA", "RI"];

fn values(function: &str) -> &'static [&'static str] {
    match function {
        "region_code" => REGION_CODES,
        _ => REGIONS,
    }
}

/// The longest value a generated function returns.
pub fn max_len(function: &str) -> usize {
    values(function).iter().map(|v| v.len()).max().unwrap_or(0)
}

/// The items of `src/fakes.rs` for the functions `used`.
pub fn file(used: &[&'static str]) -> TokenStream {
    let functions = used.iter().map(|&name| {
        let ident = format_ident!("{name}");
        let list = values(name);
        let count = list.len();
        let doc = format!(
            " A made-up region{}, drawn from the row's own generator so that runs are \
             reproducible.",
            if name == "region_code" {
                " code (two letters)"
            } else {
                ""
            }
        );
        quote! {
            #[doc = #doc]
            pub fn #ident(input: &mut FakeInput<'_>) -> String {
                const VALUES: [&str; #count] = [#(#list),*];
                VALUES[input.rng().random_range(0..VALUES.len())].to_string()
            }
        }
    });
    quote! {
        #![doc = " Fake generators for `#[fake(with = ...)]`: what no named fake kind covers."]
        use dataslicer::prelude::*;
        #(#functions)*
    }
}
