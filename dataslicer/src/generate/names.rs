//! Rust names for SQL names: modules, structs and fields.

/// Rust's keywords, strict and reserved: never a bare identifier.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names a model must not take: they would shadow what generated code
/// uses.
const TAKEN_TYPES: &[&str] = &[
    "Importer",
    "ImportJob",
    "Option",
    "Some",
    "None",
    "String",
    "Vec",
    "Box",
    "Result",
    "Ok",
    "Err",
    "DateTime",
    "Utc",
    "NaiveDate",
    "NaiveTime",
    "NaiveDateTime",
    "Decimal",
    "Uuid",
    "Value",
    "Self",
];

/// A snake_case identifier for an SQL name: lowercase ASCII letters, digits
/// and `_`; never a keyword, never starting with a digit, never empty.
pub fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut last_underscore = false;
    for c in deunicode::deunicode(name).chars() {
        if c.is_ascii_alphanumeric() {
            // camelCase -> camel_case
            if c.is_ascii_uppercase() && !out.is_empty() && !last_underscore {
                let prev = out.chars().last().unwrap_or('_');
                if prev.is_ascii_lowercase() || prev.is_ascii_digit() {
                    out.push('_');
                }
            }
            out.push(c.to_ascii_lowercase());
            last_underscore = false;
        } else if !last_underscore {
            out.push('_');
            last_underscore = true;
        }
    }
    let mut out = out.trim_end_matches('_').to_string();
    if name.starts_with('_') && !out.starts_with('_') {
        out.insert(0, '_');
    }
    if out.is_empty() || out == "_" {
        out = "column".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// A CamelCase type name from words separated by `_`, spaces or case.
pub fn camel(words: &str) -> String {
    let mut out = String::new();
    for word in snake(words).split('_').filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Table");
    }
    if TAKEN_TYPES.contains(&out.as_str()) {
        out.push_str("Model");
    }
    out
}

/// `name`, or `name2`, `name3`, ... : the first not in `used`, which it
/// joins.
pub fn unique(name: String, used: &mut Vec<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{name}{n}");
        n += 1;
    }
    used.push(candidate.clone());
    candidate
}

/// A Cargo package name for a directory name, as `cargo new` would take
/// it: letters, digits, `-` and `_`.
pub fn package(dir_name: &str) -> String {
    let name: String = deunicode::deunicode(dir_name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_matches('-').to_lowercase();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("exporter-{name}").trim_end_matches('-').to_string()
    } else {
        name
    }
}

/// Whether `text` matches the glob `pattern` (`*` any run, `?` one
/// character), case-sensitively: the walk's own matcher.
pub use crate::walk::glob;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_names_become_rust_names() {
        assert_eq!(snake("first_name"), "first_name");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("Order Line"), "order_line");
        assert_eq!(snake("createdAt"), "created_at");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(snake("Zoë"), "zoe");
        assert_eq!(camel("log entry"), "LogEntry");
        assert_eq!(camel("user_groups"), "UserGroups");
        assert_eq!(camel("value"), "ValueModel");
        assert_eq!(camel("3d"), "Table3d");
        let mut used = vec!["User".to_string()];
        assert_eq!(unique("User".into(), &mut used), "User2");
        assert_eq!(package("My Exporter!"), "my-exporter");
        assert_eq!(package("9lives"), "exporter-9lives");
    }

    #[test]
    fn globs_match_like_a_shell() {
        assert!(glob("auth_*", "auth_user"));
        assert!(glob("*", "x"));
        assert!(glob("blog_?ost", "blog_post"));
        assert!(!glob("auth_*", "blog_post"));
        assert!(glob("*_user*", "auth_user_groups"));
        assert!(!glob("a*b", "acd"));
    }
}
