//! Limits on the walk: which tables the downward walk may enter, how many
//! children a parent keeps along a key, and which generic relations a run
//! follows downward. Set from code ([`Walk`] in [`Options`](crate::Options))
//! or from the command line (`--only`, `--exclude`, `--cap`,
//! `--descend-generic`).

use crate::error::{Error, Result};
use crate::model::TableName;

/// Limits on the downward walk. The upward closure is never limited: a row
/// in the slice always gets every parent it needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Walk {
    /// Descend only into tables matching one of these patterns (when any is
    /// given). Patterns are pg_dump's: `*` any characters, `?` one, and
    /// `schema.table` or a bare table name, which matches in every schema.
    pub only: Vec<String>,
    /// Never descend into tables matching one of these patterns.
    pub exclude: Vec<String>,
    /// At most `max` children per parent along a foreign key.
    pub caps: Vec<Cap>,
    /// Generic relations followed downward in this run, as
    /// `table.object_id_column`, besides those whose model says `descend`.
    pub descend_generic: Vec<String>,
}

/// At most `max` rows of `table` per parent row along its foreign key
/// `column`, chosen with the seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cap {
    /// The child table, as `#[table]` names it.
    pub table: String,
    /// The foreign key column.
    pub column: String,
    /// The most children one parent keeps.
    pub max: u64,
}

impl Cap {
    /// Parses `TABLE.COLUMN=K` (the table may be schema-qualified).
    ///
    /// ```
    /// # use dataslicer::walk::Cap;
    /// let cap = Cap::parse("orders_order.customer_id=5").unwrap();
    /// assert_eq!((cap.table.as_str(), cap.column.as_str(), cap.max), ("orders_order", "customer_id", 5));
    /// assert!(Cap::parse("orders_order=5").is_err());
    /// ```
    pub fn parse(spec: &str) -> Result<Cap> {
        let bad = || {
            Error::Usage(format!(
                "--cap {spec}: expected TABLE.COLUMN=K, such as orders_order.customer_id=5"
            ))
        };
        let (target, max) = spec.split_once('=').ok_or_else(bad)?;
        let (table, column) = target.trim().rsplit_once('.').ok_or_else(bad)?;
        let max: u64 = max.trim().parse().map_err(|_| bad())?;
        if table.is_empty() || column.is_empty() {
            return Err(bad());
        }
        Ok(Cap {
            table: table.to_string(),
            column: column.to_string(),
            max,
        })
    }
}

impl Walk {
    /// Why the downward walk may not enter `table`: the pattern that keeps
    /// it out, or `None` when it may.
    pub fn keeps_out(&self, table: &TableName) -> Option<String> {
        if let Some(pattern) = self.exclude.iter().find(|p| matches_table(p, table)) {
            return Some(format!("--exclude {pattern}"));
        }
        if !self.only.is_empty() && !self.only.iter().any(|p| matches_table(p, table)) {
            return Some(format!("not matched by --only {}", self.only.join(", ")));
        }
        None
    }

    /// The cap on `table`'s foreign key `column`, if any.
    pub fn cap(&self, table: &TableName, column: &str) -> Option<u64> {
        self.caps
            .iter()
            .filter(|c| c.column == column && names_table(&c.table, table))
            .map(|c| c.max)
            .min()
    }

    /// Whether this run follows the generic relation with object id column
    /// `column` of `table` downward.
    pub fn descends_generic(&self, table: &TableName, column: &str) -> bool {
        self.descend_generic.iter().any(|spec| {
            spec.rsplit_once('.')
                .is_some_and(|(t, c)| c == column && names_table(t, table))
        })
    }
}

/// Whether `name` (`table` or `schema.table`) names `table`.
pub fn names_table(name: &str, table: &TableName) -> bool {
    match name.split_once('.') {
        Some((schema, rest)) if table.schema == Some(schema) => rest == table.name,
        Some(_) => name == table.name,
        None => name == table.name,
    }
}

/// Whether a pg_dump-style pattern matches a table: `*` and `?` wildcards; a
/// pattern with a dot matches `schema.table` (a table with no schema in its
/// model is in `public`), one without matches the table's name.
///
/// ```
/// # use dataslicer::{TableName, walk::matches_table};
/// let table = TableName::new(None, "orders_orderitem");
/// assert!(matches_table("orders_*", &table));
/// assert!(matches_table("public.orders_order????", &table));
/// assert!(!matches_table("accounts_*", &table));
/// ```
pub fn matches_table(pattern: &str, table: &TableName) -> bool {
    match pattern.split_once('.') {
        Some((schema, name)) => {
            glob(schema, table.schema.unwrap_or("public")) && glob(name, table.name)
        }
        None => glob(pattern, table.name),
    }
}

/// Whether `text` matches `pattern`, with `*` (any characters) and `?` (one)
/// as wildcards, case-sensitively.
///
/// ```
/// # use dataslicer::walk::glob;
/// assert!(glob("blog_?ost*", "blog_posts"));
/// assert!(!glob("auth_*", "blog_post"));
/// ```
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Classic backtracking over the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_pg_dump_patterns() {
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxbyy"));
        assert!(glob("?x", "ax"));
        assert!(!glob("?x", "x"));
        let table = TableName::new(Some("sales"), "order");
        assert!(matches_table("sales.*", &table));
        assert!(!matches_table("public.*", &table));
        assert!(matches_table("ord*", &table));
    }

    #[test]
    fn exclude_wins_over_only() {
        let walk = Walk {
            only: vec!["orders_*".into()],
            exclude: vec!["*_log".into(), "orders_orderitem".into()],
            ..Walk::default()
        };
        assert_eq!(walk.keeps_out(&TableName::new(None, "orders_order")), None);
        assert!(
            walk.keeps_out(&TableName::new(None, "orders_orderitem"))
                .is_some()
        );
        assert!(
            walk.keeps_out(&TableName::new(None, "accounts_customer"))
                .is_some()
        );
    }

    #[test]
    fn caps_and_generic_relations_are_named_by_table_and_column() {
        let walk = Walk {
            caps: vec![Cap::parse("sales.order.customer_id=3").unwrap()],
            descend_generic: vec!["blog_comment.object_id".into()],
            ..Walk::default()
        };
        assert_eq!(
            walk.cap(&TableName::new(Some("sales"), "order"), "customer_id"),
            Some(3)
        );
        assert_eq!(
            walk.cap(&TableName::new(None, "order"), "customer_id"),
            None
        );
        assert!(walk.descends_generic(&TableName::new(None, "blog_comment"), "object_id"));
    }
}
