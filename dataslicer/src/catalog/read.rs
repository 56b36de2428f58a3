//! The catalog queries: one pass over PostgreSQL's system catalogs.

use super::{Check, Column, ContentType, ForeignKey, JSON_SAMPLE_ROWS, Table, TypeKind, Unique};
use crate::error::{Error, Result};
use postgres::GenericClient;
use std::collections::HashMap;

pub(super) fn query(
    client: &mut impl GenericClient,
    what: &str,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Vec<postgres::Row>> {
    client
        .query(sql, params)
        .map_err(|e| Error::query(format!("reading the catalog ({what})"), e))
}

pub(super) fn read_tables(
    client: &mut impl GenericClient,
    schemas: &[String],
) -> Result<Vec<(u32, Table)>> {
    let rows = query(
        client,
        "tables",
        "SELECT c.oid, n.nspname::text, c.relname::text, pg_table_is_visible(c.oid), \
                c.reltuples::float8 \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1) \
         ORDER BY n.nspname, c.relname",
        &[&schemas],
    )?;
    Ok(rows.iter().map(table_row).collect())
}

pub(super) fn table_row(r: &postgres::Row) -> (u32, Table) {
    let reltuples: f64 = r.get(4);
    (
        r.get(0),
        Table {
            schema: r.get(1),
            name: r.get(2),
            visible: r.get(3),
            estimated_rows: (reltuples >= 0.0).then_some(reltuples),
            ..Table::default()
        },
    )
}

pub(super) fn read_columns(
    client: &mut impl GenericClient,
    oids: &[u32],
    by_oid: &HashMap<u32, usize>,
    tables: &mut [(u32, Table)],
) -> Result<()> {
    let rows = query(
        client,
        "columns",
        "SELECT a.attrelid, a.attname::text, format_type(a.atttypid, a.atttypmod), \
                b.typname::text, b.typtype::text, b.typcategory::text, e.typname::text, \
                CASE WHEN b.typname IN ('varchar', 'bpchar') AND a.atttypmod > 4 \
                     THEN a.atttypmod - 4 END, \
                CASE WHEN b.typname = 'numeric' AND a.atttypmod > 4 \
                     THEN ((a.atttypmod - 4) >> 16) & 65535 END, \
                CASE WHEN b.typname = 'numeric' AND a.atttypmod > 4 \
                     THEN (a.atttypmod - 4) & 65535 END, \
                a.attnotnull OR coalesce(t.typnotnull, false), \
                pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text, \
                has_column_privilege(a.attrelid, a.attnum, 'SELECT') \
         FROM pg_attribute a \
         JOIN pg_type t ON t.oid = a.atttypid \
         JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END \
         LEFT JOIN pg_type e ON e.oid = b.typelem AND b.typcategory = 'A' \
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped \
         ORDER BY a.attrelid, a.attnum",
        &[&oids],
    )?;
    for r in rows {
        let oid: u32 = r.get(0);
        let typtype: String = r.get(4);
        let category: String = r.get(5);
        let element: Option<String> = r.get(6);
        let kind = match (typtype.as_str(), category.as_str()) {
            (_, "A") if element.is_some() => TypeKind::Array,
            ("e", _) => TypeKind::Enum,
            ("r" | "m", _) => TypeKind::Ranged,
            ("c", _) => TypeKind::Composite,
            ("b", _) => TypeKind::Base,
            _ => TypeKind::Other,
        };
        let generated: String = r.get(13);
        let identity: String = r.get(12);
        let precision: Option<i32> = r.get(8);
        let scale: Option<i32> = r.get(9);
        let column = Column {
            name: r.get(1),
            type_name: r.get(2),
            base_type: r.get(3),
            kind,
            element_type: element,
            max_chars: r.get::<_, Option<i32>>(7).map(|n| n as usize),
            numeric: precision.zip(scale).map(|(p, s)| (p as u32, s as u32)),
            not_null: r.get(10),
            default: if generated.is_empty() {
                r.get(11)
            } else {
                None
            },
            identity: identity.chars().next(),
            generated: !generated.is_empty(),
            readable: r.get(14),
            json_keys: Vec::new(),
        };
        tables[by_oid[&oid]].1.columns.push(column);
    }
    Ok(())
}

/// The names of the columns `attnums` of the table, in that order.
pub(super) fn names(attnums: &[i16], all: &[(i16, String)]) -> Vec<String> {
    attnums
        .iter()
        .filter_map(|n| all.iter().find(|(a, _)| a == n).map(|(_, s)| s.clone()))
        .collect()
}

pub(super) fn read_constraints(
    client: &mut impl GenericClient,
    oids: &[u32],
    by_oid: &HashMap<u32, usize>,
    tables: &mut [(u32, Table)],
) -> Result<()> {
    let attnums = query(
        client,
        "column numbers",
        "SELECT attrelid, attnum, attname::text FROM pg_attribute \
         WHERE attrelid IN (SELECT conrelid FROM pg_constraint WHERE conrelid = ANY($1) \
                            UNION SELECT confrelid FROM pg_constraint WHERE conrelid = ANY($1)) \
           AND attnum > 0 AND NOT attisdropped",
        &[&oids],
    )?;
    let mut columns: HashMap<u32, Vec<(i16, String)>> = HashMap::new();
    for r in attnums {
        columns
            .entry(r.get(0))
            .or_default()
            .push((r.get(1), r.get(2)));
    }
    let rows = query(
        client,
        "constraints",
        "SELECT c.conrelid, c.conname::text, c.contype::text, c.conkey, c.confrelid, c.confkey, \
                c.condeferrable, c.condeferred, pg_get_constraintdef(c.oid), \
                fn.nspname::text, fc.relname::text \
         FROM pg_constraint c \
         LEFT JOIN pg_class fc ON fc.oid = c.confrelid \
         LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace \
         WHERE c.conrelid = ANY($1) AND c.contype IN ('p', 'u', 'f', 'c') \
         ORDER BY c.conrelid, c.conname",
        &[&oids],
    )?;
    let empty = Vec::new();
    for r in rows {
        let oid: u32 = r.get(0);
        let table = &mut tables[by_oid[&oid]].1;
        let own = columns.get(&oid).unwrap_or(&empty);
        let keys: Vec<i16> = r.get::<_, Option<Vec<i16>>>(3).unwrap_or_default();
        let key_names = names(&keys, own);
        let name: String = r.get(1);
        match r.get::<_, String>(2).as_str() {
            "p" => table.primary_key = key_names,
            "u" => table.unique.push(Unique {
                name,
                columns: key_names,
                expression: false,
                partial: false,
            }),
            "f" => {
                let target_oid: u32 = r.get(4);
                let target_keys: Vec<i16> = r.get::<_, Option<Vec<i16>>>(5).unwrap_or_default();
                let target_columns =
                    names(&target_keys, columns.get(&target_oid).unwrap_or(&empty));
                table.foreign_keys.push(ForeignKey {
                    name,
                    columns: key_names,
                    target_schema: r.get(9),
                    target_table: r.get(10),
                    target_columns,
                    deferrable: r.get(6),
                    deferred: r.get(7),
                });
            }
            _ => table.checks.push(Check {
                name,
                columns: key_names,
                definition: r.get(8),
            }),
        }
    }
    Ok(())
}

/// Unique indexes that no constraint stands for (`CREATE UNIQUE INDEX`,
/// Django's `UniqueConstraint` with expressions or a condition).
pub(super) fn read_unique_indexes(
    client: &mut impl GenericClient,
    oids: &[u32],
    by_oid: &HashMap<u32, usize>,
    tables: &mut [(u32, Table)],
) -> Result<()> {
    let rows = query(
        client,
        "unique indexes",
        "SELECT i.indrelid, ic.relname::text, \
                ARRAY(SELECT a.attname::text FROM pg_attribute a \
                      WHERE a.attrelid = i.indrelid AND a.attnum > 0 AND ( \
                            a.attnum = ANY(i.indkey::int2[]) OR EXISTS ( \
                            SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass \
                              AND d.objid = i.indexrelid AND d.refobjid = i.indrelid \
                              AND d.refobjsubid = a.attnum)) \
                      ORDER BY a.attnum), \
                i.indexprs IS NOT NULL, i.indpred IS NOT NULL \
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
         WHERE i.indrelid = ANY($1) AND i.indisunique AND NOT i.indisprimary \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid \
                           AND c.conrelid = i.indrelid) \
         ORDER BY i.indrelid, ic.relname",
        &[&oids],
    )?;
    for r in rows {
        let oid: u32 = r.get(0);
        tables[by_oid[&oid]].1.unique.push(Unique {
            name: r.get(1),
            columns: r.get(2),
            expression: r.get(3),
            partial: r.get(4),
        });
    }
    Ok(())
}

