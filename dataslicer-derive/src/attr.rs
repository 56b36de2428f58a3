//! Parsing: the struct and its attributes into [`ast::Input`], collecting every
//! error instead of stopping at the first.

use crate::ast::{self, FakeClass, FakeKind, Field, ForeignKey, Generic, Input, Table, Tree};
use proc_macro2::Span;
use syn::{Attribute, Data, DeriveInput, Fields, LitInt, LitStr, Path, Token};

/// Collects errors so that all of them are reported together, in the order
/// of the source, whichever check found them.
#[derive(Default)]
pub struct Errors(Vec<syn::Error>);

impl Errors {
    pub fn push(&mut self, error: syn::Error) {
        self.0.push(error);
    }

    pub fn error(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    /// An error covering all of `tokens` (an attribute, a type).
    pub fn error_at(&mut self, tokens: impl quote::ToTokens, message: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    pub fn finish(mut self) -> Result<(), syn::Error> {
        // A stable sort: errors at one place keep the order they were found in.
        self.0.sort_by_key(|error| {
            let start = error.span().start();
            (start.line, start.column)
        });
        let mut errors = self.0.into_iter();
        let Some(mut all) = errors.next() else {
            return Ok(());
        };
        all.extend(errors);
        Err(all)
    }
}

/// A fake kind known by name: `#[fake(email)]`.
pub struct NamedKind {
    pub name: &'static str,
    /// The `dataslicer::FakeKind` variant.
    pub variant: &'static str,
    pub class: FakeClass,
}

macro_rules! kinds {
    ($($name:literal => $variant:literal, $class:ident;)*) => {
        /// Every named kind; `dataslicer::FakeKind::NAMES` lists the same, in
        /// the same order (a test checks it).
        pub const NAMED_KINDS: &[NamedKind] = &[
            $(NamedKind { name: $name, variant: $variant, class: FakeClass::$class },)*
        ];
    };
}

kinds! {
    "first_name" => "FirstName", Text;
    "last_name" => "LastName", Text;
    "name" => "Name", Text;
    "username" => "Username", Text;
    "email" => "Email", Text;
    "safe_email" => "SafeEmail", Text;
    "phone_number" => "PhoneNumber", Text;
    "street_address" => "StreetAddress", Text;
    "city" => "City", Text;
    "postcode" => "Postcode", Text;
    "country" => "Country", Text;
    "company" => "Company", Text;
    "job_title" => "JobTitle", Text;
    "url" => "Url", Text;
    "ipv4" => "Ipv4", Text;
    "ipv6" => "Ipv6", Text;
    "uuid" => "Uuid", Uuid;
    "word" => "Word", Text;
    "sentence" => "Sentence", Text;
    "paragraph" => "Paragraph", Text;
    "date" => "Date", Date;
    "datetime" => "DateTime", DateTime;
}

/// The options of `#[fake(...)]` besides the kind names.
const FAKE_OPTIONS: &[&str] = &[
    "unique",
    "consistent",
    "max_length",
    "value",
    "with",
    "json",
];

const NOT_NAMED: &str = "`Importer` needs a struct with named fields, one per column: \
                         `struct Name { id: i64, ... }`";

/// Parses the struct; what cannot be parsed is reported in `errors` and left
/// out, so the checks after this still run on the rest.
pub fn parse<'a>(input: &'a DeriveInput, errors: &mut Errors) -> Input<'a> {
    let table = parse_table(input, errors);
    if !input.generics.params.is_empty() {
        errors.error_at(
            &input.generics,
            "a dataslicer model cannot be generic: it mirrors one table",
        );
    }
    let fields = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => Some(
                named
                    .named
                    .iter()
                    .filter_map(|f| parse_field(f, errors))
                    .collect(),
            ),
            Fields::Unnamed(unnamed) => {
                errors.error_at(unnamed, NOT_NAMED);
                None
            }
            Fields::Unit => {
                errors.error(input.ident.span(), NOT_NAMED);
                None
            }
        },
        Data::Enum(data) => {
            errors.error(
                data.enum_token.span,
                "`Importer` can only be derived for a struct with named fields, not an enum",
            );
            None
        }
        Data::Union(data) => {
            errors.error(
                data.union_token.span,
                "`Importer` can only be derived for a struct with named fields, not a union",
            );
            None
        }
    };
    Input {
        ident: &input.ident,
        table,
        named: fields.is_some(),
        fields: fields.unwrap_or_default(),
        natural_key: parse_natural_key(input, errors),
        content_type: parse_content_type(input, errors),
    }
}

