//! The printers: models, `main.rs` and `fakes.rs` as tokens formatted by
//! prettyplease; `Cargo.toml` and the README as text.

use super::personal::Kind;
use super::{FieldSpec, ModelSpec, Schema, fakes};
use crate::error::{Error, Result};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Formats tokens as a Rust file.
fn format(tokens: TokenStream) -> String {
    let file: syn::File = syn::parse2(tokens).expect("generated tokens are a Rust file");
    space_items(&prettyplease::unparse(&file))
}

/// prettyplease's output with a blank line between items, after the
/// `use` block and after the module's doc, as rustfmt-formatted code has.
fn space_items(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out = String::with_capacity(text.len() + lines.len());
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let Some(next) = lines.get(i + 1) else { break };
        let (this, following) = (line.trim(), next.trim());
        let starts_item = ["///", "#[", "pub ", "fn ", "mod ", "use "]
            .iter()
            .any(|p| following.starts_with(p));
        let blank = (this == "}" && starts_item && indent(line) == indent(next))
            || (this.starts_with("use ") && !following.starts_with("use ") && following != "}")
            || (this.starts_with("//!") && !following.starts_with("//!"))
            || (this.starts_with("mod ") && following.starts_with("fn "));
        if blank {
            out.push('\n');
        }
    }
    out
}