pub(super) fn qualified(table: &Table) -> String {
    format!(
        "{}.{}",
        crate::sql::ident(&table.schema),
        crate::sql::ident(&table.name)
    )
}

/// The key names of each JSON column's objects in a sample of rows.
pub(super) fn read_json_keys(client: &mut impl GenericClient, table: &mut Table) -> Result<()> {
    let name = qualified(table);
    for column in &mut table.columns {
        if !matches!(column.base_type.as_str(), "json" | "jsonb") {
            continue;
        }
        let col = crate::sql::ident(&column.name);
        let sql = format!(
            "SELECT DISTINCT k::text FROM (SELECT {col}::jsonb AS v FROM {name} \
             WHERE {col} IS NOT NULL LIMIT {JSON_SAMPLE_ROWS}) s, \
             jsonb_object_keys(CASE WHEN jsonb_typeof(s.v) = 'object' THEN s.v END) k \
             ORDER BY 1 LIMIT 100"
        );
        let rows = client.query(&sql, &[]).map_err(|e| {
            Error::query(
                format!(
                    "reading the key names of JSON column {}.{}",
                    table.name, column.name
                ),
                e,
            )
        })?;
        column.json_keys = rows.iter().map(|r| r.get(0)).collect();
    }
    Ok(())
}

/// A django-treebeard MP tree's step: the length of a root's path.
pub(super) fn read_tree_step(client: &mut impl GenericClient, table: &mut Table) -> Result<()> {
    let has = |name: &str, integer: bool| {
        table.column(name).is_some_and(|c| {
            let int = matches!(c.base_type.as_str(), "int2" | "int4" | "int8");
            int == integer
        })
    };
    if !(has("path", false) && has("depth", true) && has("numchild", true)) {
        return Ok(());
    }
    let sql = format!(
        "SELECT min(length(path))::int4 FROM (SELECT path FROM {} WHERE depth = 1 LIMIT 100) s",
        qualified(table)
    );
    let row = client
        .query_one(&sql, &[])
        .map_err(|e| Error::query(format!("reading the tree paths of {}", table.name), e))?;
    table.tree_step = row.get::<_, Option<i32>>(0).map(|n| n.max(1) as u32);
    Ok(())
}