/// `#[natural_key("column", ...)]`: string literals naming columns.
fn parse_natural_key(input: &DeriveInput, errors: &mut Errors) -> Vec<(String, Span)> {
    const EXPECTED: &str = "expected `#[natural_key(\"column\", ...)]`, the columns that \
                            identify a row in every database, such as \
                            `#[natural_key(\"app_label\", \"model\")]`";
    let mut found: Option<Vec<(String, Span)>> = None;
    for attr in input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("natural_key"))
    {
        let parsed = attr
            .parse_args_with(syn::punctuated::Punctuated::<LitStr, Token![,]>::parse_terminated);
        let columns = match parsed {
            Ok(columns) if !columns.is_empty() => columns,
            _ => {
                errors.error_at(attr, EXPECTED);
                continue;
            }
        };
        if found.is_some() {
            errors.error_at(attr, "duplicate `#[natural_key]`: list every column in one");
            continue;
        }
        let mut list: Vec<(String, Span)> = Vec::new();
        for column in columns {
            let name = column.value();
            if name.is_empty() {
                errors.error(column.span(), "the column name is empty");
            } else if list.iter().any(|(c, _)| *c == name) {
                errors.error(column.span(), format!("column `{name}` is named twice"));
            } else {
                list.push((name, column.span()));
            }
        }
        found = Some(list);
    }
    found.unwrap_or_default()
}

/// `#[content_type("app_label", "model")]` on the struct.
fn parse_content_type(input: &DeriveInput, errors: &mut Errors) -> Option<(LitStr, LitStr)> {
    const EXPECTED: &str = "expected `#[content_type(\"app_label\", \"model\")]`, Django's \
                            content type of this model";
    let mut found = None;
    for attr in input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("content_type"))
    {
        let parsed = attr.parse_args_with(|input: syn::parse::ParseStream| {
            let app: LitStr = input.parse()?;
            input.parse::<Token![,]>()?;
            let model: LitStr = input.parse()?;
            let _ = input.parse::<Option<Token![,]>>()?;
            if !input.is_empty() {
                return Err(input.error(EXPECTED));
            }
            Ok((app, model))
        });
        match parsed {
            Err(_) => errors.error_at(attr, EXPECTED),
            Ok(_) if found.is_some() => errors.error_at(attr, "duplicate `#[content_type]`"),
            Ok((app, model)) => {
                for part in [&app, &model] {
                    if part.value().trim().is_empty() {
                        errors.error(
                            part.span(),
                            "empty: `#[content_type(\"app_label\", \"model\")]`",
                        );
                    }
                }
                if model.value() != model.value().to_lowercase() {
                    errors.error(
                        model.span(),
                        format!(
                            "Django stores content type models in lower case: write `\"{}\"`",
                            model.value().to_lowercase()
                        ),
                    );
                }
                found = Some((app, model));
            }
        }
    }
    found
}

fn parse_table(input: &DeriveInput, errors: &mut Errors) -> Option<Table> {
    let mut found: Option<Table> = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("table")) {
        let literal = match attr.parse_args::<LitStr>() {
            Ok(literal) => literal,
            Err(_) => {
                errors.error_at(
                    attr,
                    "expected `#[table(\"table_name\")]` or `#[table(\"schema.table_name\")]`",
                );
                continue;
            }
        };
        if found.is_some() {
            errors.error_at(
                attr,
                "duplicate `#[table]`: a model mirrors exactly one table",
            );
            continue;
        }
        let value = literal.value();
        let parts: Vec<&str> = value.split('.').collect();
        let table = match parts.as_slice() {
            [name] if !name.is_empty() => Table {
                schema: None,
                name: name.to_string(),
            },
            [schema, name] if !schema.is_empty() && !name.is_empty() => Table {
                schema: Some(schema.to_string()),
                name: name.to_string(),
            },
            _ => {
                let message = if value.trim().is_empty() {
                    "the table name is empty: write `#[table(\"app_model\")]`".to_string()
                } else {
                    format!("`{value}` is not a table name: expected `table` or `schema.table`")
                };
                errors.error(literal.span(), message);
                continue;
            }
        };
        found = Some(table);
    }
    if found.is_none() && !input.attrs.iter().any(|a| a.path().is_ident("table")) {
        errors.error(
            input.ident.span(),
            "missing `#[table(\"...\")]`: name the table this model mirrors, \
             such as `#[table(\"accounts_customer\")]`",
        );
    }
    found
}

