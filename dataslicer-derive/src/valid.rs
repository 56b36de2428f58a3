//! Checks that look at more than one attribute or field.

use crate::ast::{FakeKind, Field, Input};
use crate::attr::Errors;
use std::collections::HashMap;

/// Checks the parsed model; returns the index of the primary key field when
/// there is exactly one.
pub fn check(input: &Input, errors: &mut Errors) -> Option<usize> {
    if !input.named {
        // Already reported; "no primary key" would only repeat it.
        return None;
    }
    check_columns(input, errors);
    check_natural_key(input, errors);
    for field in &input.fields {
        check_field(field, errors);
        check_generic(input, field, errors);
    }
    check_tree(input, errors);
    primary_key(input, errors)
}

fn check_columns(input: &Input, errors: &mut Errors) {
    let mut seen: HashMap<&str, &Field> = HashMap::new();
    for field in &input.fields {
        if let Some(first) = seen.insert(&field.column, field) {
            errors.error(
                field.column_span,
                format!(
                    "fields `{}` and `{}` are both mapped to column `{}`",
                    first.ident, field.ident, field.column
                ),
            );
        }
    }
}

fn check_natural_key(input: &Input, errors: &mut Errors) {
    for (column, span) in &input.natural_key {
        let Some(field) = input.fields.iter().find(|f| f.column == *column) else {
            let columns: Vec<&str> = input.fields.iter().map(|f| f.column.as_str()).collect();
            errors.error(
                *span,
                format!(
                    "natural key column `{column}` is not a column of the model; its columns are: {}",
                    columns.join(", ")
                ),
            );
            continue;
        };
        if let Some(fake) = &field.fake {
            errors.error_at(
                &fake.attr,
                format!(
                    "`{column}` is part of the natural key, so it cannot be faked: rows are \
                     matched across databases by it"
                ),
            );
        }
    }
}

fn check_field(field: &Field, errors: &mut Errors) {
    if let Some(optional) = field.fk.as_ref().and_then(|fk| fk.optional)
        && !field.is_option()
    {
        errors.error(
            optional,
            format!(
                "`optional` foreign key `{}` must be an `Option`: the exporter writes NULL \
                 when the parent is not in the slice",
                field.ident
            ),
        );
    }
    let Some(fake) = &field.fake else { return };
    if field.fk.is_some() {
        errors.error_at(
            &fake.attr,
            "a foreign key cannot be faked: it must keep pointing at its parent row",
        );
    }
    if let Some(consistent) = fake.consistent
        && matches!(fake.kind, FakeKind::Value(_))
    {
        errors.error(
            consistent,
            "`consistent` derives the fake from the original value; a `value` constant is the \
             same in every row already",
        );
    }
    if let FakeKind::Json(_, json) = &fake.kind {
        if let Some(unique) = fake.unique_span {
            errors.error(
                unique,
                "`unique` does not apply to `json(...)`: the documents are rewritten key by key",
            );
        }
        if let Some(consistent) = fake.consistent {
            errors.error(
                consistent,
                "values inside JSON documents are always derived from the original, as with \
                 `consistent`: remove it",
            );
        }
        if fake.max_length.is_some() {
            errors.error(*json, "`max_length` does not apply to `json(...)`");
        }
    }
}

/// A generic relation's content type column must be a field of the model
/// with an `#[fk]` (to Django's content type model).
fn check_generic(input: &Input, field: &Field, errors: &mut Errors) {
    let Some(generic) = &field.generic else {
        return;
    };
    if field.fk.is_some() || field.fake.is_some() || field.pk.is_some() {
        errors.error_at(
            &generic.attr,
            "a generic relation's object id cannot also be a foreign key, a fake or the primary key",
        );
    }
    let wanted = generic.content_type.value();
    match input.fields.iter().find(|f| f.column == wanted) {
        None => {
            let hint =
                crate::attr::did_you_mean(&wanted, input.fields.iter().map(|f| f.column.as_str()))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
            errors.error(
                generic.content_type.span(),
                format!(
                    "no field of `{}` mirrors column `{wanted}`{hint}",
                    input.ident
                ),
            );
        }
        Some(found) if found.fk.is_none() => errors.error(
            generic.content_type.span(),
            format!(
                "the content type column `{wanted}` needs `#[fk(ContentType)]`, a foreign key to \
                 the model of django_content_type"
            ),
        ),
        Some(_) => {}
    }
}

/// At most one `#[tree]`, on a plain column.
fn check_tree(input: &Input, errors: &mut Errors) {
    let mut seen = false;
    for field in &input.fields {
        let Some(tree) = &field.tree else { continue };
        if seen {
            errors.error_at(&tree.attr, "a second `#[tree]`: a model has one tree path");
        }
        seen = true;
        if field.fk.is_some()
            || field.fake.is_some()
            || field.pk.is_some()
            || field.generic.is_some()
        {
            errors.error_at(
                &tree.attr,
                "a tree path cannot also be a foreign key, a fake, a generic relation or the primary key",
            );
        }
    }
}

fn primary_key(input: &Input, errors: &mut Errors) -> Option<usize> {
    let marked: Vec<usize> = (0..input.fields.len())
        .filter(|&i| input.fields[i].pk.is_some())
        .collect();
    let index = match marked.as_slice() {
        [] => {
            let by_name = input.fields.iter().position(|f| f.ident == "id");
            if by_name.is_none() {
                errors.error(
                    input.ident.span(),
                    format!(
                        "`{}` has no primary key: name a field `id` or mark one with `#[pk]`",
                        input.ident
                    ),
                );
            }
            by_name?
        }
        [one] => *one,
        [_, rest @ ..] => {
            for &i in rest {
                errors.error(
                    input.fields[i].pk.expect("marked"),
                    "a second `#[pk]`: a model has one primary key column",
                );
            }
            return None;
        }
    };
    let field = &input.fields[index];
    if let Some(fake) = &field.fake {
        errors.error_at(
            &fake.attr,
            "a primary key cannot be faked: other tables reference it",
        );
    }
    if field.is_option() {
        errors.error_at(
            field.ty,
            "a primary key is never NULL: use the key type itself, not an `Option`",
        );
    }
    Some(index)
}