pub(super) fn read_content_types(
    client: &mut impl GenericClient,
    tables: &[Table],
) -> Result<Vec<ContentType>> {
    let Some(ct) = tables
        .iter()
        .find(|t| t.visible && t.name == "django_content_type")
    else {
        return Ok(Vec::new());
    };
    if ct.column("app_label").is_none() || ct.column("model").is_none() || ct.column("id").is_none()
    {
        return Ok(Vec::new());
    }
    let rows = query(
        client,
        "content types",
        &format!(
            "SELECT id::int8, app_label::text, model::text FROM {} ORDER BY id",
            qualified(ct)
        ),
        &[],
    )?;
    let mut out: Vec<ContentType> = rows
        .iter()
        .map(|r| ContentType {
            id: r.get(0),
            app_label: r.get(1),
            model: r.get(2),
            verbose_name: None,
        })
        .collect();
    // Django names the default permissions "Can add <verbose name>" with the
    // codename "add_<model>": the verbose name gives the words of the model's
    // class name (`log entry` for `LogEntry`).
    let permissions = tables
        .iter()
        .find(|t| t.visible && t.name == "auth_permission");
    if let Some(permissions) = permissions.filter(|p| {
        p.column("name").is_some()
            && p.column("codename").is_some()
            && p.column("content_type_id").is_some()
    }) {
        let rows = query(
            client,
            "permission names",
            &format!(
                "SELECT content_type_id::int8, substr(name, 9)::text FROM {} \
                 WHERE name LIKE 'Can add %' AND codename LIKE 'add\\_%'",
                qualified(permissions)
            ),
            &[],
        )?;
        for r in rows {
            let id: i64 = r.get(0);
            let verbose: String = r.get(1);
            if let Some(ct) = out.iter_mut().find(|ct| ct.id == id) {
                let joined: String = verbose
                    .split_whitespace()
                    .collect::<String>()
                    .to_lowercase();
                if joined == ct.model {
                    ct.verbose_name = Some(verbose);
                }
            }
        }
    }
    Ok(out)
}