fn parse_field<'a>(field: &'a syn::Field, errors: &mut Errors) -> Option<Field<'a>> {
    let ident = field.ident.as_ref()?;
    let mut parsed = Field {
        ident,
        ty: &field.ty,
        column: ident.to_string().trim_start_matches("r#").to_string(),
        column_span: ident.span(),
        pk: None,
        fk: None,
        fake: None,
        generic: None,
        tree: None,
    };
    let mut column_attr = false;
    for attr in &field.attrs {
        let path = attr.path();
        if path.is_ident("column") {
            match attr.parse_args::<LitStr>() {
                Ok(name) if !name.value().is_empty() => {
                    if column_attr {
                        errors.error_at(attr, "duplicate `#[column]` on one field");
                    }
                    column_attr = true;
                    parsed.column = name.value();
                    parsed.column_span = name.span();
                }
                Ok(name) => errors.error(name.span(), "the column name is empty"),
                Err(_) => errors.error_at(attr, "expected `#[column(\"sql_name\")]`"),
            }
        } else if path.is_ident("pk") {
            if !matches!(attr.meta, syn::Meta::Path(_)) {
                errors.error_at(attr, "`#[pk]` takes no arguments");
            } else if parsed.pk.is_some() {
                errors.error_at(attr, "duplicate `#[pk]` on one field");
            } else {
                parsed.pk = Some(attr.path().segments[0].ident.span());
            }
        } else if path.is_ident("fk") {
            match parse_fk(attr) {
                Ok(_) if parsed.fk.is_some() => {
                    errors.error_at(attr, "duplicate `#[fk]`: a column references one model")
                }
                Ok(fk) => parsed.fk = Some(fk),
                Err(error) => errors.push(error),
            }
        } else if path.is_ident("generic") {
            match parse_generic(attr) {
                Ok(_) if parsed.generic.is_some() => {
                    errors.error_at(attr, "duplicate `#[generic]` on one field")
                }
                Ok(generic) => parsed.generic = Some(generic),
                Err(error) => errors.push(error),
            }
        } else if path.is_ident("tree") {
            match parse_tree(attr) {
                Ok(_) if parsed.tree.is_some() => {
                    errors.error_at(attr, "duplicate `#[tree]` on one field")
                }
                Ok(tree) => parsed.tree = Some(tree),
                Err(error) => errors.push(error),
            }
        } else if path.is_ident("fake") {
            match parse_fake(attr, errors) {
                Some(_) if parsed.fake.is_some() => {
                    errors.error_at(attr, "duplicate `#[fake]`: a column has one fake")
                }
                Some(fake) => parsed.fake = Some(fake),
                None => {}
            }
        }
    }
    Some(parsed)
}

fn parse_fk(attr: &Attribute) -> syn::Result<ForeignKey> {
    const EXPECTED: &str = "expected `#[fk(Model)]`, with any of `optional`, `no_descend` and \
                            `key = \"column\"`: `#[fk(Model, optional, no_descend)]`";
    let syn::Meta::List(list) = &attr.meta else {
        return Err(syn::Error::new_spanned(attr, EXPECTED));
    };
    list.parse_args_with(|input: syn::parse::ParseStream| {
        let target: Path = input
            .parse()
            .map_err(|e| syn::Error::new(e.span(), EXPECTED))?;
        let mut fk = ForeignKey {
            target,
            optional: None,
            no_descend: None,
            key: None,
        };
        while input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let flag: syn::Ident = input.parse()?;
            let duplicate = || syn::Error::new(flag.span(), format!("duplicate `{flag}`"));
            match flag.to_string().as_str() {
                "optional" if fk.optional.is_some() => return Err(duplicate()),
                "optional" => fk.optional = Some(flag.span()),
                "no_descend" if fk.no_descend.is_some() => return Err(duplicate()),
                "no_descend" => fk.no_descend = Some(flag.span()),
                "key" if fk.key.is_some() => return Err(duplicate()),
                "key" => {
                    input.parse::<Token![=]>()?;
                    let column: LitStr = input.parse()?;
                    if column.value().is_empty() {
                        return Err(syn::Error::new(column.span(), "the key column is empty"));
                    }
                    fk.key = Some(column);
                }
                other => {
                    let hint = did_you_mean(other, ["optional", "no_descend", "key"].into_iter())
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    return Err(syn::Error::new(
                        flag.span(),
                        format!("unknown foreign key option `{flag}`{hint}: {EXPECTED}"),
                    ));
                }
            }
        }
        if !input.is_empty() {
            return Err(input.error(EXPECTED));
        }
        Ok(fk)
    })
    .map_err(|e| {
        let text = e.to_string();
        if text.starts_with("expected `#[fk")
            || text.starts_with("unknown")
            || text.starts_with("duplicate")
            || text.starts_with("the key")
        {
            e
        } else {
            syn::Error::new(e.span(), EXPECTED)
        }
    })
}

