//! `plan --from URL`: how many rows each table of a slice will hold, from
//! PostgreSQL's planner statistics, and the SQL that reads them.
//!
//! Nothing is counted: each table's rows (those matching its job's filter,
//! if any) are what `EXPLAIN` estimates, and the walk scales them. A table
//! below a parent takes the parent's share of its own rows (at most its cap
//! per parent row); a sample takes at most its size; a table of parents
//! holds at most one row per referencing row. The numbers are estimates:
//! a skewed foreign key (one customer with most orders) makes them wrong.

use crate::error::{Error, Result};
use crate::job::ImportJob;
use crate::plan::{Down, Plan, Reason, TableId};
use crate::sql;
use postgres::GenericClient;
use serde::Serialize;

/// The estimate of one table.
#[derive(Debug, Clone, Serialize)]
pub struct TableEstimate {
    /// The table.
    pub table: String,
    /// Its place in the load order (0 first).
    pub load_position: usize,
    /// Why it is in the slice.
    pub reasons: Vec<String>,
    /// The query that reads its rows (`:name` stands for key arrays found
    /// while the slice is selected).
    pub sql: String,
    /// The planner's estimate of the rows the table holds (matching its
    /// job's filter, when it has one); `None` without a database.
    pub table_rows: Option<f64>,
    /// The estimated rows the slice holds of it; `None` without a database.
    pub estimated_rows: Option<f64>,
}

/// The estimate of a whole slice.
#[derive(Debug, Clone, Serialize)]
pub struct Estimate {
    /// The tables, in load order.
    pub tables: Vec<TableEstimate>,
    /// The estimated rows of the slice, all tables together; `None`
    /// without a database.
    pub estimated_total: Option<f64>,
}

/// The plan's tables and their SQL, without estimates (no database).
pub fn describe(plan: &Plan, jobs: &[ImportJob]) -> Estimate {
    Estimate {
        tables: plan
            .load_order
            .iter()
            .enumerate()
            .map(|(position, &id)| TableEstimate {
                table: plan.tables[id].name().to_string(),
                load_position: position,
                reasons: plan.reasons(id),
                sql: table_sql(plan, jobs, id),
                table_rows: None,
                estimated_rows: None,
            })
            .collect(),
        estimated_total: None,
    }
}