fn model_tokens(schema: &Schema, model: &ModelSpec) -> TokenStream {
    let docs = model.docs.iter().map(|d| {
        let d = format!(" {d}");
        quote!(#[doc = #d])
    });
    let name = format_ident!("{}", model.name);
    let table = &model.table;
    let content_type = model
        .content_type
        .as_ref()
        .map(|(app, m)| quote!(#[content_type(#app, #m)]));
    let fields = model.fields.iter().map(|f| field_tokens(schema, model, f));
    quote! {
        #(#docs)*
        #[derive(Importer)]
        #[table(#table)]
        #content_type
        pub struct #name {
            #(#fields,)*
        }
    }
}

fn field_tokens(schema: &Schema, model: &ModelSpec, field: &FieldSpec) -> TokenStream {
    let docs = field.docs.iter().map(|d| {
        let d = format!(" {d}");
        quote!(#[doc = #d])
    });
    let ident = format_ident!("{}", field.ident);
    let pk = (field.pk && field.ident != "id").then(|| quote!(#[pk]));
    let column = (field.ident != field.column).then(|| {
        let c = &field.column;
        quote!(#[column(#c)])
    });
    let fk = field.fk.as_ref().map(|(target, key)| {
        let target = &schema.models[*target];
        let target_name = format_ident!("{}", target.name);
        let path = if target.module == model.module {
            quote!(#target_name)
        } else {
            let module = format_ident!("{}", target.module);
            quote!(super::#module::#target_name)
        };
        let no_descend = field.no_descend.then(|| quote!(, no_descend));
        match key {
            None => quote!(#[fk(#path #no_descend)]),
            Some(key) => quote!(#[fk(#path, key = #key #no_descend)]),
        }
    });
    let generic = field
        .generic
        .as_ref()
        .map(|ct| quote!(#[generic(content_type = #ct)]));
    let tree = field.tree.map(|step| {
        let step = proc_macro2::Literal::u32_unsuffixed(step);
        quote!(#[tree(step = #step)])
    });
    let fake = field.fake.as_ref().map(|choice| {
        let mut parts = vec![match &choice.kind {
            Kind::Named(kind) => {
                let kind = format_ident!("{kind}");
                quote!(#kind)
            }
            Kind::Value(value) => quote!(value = #value),
            Kind::With(function) => {
                let function = format_ident!("{function}");
                quote!(with = crate::fakes::#function)
            }
        }];
        if choice.unique {
            parts.push(quote!(unique));
        }
        if choice.consistent {
            parts.push(quote!(consistent));
        }
        quote!(#[fake(#(#parts),*)])
    });
    let ty = field.ty.tokens();
    let ty = if field.nullable && !field.pk {
        quote!(Option<#ty>)
    } else {
        ty
    };
    quote! {
        #(#docs)*
        #pk
        #column
        #fk
        #generic
        #tree
        #fake
        pub #ident: #ty
    }
}

fn module_items(schema: &Schema, module: &str) -> TokenStream {
    let models: Vec<&ModelSpec> = schema
        .models
        .iter()
        .filter(|m| m.module == module)
        .collect();
    let mut imports: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for model in &models {
        for field in &model.fields {
            for &(krate, name) in field.ty.imports() {
                let names = imports.entry(krate).or_default();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    let uses = imports.iter().map(|(krate, names)| {
        let krate_name = *krate;
        let krate = format_ident!("{krate}");
        let mut names = names.clone();
        names.sort_unstable();
        let names = names.iter().map(|n| format_ident!("{n}"));
        // serde_json is a dependency of the exporter's own (dataslicer does
        // not re-export it); the others come through dataslicer.
        if krate_name == "serde_json" {
            quote!(use serde_json::{#(#names),*};)
        } else {
            quote!(use dataslicer::#krate::{#(#names),*};)
        }
    });
    let items = models.iter().map(|m| model_tokens(schema, m));
    quote! {
        use dataslicer::prelude::*;
        #(#uses)*
        #(#items)*
    }
}

fn module_doc(module: &str, schema: &Schema) -> String {
    let tables: Vec<&str> = schema
        .models
        .iter()
        .filter(|m| m.module == module)
        .map(|m| m.table.as_str())
        .collect();
    format!(
        " The models of `{module}` ({}), generated by `dataslicer new`: review the fakes.",
        tables.join(", ")
    )
}

/// All models as one Rust file of nested modules: what `dataslicer inspect`
/// prints (it can serve as a `src/models.rs`).
pub fn inspect(schema: &Schema) -> String {
    let modules = schema.modules.iter().map(|module| {
        let ident = format_ident!("{module}");
        let doc = module_doc(module, schema);
        let items = module_items(schema, module);
        quote! {
            #[doc = #doc]
            pub mod #ident {
                #items
            }
        }
    });
    let fakes = (!schema.fake_functions.is_empty()).then(|| {
        let items = fakes::file(&schema.fake_functions);
        quote!(pub mod fakes { #items })
    });
    format(quote! {
        #(#modules)*
        #fakes
    })
}

/// Where the generated crate finds dataslicer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dependency {
    /// A path to this dataslicer's package (run from a checkout).
    Path(PathBuf),
    /// A version on crates.io.
    Version(String),
}

impl Dependency {
    /// A path dependency when this dataslicer was built from a checkout
    /// that is still there, else this version.
    pub fn current() -> Dependency {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        if dir.join("Cargo.toml").is_file() && dir.join("src/lib.rs").is_file() {
            Dependency::Path(dir.to_path_buf())
        } else {
            Dependency::Version(env!("CARGO_PKG_VERSION").to_string())
        }
    }
}

/// A generated exporter crate: every file, by path relative to its directory.
#[derive(Debug, Clone)]
pub struct NewCrate {
    /// The files: (relative path, contents).
    pub files: Vec<(String, String)>,
}

impl NewCrate {
    /// The crate for `schema`.
    pub fn new(schema: &Schema, name: &str, source: &str, dependency: &Dependency) -> NewCrate {
        let mut files = Vec::new();
        files.push((
            "Cargo.toml".to_string(),
            cargo_toml(schema, name, dependency),
        ));
        files.push(("src/main.rs".to_string(), main_rs(schema, name)));
        let modules = schema.modules.iter().map(|m| {
            let ident = format_ident!("{m}");
            quote!(pub mod #ident;)
        });
        files.push((
            "src/models/mod.rs".to_string(),
            format(quote! {
                #![doc = " The models, one module per Django app. Generated by `dataslicer new`."]
                #(#modules)*
            }),
        ));
        for module in &schema.modules {
            let doc = module_doc(module, schema);
            let items = module_items(schema, module);
            files.push((
                format!("src/models/{module}.rs"),
                format(quote! {
                    #![doc = #doc]
                    #items
                }),
            ));
        }
        if !schema.fake_functions.is_empty() {
            files.push((
                "src/fakes.rs".to_string(),
                format(fakes::file(&schema.fake_functions)),
            ));
        }
        files.push(("README.md".to_string(), readme(schema, name, source)));
        files.push((".gitignore".to_string(), "/target\n/slice\n".to_string()));
        NewCrate { files }
    }

    /// Writes the files into `dir`, which must not exist or be empty.
    pub fn write(&self, dir: &Path) -> Result<()> {
        if dir.exists()
            && std::fs::read_dir(dir)
                .map_err(|e| Error::io(dir, e))?
                .next()
                .is_some()
        {
            return Err(Error::Usage(format!(
                "{} exists and is not empty: `dataslicer new` writes a new crate",
                dir.display()
            )));
        }
        for (path, contents) in &self.files {
            let path = dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::write(&path, contents).map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }
}

fn cargo_toml(schema: &Schema, name: &str, dependency: &Dependency) -> String {
    let features: Vec<String> = schema.features.iter().map(|f| format!("{f:?}")).collect();
    let source = match dependency {
        Dependency::Path(path) => {
            let path = path.display().to_string().replace('\\', "/");
            format!("path = {path:?}")
        }
        Dependency::Version(v) => format!("version = \"{v}\""),
    };
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n# The features are those the models' field types need.\n\
         dataslicer = {{ {source}, default-features = false, features = [{}] }}\n{}",
        features.join(", "),
        if schema.features.contains("json") {
            "# The JSON columns' type, `serde_json::Value`.\nserde_json = \"1\"\n"
        } else {
            ""
        }
    )
}

fn main_rs(schema: &Schema, name: &str) -> String {
    let root = &schema.models[schema.root];
    let path = |m: &ModelSpec| {
        let module = format_ident!("{}", m.module);
        let ident = format_ident!("{}", m.name);
        quote!(models::#module::#ident)
    };
    let root_path = path(root);
    let sample = proc_macro2::Literal::u64_unsuffixed(schema.sample);
    let extra = schema.extra_jobs.iter().map(|&i| {
        let p = path(&schema.models[i]);
        quote!(dataslicer::ImportJob::<#p>::new().sample(#sample))
    });
    let fakes = (!schema.fake_functions.is_empty()).then(|| {
        quote!(
            mod fakes;
        )
    });
    let mut lines = vec![
        format!("{name}: an exporter generated by `dataslicer new`."),
        String::new(),
        format!("The root is {}:", schema.root_reason),
        format!(
            "{} of its rows are sampled, with every modelled table below them (their",
            schema.sample
        ),
        "descendants) and every row they need.".to_string(),
    ];
    if !schema.extra_jobs.is_empty() {
        lines.push("Tables no foreign key connects to the others are sampled on their own.".into());
    }
    lines.push("Run `cargo run --release -- --help` for the commands.".into());
    let doc = lines.iter().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#![doc = #l])
    });
    format(quote! {
        #(#doc)*
        #fakes
        mod models;

        fn main() -> std::process::ExitCode {
            let jobs = Vec::from([
                dataslicer::ImportJob::<#root_path>::new().sample(#sample).descendants(),
                #(#extra,)*
            ]);
            dataslicer::cli::App::new(#name, jobs)
                .version(env!("CARGO_PKG_VERSION"))
                .run()
        }
    })
}

fn readme(schema: &Schema, name: &str, source: &str) -> String {
    let mut out = String::new();
    let root = &schema.models[schema.root];
    let _ = writeln!(out, "# {name}\n");
    let _ = writeln!(
        out,
        "An exporter of small, anonymized, referentially complete slices of `{source}`, \
         generated by `dataslicer new` (dataslicer {}).\n",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(out, "```sh");
    let _ = writeln!(
        out,
        "cargo run --release -- check --from {source}    # the models against the database"
    );
    let _ = writeln!(
        out,
        "cargo run --release -- plan --from {source}     # what a slice holds, with estimates"
    );
    let _ = writeln!(
        out,
        "cargo run --release -- slice --from {source} --to slice"
    );
    let _ = writeln!(
        out,
        "cargo run --release -- load --from slice --to postgres://localhost/dev"
    );
    let _ = writeln!(out, "```\n");
    let _ = writeln!(out, "## What was generated\n");
    let _ = writeln!(
        out,
        "- `src/models/`: {} models in {} modules (one per Django app), one struct per table.",
        schema.models.len(),
        schema.modules.len()
    );
    let _ = writeln!(
        out,
        "- `src/main.rs`: the job. The root is {}; `{}::{}` is sampled ({} rows) with \
         all its descendants. Change it with `--root` when generating, or edit `main.rs`.",
        schema.root_reason, root.module, root.name, schema.sample
    );
    for &i in &schema.extra_jobs {
        let m = &schema.models[i];
        let _ = writeln!(
            out,
            "- `{}` is connected to no other table by a foreign key: it has a job of its own.",
            m.table
        );
    }
    let _ = writeln!(
        out,
        "- `Cargo.toml`: dataslicer with the features {}.\n",
        schema
            .features
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !schema.detected.is_empty() {
        let _ = writeln!(out, "## Detected\n");
        for line in &schema.detected {
            let _ = writeln!(out, "- {line}");
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## Faked columns\n");
    let _ = writeln!(out, "| table | column | fake | why |\n|---|---|---|---|");
    for model in &schema.models {
        for field in &model.fields {
            if let Some(choice) = &field.fake {
                let kind = match &choice.kind {
                    Kind::Named(k) => k.to_string(),
                    Kind::Value(v) => format!("value `{v}`"),
                    Kind::With(f) => format!("with `fakes::{f}`"),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {kind} | {} |",
                    model.table, field.column, choice.reason
                );
            }
        }
    }
    let _ = writeln!(out, "\n## Review\n");
    if schema.review.is_empty() {
        let _ = writeln!(out, "No column that looks personal was left unfaked.");
    } else {
        let _ = writeln!(
            out,
            "These columns look personal but were left as they are; fake them by hand \
             (`#[fake(...)]`) if they hold personal data:\n"
        );
        for (table, column, why) in &schema.review {
            let _ = writeln!(out, "- `{table}.{column}`: {why}");
        }
    }
    if !schema.skipped.is_empty() {
        let _ = writeln!(out, "\n## Left out\n");
        for line in &schema.skipped {
            let _ = writeln!(out, "- {line}");
        }
    }
    let _ = writeln!(
        out,
        "\nAlso review: free-text columns the names did not give away, and whether the root \
         and sample size suit you. Run `check` in CI after every migration."
    );
    out
}