fn parse_generic(attr: &Attribute) -> syn::Result<Generic> {
    const EXPECTED: &str = "expected `#[generic(content_type = \"content_type_id\")]` or \
                            `#[generic(content_type = \"content_type_id\", descend)]`";
    if !matches!(attr.meta, syn::Meta::List(_)) {
        return Err(syn::Error::new_spanned(attr, EXPECTED));
    }
    let mut content_type = None;
    let mut descend = false;
    attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("content_type") {
            let column: LitStr = meta.value()?.parse()?;
            if column.value().is_empty() {
                return Err(syn::Error::new(
                    column.span(),
                    "the content type column is empty",
                ));
            }
            content_type = Some(column);
            Ok(())
        } else if meta.path.is_ident("descend") {
            descend = true;
            Ok(())
        } else {
            Err(meta.error(format!("unknown generic relation option: {EXPECTED}")))
        }
    })?;
    let content_type = content_type.ok_or_else(|| syn::Error::new_spanned(attr, EXPECTED))?;
    Ok(Generic {
        content_type,
        descend,
        attr: attr.clone(),
    })
}

fn parse_tree(attr: &Attribute) -> syn::Result<Tree> {
    const EXPECTED: &str = "expected `#[tree]` or `#[tree(step = 4)]` on the path field of a \
                            materialized-path tree";
    let mut step = 4;
    match &attr.meta {
        syn::Meta::Path(_) => {}
        syn::Meta::List(_) => attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("step") {
                let n: LitInt = meta.value()?.parse()?;
                step = n.base10_parse::<u32>()?;
                if step == 0 {
                    return Err(syn::Error::new(n.span(), "the step is at least 1"));
                }
                Ok(())
            } else {
                Err(meta.error(EXPECTED))
            }
        })?,
        syn::Meta::NameValue(_) => return Err(syn::Error::new_spanned(attr, EXPECTED)),
    }
    Ok(Tree {
        step,
        attr: attr.clone(),
    })
}

