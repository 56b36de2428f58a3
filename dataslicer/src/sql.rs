//! SQL text, built in one place: every identifier quoted, every user value a
//! bound parameter. The only values written into SQL text are key arrays the
//! tool produced itself (COPY takes no parameters), escaped here.

use crate::keys::KeySet;
use crate::model::{KeyKind, TableName};

/// `"name"`, with embedded double quotes doubled.
pub fn ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `"schema"."name"` or `"name"`.
pub fn table(name: &TableName) -> String {
    match name.schema {
        Some(schema) => format!("{}.{}", ident(schema), ident(name.name)),
        None => ident(name.name),
    }
}

/// `'text'`, with embedded single quotes doubled (standard_conforming_strings
/// is pinned on every connection, so backslashes need no escaping).
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The SQL array type keys of this kind are bound as.
pub fn key_array_type(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Int => "int8[]",
        KeyKind::Text => "text[]",
        KeyKind::Uuid => "uuid[]",
    }
}

/// How a key column is read so that it decodes as the key kind.
pub fn key_expr(column: &str, kind: KeyKind) -> String {
    match kind {
        KeyKind::Int => format!("{}::int8", ident(column)),
        KeyKind::Text | KeyKind::Uuid => format!("{}::text", ident(column)),
    }
}

/// `$n::type` comparing a column with a bound key array.
pub fn any_param(column: &str, kind: KeyKind, n: usize) -> String {
    match kind {
        // Comparing with the column's own type keeps indexes usable; integer
        // comparisons across widths are indexable as they are.
        KeyKind::Int => format!("{} = ANY(${n}::int8[])", ident(column)),
        KeyKind::Text => format!("{}::text = ANY(${n}::text[])", ident(column)),
        KeyKind::Uuid => format!("{} = ANY(${n}::text[]::uuid[])", ident(column)),
    }
}

/// Appends `col = ANY('{...}'::type)` with the keys written as an array
/// literal, for COPY, which takes no parameters (the keys are the tool's own
/// values): a COPY of half a million parents' rows names them all, so the
/// list is written once, in place.
fn push_any_literal(out: &mut String, column: &str, keys: &KeySet) {
    let kind = keys.kind();
    out.reserve(keys.len() * 8 + column.len() + 32);
    match kind {
        KeyKind::Text => out.push_str(&format!("{}::text", ident(column))),
        _ => out.push_str(&ident(column)),
    }
    out.push_str(" = ANY('{");
    keys.for_each_text(|i, key| {
        if i > 0 {
            out.push(',');
        }
        match kind {
            KeyKind::Int | KeyKind::Uuid => out.push_str(key),
            KeyKind::Text => {
                // Array element syntax: always double-quote, escape \ and ";
                // then the string literal's own: double the single quote.
                out.push('"');
                for c in key.chars() {
                    match c {
                        '"' | '\\' => {
                            out.push('\\');
                            out.push(c);
                        }
                        '\'' => out.push_str("''"),
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
        }
    });
    out.push_str("}'::");
    out.push_str(key_array_type(kind));
    out.push(')');
}

/// How long a run of consecutive integer keys must be for [`copy_out_where`]
/// to write it as a range.
const RANGE_RUN: i64 = 16;

/// `COPY (SELECT ... WHERE <column in keys> ORDER BY ...) TO STDOUT (FORMAT
/// csv)`, built in one buffer. Runs of at least 16 consecutive integer keys
/// are written as `column BETWEEN first AND last` (every order of a whole
/// table is one range), the other keys as `column = ANY('{...}')`.
pub fn copy_out_where(select: &str, column: &str, keys: &KeySet, order: &str) -> String {
    let mut out = String::with_capacity(select.len() + order.len() + 64);
    out.push_str("COPY (");
    out.push_str(select);
    out.push_str(" WHERE ");
    push_in_condition(&mut out, column, keys);
    out.push_str(order);
    out.push_str(") TO STDOUT (FORMAT csv)");
    out
}

/// The condition that `column` holds one of `keys`: see [`copy_out_where`].
fn push_in_condition(out: &mut String, column: &str, keys: &KeySet) {
    let KeySet::Int(ints) = keys else {
        return push_any_literal(out, column, keys);
    };
    let mut ranges = Vec::new();
    let mut rest = KeySet::new(KeyKind::Int);
    for (first, last) in ints.runs() {
        if last - first + 1 >= RANGE_RUN {
            ranges.push((first, last));
        } else {
            for k in first..=last {
                rest.insert(crate::keys::Key::Int(k));
            }
        }
    }
    if ranges.is_empty() {
        return push_any_literal(out, column, &rest);
    }
    let column_sql = ident(column);
    out.push('(');
    for (i, (first, last)) in ranges.iter().enumerate() {
        if i > 0 {
            out.push_str(" OR ");
        }
        out.push_str(&format!("{column_sql} BETWEEN {first} AND {last}"));
    }
    if !rest.is_empty() {
        out.push_str(" OR ");
        push_any_literal(out, column, &rest);
    }
    out.push(')');
}

/// `COPY (query) TO STDOUT (FORMAT csv)`.
pub fn copy_out(query: &str) -> String {
    format!("COPY ({query}) TO STDOUT (FORMAT csv)")
}

/// The session settings pinned on every connection, reading and writing, so
/// that values print and parse the same whatever the server's defaults.
pub const SESSION_SETTINGS: &str = "SET LOCAL DateStyle = 'ISO, YMD'; \
     SET LOCAL IntervalStyle = 'postgres'; \
     SET LOCAL bytea_output = 'hex'; \
     SET LOCAL extra_float_digits = 3; \
     SET LOCAL client_encoding = 'UTF8'; \
     SET LOCAL standard_conforming_strings = on; \
     SET LOCAL TimeZone = 'UTC'";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_and_escaped() {
        assert_eq!(ident("order"), r#""order""#);
        assert_eq!(ident(r#"We"ird"#), r#""We""ird""#);
        assert_eq!(
            table(&TableName::new(Some("Shop"), "item")),
            r#""Shop"."item""#
        );
    }

    #[test]
    fn literals_double_single_quotes() {
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(literal(r"a\b"), r"'a\b'");
    }

    fn any_literal(column: &str, keys: &KeySet) -> String {
        let mut out = String::new();
        push_any_literal(&mut out, column, keys);
        out
    }

    #[test]
    fn key_arrays_are_escaped_literals() {
        let ints = KeySet::from_ints([3, 1, 2]);
        assert_eq!(any_literal("id", &ints), r#""id" = ANY('{1,2,3}'::int8[])"#);
        let texts = KeySet::from_texts(["a\"b", "c'd", r"e\f"]);
        assert_eq!(
            any_literal("code", &texts),
            r#""code"::text = ANY('{"a\"b","c''d","e\\f"}'::text[])"#
        );
        let runs = KeySet::from_ints((1..=20).chain([25, 27]).chain(100..=200));
        assert_eq!(
            copy_out_where("SELECT 1 FROM \"t\"", "k", &runs, ""),
            r#"COPY (SELECT 1 FROM "t" WHERE ("k" BETWEEN 1 AND 20 OR "k" BETWEEN 100 AND 200 OR "k" = ANY('{25,27}'::int8[]))) TO STDOUT (FORMAT csv)"#
        );
        assert_eq!(
            copy_out_where("SELECT \"id\" FROM \"t\"", "id", &ints, " ORDER BY \"id\""),
            r#"COPY (SELECT "id" FROM "t" WHERE "id" = ANY('{1,2,3}'::int8[]) ORDER BY "id") TO STDOUT (FORMAT csv)"#
        );
    }
}