/// The planner's estimate of the rows of `sql`.
fn planner_rows(
    client: &mut impl GenericClient,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
    table: &str,
) -> Result<f64> {
    // The first line of the plan is its top node: `... (cost=.. rows=N width=..)`.
    let rows = client
        .query(&format!("EXPLAIN {sql}"), params)
        .map_err(|e| Error::query(format!("estimating the rows of {table}"), e))?;
    let first: String = rows.first().map(|r| r.get(0)).unwrap_or_default();
    Ok(first
        .split("rows=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0))
}

/// Whether `child` is below table `id` through `column`: the rows it
/// references that way are rows of `id`'s own selection, already in.
fn below(plan: &Plan, id: TableId, child: TableId, column: &str) -> bool {
    plan.tables[child].down.iter().any(|d| match *d {
        Down::Key { fk, parent, .. } => parent == id && fk.column == column,
        Down::Generic { relation, parent } => parent == id && relation.object_id == column,
    })
}

/// The SQL that reads table `id`'s rows.
fn table_sql(plan: &Plan, jobs: &[ImportJob], id: TableId) -> String {
    let table = &plan.tables[id];
    let model = table.model;
    let key = |name: &str| format!(":keys_of_{}", name.replace(['.', ' '], "_"));
    let mut alternatives: Vec<String> = Vec::new();
    for down in &table.down {
        match *down {
            Down::Key { fk, parent, .. } => alternatives.push(format!(
                "{} = ANY({})",
                sql::ident(fk.column),
                key(&plan.tables[parent].name().to_string())
            )),
            Down::Generic { relation, parent } => alternatives.push(format!(
                "({} = :content_type_of_{} AND {}::text = ANY({}))",
                sql::ident(relation.content_type),
                plan.tables[parent].name().to_string().replace('.', "_"),
                sql::ident(relation.object_id),
                key(&plan.tables[parent].name().to_string())
            )),
        }
    }
    let parent_of = table.reasons.iter().any(|r| match *r {
        Reason::Parent { child, column } | Reason::GenericTarget { child, column } => {
            !below(plan, id, child, column)
        }
        Reason::Subclass { .. } => true,
        _ => false,
    });
    let job = table.job.map(|j| &jobs[j]);
    let mut conditions: Vec<String> = Vec::new();
    if !alternatives.is_empty() {
        conditions.push(if alternatives.len() == 1 {
            alternatives.remove(0)
        } else {
            format!("({})", alternatives.join(" OR "))
        });
    }
    if let Some(filter) = job.and_then(|j| j.filter_ref()) {
        conditions.push(format!("({})", filter.sql));
    }
    let mut query = format!(
        "SELECT {} FROM {}",
        model.select_list(),
        sql::table(&model.table)
    );
    let sampled = job.is_some_and(|j| j.sample_size().is_some());
    if sampled {
        // The sample is chosen among the keys matching the conditions.
        query.push_str(&format!(
            " WHERE {} = ANY(:sampled_keys)",
            sql::ident(model.primary_key)
        ));
        if !conditions.is_empty() {
            query.push_str(&format!(
                " -- sampled among rows WHERE {}",
                conditions.join(" AND ")
            ));
        }
    } else if !conditions.is_empty() {
        query.push_str(" WHERE ");
        query.push_str(&conditions.join(" AND "));
        if parent_of {
            query.push_str(&format!(
                " OR {} = ANY(:referenced_keys)",
                sql::ident(model.primary_key)
            ));
        }
    } else if parent_of && job.is_none() {
        query.push_str(&format!(
            " WHERE {} = ANY(:referenced_keys)",
            sql::ident(model.primary_key)
        ));
    }
    query.push_str(&format!(" ORDER BY {}", sql::ident(model.primary_key)));
    query
}

/// Estimates the slice `plan` of `jobs` on the database behind `client`.
pub fn estimate(
    client: &mut impl GenericClient,
    plan: &Plan,
    jobs: &[ImportJob],
) -> Result<Estimate> {
    let n = plan.tables.len();
    let mut rows = vec![0.0; n];
    for (id, table) in plan.tables.iter().enumerate() {
        let name = table.name().to_string();
        let base = format!("SELECT 1 FROM {}", sql::table(&table.model.table));
        let job = table.job.map(|j| &jobs[j]);
        rows[id] = match job.and_then(|j| j.filter_ref()) {
            Some(filter) => {
                let params: Vec<&(dyn postgres::types::ToSql + Sync)> = filter
                    .params
                    .iter()
                    .map(|p| p.as_ref() as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                planner_rows(
                    client,
                    &format!("{base} WHERE ({}\n)", filter.sql),
                    &params,
                    &name,
                )
                .map_err(|e| match e {
                    Error::Query { source, .. } => Error::Filter {
                        table: name.clone(),
                        filter: filter.sql.clone(),
                        source,
                    },
                    other => other,
                })?
            }
            None => planner_rows(client, &base, &[], &name)?,
        };
    }
    let mut est = vec![0.0_f64; n];
    // Downward, parents first: the load order puts referenced tables first.
    for &id in &plan.load_order {
        let table = &plan.tables[id];
        let job = table.job.map(|j| &jobs[j]);
        let share = |parent: TableId| {
            if rows[parent] > 0.0 {
                (est[parent] / rows[parent]).min(1.0)
            } else {
                0.0
            }
        };
        let mut value = if table.down.is_empty() {
            if job.is_some() { rows[id] } else { 0.0 }
        } else {
            let mut sum = 0.0;
            for down in &table.down {
                let parent = down.parent();
                let mut part = rows[id] * share(parent);
                if let Down::Key { cap: Some(cap), .. } = down {
                    part = part.min(*cap as f64 * est[parent]);
                }
                sum += part;
            }
            sum.min(rows[id])
        };
        for reason in &table.reasons {
            if let Reason::Subclass { base } = *reason {
                value = value.max(rows[id] * share(base));
            }
        }
        if let Some(n) = job.and_then(|j| j.sample_size()) {
            value = value.min(n as f64);
        }
        est[id] = value;
    }
    // Parents, children first: at most one parent row per referencing row.
    for &id in plan.load_order.iter().rev() {
        let table = &plan.tables[id];
        let mut needed = 0.0;
        let mut is_parent = false;
        for reason in &table.reasons {
            if let Reason::Parent { child, column } | Reason::GenericTarget { child, column } =
                *reason
                && child != id
                && !below(plan, id, child, column)
            {
                needed += est[child];
                is_parent = true;
            }
        }
        if is_parent {
            est[id] = est[id].max(needed.min(rows[id]));
        }
    }
    let mut out = describe(plan, jobs);
    for (table, &id) in out.tables.iter_mut().zip(&plan.load_order) {
        table.table_rows = Some(rows[id].round());
        table.estimated_rows = Some(est[id].round());
    }
    out.estimated_total = Some(out.tables.iter().filter_map(|t| t.estimated_rows).sum());
    Ok(out)
}

impl std::fmt::Display for Estimate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.estimated_total {
            Some(_) => writeln!(
                f,
                "SQL and estimated rows (PostgreSQL's planner statistics):"
            )?,
            None => writeln!(f, "SQL (with --from URL, estimated rows too):")?,
        }
        for table in &self.tables {
            match (table.estimated_rows, table.table_rows) {
                (Some(rows), Some(of)) => {
                    writeln!(f, "  {:<40} ~{rows:>10} of {of:>10} rows", table.table)?
                }
                _ => writeln!(f, "  {}", table.table)?,
            }
            writeln!(f, "    {}", table.sql)?;
        }
        if let Some(total) = self.estimated_total {
            writeln!(f, "  {:<40} ~{total:>10} rows", "total")?;
        }
        Ok(())
    }
}