fn parse_fake(attr: &Attribute, errors: &mut Errors) -> Option<ast::Fake> {
    const EXPECTED: &str = "expected `#[fake(kind)]`, such as `#[fake(email)]` or \
                            `#[fake(email, unique)]`, `#[fake(value = \"...\")]` or \
                            `#[fake(with = path::to::function)]`";
    if !matches!(attr.meta, syn::Meta::List(_)) {
        errors.error_at(attr, EXPECTED);
        return None;
    }
    let mut kind: Option<FakeKind> = None;
    let mut unique = false;
    let mut unique_span = None;
    let mut consistent = None;
    let mut normalize = None;
    let mut max_length = None;
    let mut unknown = false;
    let mut set_kind = |new: FakeKind, span: Span, errors: &mut Errors| {
        if kind.is_some() {
            errors.error(span, "a fake has one kind: remove one of them");
        } else {
            kind = Some(new);
        }
    };
    let result = attr.parse_nested_meta(|meta| {
        let Some(ident) = meta.path.get_ident() else {
            return Err(meta.error(EXPECTED));
        };
        let name = ident.to_string();
        match name.as_str() {
            "unique" => {
                unique = true;
                unique_span = Some(ident.span());
            }
            "consistent" => {
                consistent = Some(ident.span());
                if meta.input.peek(syn::token::Paren) {
                    meta.parse_nested_meta(|option| {
                        const EXPECTED: &str =
                            "expected `consistent(normalize = path::to::function)`";
                        if option.path.is_ident("normalize") {
                            normalize = Some(option.value()?.parse::<Path>()?);
                            return Ok(());
                        }
                        let hint = match option.path.get_ident() {
                            Some(name)
                                if did_you_mean(&name.to_string(), ["normalize"].into_iter())
                                    .is_some() =>
                            {
                                format!("unknown option `{name}`; did you mean `normalize`?")
                            }
                            _ => EXPECTED.to_string(),
                        };
                        Err(option.error(hint))
                    })?;
                }
            }
            "json" => {
                let keys = parse_json_keys(&meta, errors)?;
                set_kind(FakeKind::Json(keys, ident.span()), ident.span(), errors);
            }
            "max_length" => {
                let n: LitInt = meta.value()?.parse()?;
                match n.base10_parse::<u32>() {
                    Ok(0) | Err(_) => {
                        errors.error(n.span(), "`max_length` is a positive number of characters")
                    }
                    Ok(n) => max_length = Some(n),
                }
            }
            "value" => {
                let value: LitStr = meta.value()?.parse()?;
                set_kind(FakeKind::Value(value), ident.span(), errors);
            }
            "with" => {
                let path: Path = meta.value()?.parse()?;
                set_kind(FakeKind::With(path), ident.span(), errors);
            }
            _ => match NAMED_KINDS.iter().find(|k| k.name == name) {
                Some(named) => set_kind(FakeKind::Named(named, ident.span()), ident.span(), errors),
                None => {
                    let candidates = NAMED_KINDS
                        .iter()
                        .map(|k| k.name)
                        .chain(FAKE_OPTIONS.iter().copied());
                    let hint = match did_you_mean(&name, candidates) {
                        Some(close) => format!("; did you mean `{close}`?"),
                        None => format!(
                            "; the kinds are: {}",
                            NAMED_KINDS
                                .iter()
                                .map(|k| k.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    errors.error(ident.span(), format!("unknown fake kind `{name}`{hint}"));
                    unknown = true;
                }
            },
        }
        Ok(())
    });
    if let Err(error) = result {
        errors.push(error);
        return None;
    }
    let Some(kind) = kind else {
        if !unknown {
            errors.error_at(attr, format!("the fake has no kind: {EXPECTED}"));
        }
        return None;
    };
    Some(ast::Fake {
        kind,
        unique,
        unique_span,
        consistent,
        normalize,
        max_length,
        attr: attr.clone(),
    })
}

/// `json(key = kind, "other key" = kind, ...)`: the keys inside JSON
/// documents whose string values are faked, each with a named kind.
fn parse_json_keys(
    meta: &syn::meta::ParseNestedMeta,
    errors: &mut Errors,
) -> syn::Result<Vec<(String, &'static NamedKind)>> {
    const EXPECTED: &str = "expected `json(key = kind, ...)`, such as \
                            `json(email = email, your_name = name)` or `json(\"e-mail\" = email)`";
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(EXPECTED));
    }
    let content;
    syn::parenthesized!(content in meta.input);
    let mut keys: Vec<(String, &'static NamedKind)> = Vec::new();
    let open = content.span();
    let mut bad = false;
    while !content.is_empty() {
        let (key, key_span) = if content.peek(LitStr) {
            let literal: LitStr = content.parse()?;
            (literal.value(), literal.span())
        } else if content.peek(<syn::Ident as syn::ext::IdentExt>::peek_any) {
            let ident: syn::Ident = syn::ext::IdentExt::parse_any(&content)?;
            (
                ident.to_string().trim_start_matches("r#").to_string(),
                ident.span(),
            )
        } else {
            return Err(content.error(EXPECTED));
        };
        content
            .parse::<Token![=]>()
            .map_err(|e| syn::Error::new(e.span(), EXPECTED))?;
        let kind: syn::Ident = content
            .parse()
            .map_err(|e| syn::Error::new(e.span(), EXPECTED))?;
        let name = kind.to_string();
        let duplicate = keys.iter().any(|(k, _)| *k == key);
        if duplicate {
            errors.error(
                key_span,
                format!("key `{key}` is named twice in `json(...)`"),
            );
            bad = true;
        }
        match NAMED_KINDS.iter().find(|k| k.name == name) {
            Some(named) if !duplicate => keys.push((key, named)),
            Some(_) => {}
            None => {
                bad = true;
                let hint = match did_you_mean(&name, NAMED_KINDS.iter().map(|k| k.name)) {
                    Some(close) => format!("; did you mean `{close}`?"),
                    None => "; a key takes a named kind such as `email`, `name` or `phone_number`"
                        .to_string(),
                };
                errors.error(kind.span(), format!("unknown fake kind `{name}`{hint}"));
            }
        }
        if !content.is_empty() {
            content.parse::<Token![,]>()?;
        }
    }
    if keys.is_empty() && !bad {
        errors.error(open, format!("`json()` names no key: {EXPECTED}"));
    }
    Ok(keys)
}

/// The candidate closest to `word`, if it is close enough to be a typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance, with a swap of two neighbours counting as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_suggest_the_closest_kind() {
        let names = || NAMED_KINDS.iter().map(|k| k.name);
        assert_eq!(did_you_mean("emial", names()), Some("email"));
        assert_eq!(did_you_mean("phone", names()), None);
        assert_eq!(did_you_mean("frist_name", names()), Some("first_name"));
        assert_eq!(did_you_mean("zzzzzz", names()), None);
    }
}
