//! The one pass over the catalog that decides every model.

use super::personal::{self, Context, Decision, Kind};
use super::{
    DJANGO_TABLES, FieldSpec, LEFT_OUT, ModelSpec, Options, RustType, Schema, glob, names,
};
use crate::catalog::{Catalog, Table};
use crate::error::{Error, Result};
use std::collections::{BTreeSet, HashSet};

fn selected(table: &Table, options: &Options) -> bool {
    let names = [
        table.name.clone(),
        format!("{}.{}", table.schema, table.name),
    ];
    let matches = |patterns: &[String]| patterns.iter().any(|p| names.iter().any(|n| glob(p, n)));
    !LEFT_OUT.contains(&table.name.as_str())
        && (options.tables.is_empty() || matches(&options.tables))
        && !matches(&options.exclude)
}

/// The key column of a table: its primary key, else a unique NOT NULL
/// column.
fn key_column(table: &Table) -> Option<&str> {
    if let Some(key) = table.single_key() {
        return Some(key);
    }
    if !table.primary_key.is_empty() {
        return None;
    }
    table
        .unique
        .iter()
        .filter(|u| !u.partial && !u.expression && u.columns.len() == 1)
        .map(|u| u.columns[0].as_str())
        .find(|c| table.column(c).is_some_and(|c| c.not_null))
}

/// Decides everything about `catalog`'s tables.
pub fn analyze(catalog: &Catalog, options: &Options) -> Result<Schema> {
    let mut skipped = Vec::new();
    let mut tables: Vec<&Table> = Vec::new();
    for table in catalog.tables.iter().filter(|t| selected(t, options)) {
        if key_column(table).is_none() {
            skipped.push(format!(
                "table {}: no single-column primary key or unique NOT NULL column, which a \
                 model needs",
                table.table_name()
            ));
        } else {
            tables.push(table);
        }
    }
    if tables.is_empty() {
        return Err(Error::Usage(
            "no table to generate: the schema is empty, or --tables/--exclude leave nothing".into(),
        ));
    }
    let index_of = |schema: &str, name: &str| {
        tables
            .iter()
            .position(|t| t.schema == schema && t.name == name)
    };
    // Modules and struct names.
    let app_labels: Vec<&str> = {
        let mut labels: Vec<&str> = catalog
            .content_types
            .iter()
            .map(|ct| ct.app_label.as_str())
            .collect();
        labels.sort_by_key(|l| std::cmp::Reverse(l.len()));
        labels.dedup();
        labels
    };
    let mut used_cts: HashSet<(String, String)> = HashSet::new();
    // (module, struct name, an explicit content type) per table.
    type Naming = (String, String, Option<(String, String)>);
    let mut naming: Vec<Naming> = Vec::new();
    for table in &tables {
        let ct = table
            .visible
            .then(|| catalog.content_type_of(&table.name))
            .flatten();
        let (module, name, custom_ct) = match ct {
            Some(ct) => {
                used_cts.insert((ct.app_label.clone(), ct.model.clone()));
                let words = ct.verbose_name.as_deref().unwrap_or(&ct.model);
                (ct.app_label.clone(), names::camel(words), None)
            }
            None => match app_labels
                .iter()
                .find(|l| table.name.starts_with(&format!("{l}_")))
            {
                Some(label) => (
                    label.to_string(),
                    names::camel(&table.name[label.len() + 1..]),
                    None,
                ),
                None => {
                    let (prefix, rest) = table
                        .name
                        .split_once('_')
                        .filter(|(p, r)| !p.is_empty() && !r.is_empty())
                        .unwrap_or((table.name.as_str(), table.name.as_str()));
                    (prefix.to_string(), names::camel(rest), None)
                }
            },
        };
        naming.push((module, name, custom_ct));
    }
    // Content types whose table is not `<app>_<model>` (a custom db_table):
    // matched to a leftover table by the model's name, when only one fits.
    for ct in &catalog.content_types {
        if used_cts.contains(&(ct.app_label.clone(), ct.model.clone())) {
            continue;
        }
        let known = DJANGO_TABLES
            .iter()
            .find(|(_, app, model)| *app == ct.app_label && *model == ct.model)
            .map(|(table, _, _)| *table);
        let fits: Vec<usize> = (0..tables.len())
            .filter(|&i| {
                let t = tables[i].name.to_lowercase().replace('_', "");
                tables[i].visible
                    && catalog.content_type_of(&tables[i].name).is_none()
                    && match known {
                        Some(known) => tables[i].name == known,
                        None => {
                            t == ct.model
                                || t == format!("{}s", ct.model)
                                || t.ends_with(&ct.model)
                                || t.ends_with(&format!("{}s", ct.model))
                        }
                    }
            })
            .collect();
        if let [i] = fits.as_slice() {
            let words = ct.verbose_name.as_deref().unwrap_or(&ct.model);
            naming[*i] = (
                ct.app_label.clone(),
                names::camel(words),
                Some((ct.app_label.clone(), ct.model.clone())),
            );
        }
    }
    let mut module_names: Vec<String> = Vec::new();
    let mut used_names: Vec<(String, Vec<String>)> = Vec::new();
    let mut models: Vec<ModelSpec> = Vec::new();
    for (table, (module, name, custom_ct)) in tables.iter().zip(naming) {
        let mut module = names::snake(&module);
        if module == "fakes" || module == "models" || module == "main" {
            module.push_str("_app");
        }
        if !module_names.contains(&module) {
            module_names.push(module.clone());
        }
        let slot = match used_names.iter().position(|(m, _)| *m == module) {
            Some(i) => i,
            None => {
                used_names.push((module.clone(), Vec::new()));
                used_names.len() - 1
            }
        };
        let name = names::unique(name, &mut used_names[slot].1);
        let key = key_column(table).expect("kept tables have a key");
        let key_type = RustType::of(table.column(key).expect("the key is a column"));
        let key_type = if key_type.is_key() {
            key_type
        } else {
            RustType::Text
        };
        let ct_pair = custom_ct.clone().or_else(|| {
            catalog
                .content_type_of(&table.name)
                .filter(|_| table.visible)
                .map(|ct| (ct.app_label.clone(), ct.model.clone()))
        });
        let docs = vec![match &ct_pair {
            Some((app, model)) => format!(
                "`{}`: Django's `{app}.{name}` (content type `{app}.{model}`).",
                table.table_name()
            ),
            None => format!("`{}`.", table.table_name()),
        }];
        models.push(ModelSpec {
            table: table.table_name(),
            module,
            name,
            content_type: custom_ct,
            docs,
            fields: Vec::new(),
            key_type,
        });
    }
    // Columns referenced by any foreign key: keys, never faked.
    let mut referenced: HashSet<(String, String, String)> = HashSet::new();
    for table in &catalog.tables {
        for fk in &table.foreign_keys {
            for column in &fk.target_columns {
                referenced.insert((
                    fk.target_schema.clone(),
                    fk.target_table.clone(),
                    column.clone(),
                ));
            }
        }
    }
    let mut review = Vec::new();
    let mut detected = Vec::new();
    let mut fake_functions: Vec<&'static str> = Vec::new();
    for (i, table) in tables.iter().enumerate() {
        let key = key_column(table).expect("kept tables have a key");
        let person = personal::is_person_table(table);
        let address = personal::has_address(table);
        let content_type_columns: Vec<&str> = table
            .foreign_keys
            .iter()
            .filter(|fk| {
                fk.target_table == "django_content_type"
                    && fk.columns.len() == 1
                    // `#[generic]` needs the content type column declared as an `#[fk]`.
                    && index_of(&fk.target_schema, &fk.target_table).is_some()
            })
            .map(|fk| fk.columns[0].as_str())
            .collect();
        let generic_of = |column: &str| -> Option<String> {
            content_type_columns.iter().find_map(|ct| {
                let prefix = ct.strip_suffix("content_type_id")?;
                [format!("{prefix}object_id"), format!("{prefix}object_pk")]
                    .contains(&column.to_string())
                    .then(|| ct.to_string())
            })
        };
        let is_tree = ["path", "depth", "numchild"]
            .iter()
            .all(|c| table.column(c).is_some());
        let mut used_fields: Vec<String> = Vec::new();
        let mut fields = Vec::new();
        for column in &table.columns {
            if column.generated {
                skipped.push(format!(
                    "column {}.{}: a generated column, which a slice cannot load",
                    table.table_name(),
                    column.name
                ));
                continue;
            }
            let pk = column.name == key;
            let mut ty = RustType::of(column);
            let mut docs = Vec::new();
            let mut fk = None;
            if let Some(constraint) = table.foreign_key(&column.name) {
                match index_of(&constraint.target_schema, &constraint.target_table) {
                    Some(target) => {
                        let target_table = tables[target];
                        let target_column = &constraint.target_columns[0];
                        let target_key = key_column(target_table).expect("kept");
                        let key_attr = (target_column != target_key).then(|| target_column.clone());
                        let nullable_target = key_attr.is_some()
                            && target_table
                                .column(target_column)
                                .is_some_and(|c| !c.not_null);
                        let target_ty = match &key_attr {
                            None => models[target].key_type,
                            Some(c) => {
                                let t = RustType::of(target_table.column(c).expect("a column"));
                                if t.is_key() { t } else { RustType::Text }
                            }
                        };
                        if nullable_target {
                            skipped.push(format!(
                                "foreign key {}.{} -> {}.{}: the referenced column may be NULL, \
                                 which `#[fk(.., key = \"..\")]` cannot mirror; the key is not \
                                 declared (`check` reports it)",
                                table.table_name(),
                                column.name,
                                target_table.table_name(),
                                target_column
                            ));
                        } else {
                            ty = target_ty;
                            fk = Some((target, key_attr));
                        }
                        if pk && key_attr_is_none(&fk) {
                            let line = format!(
                                "Multi-table inheritance: `{}` extends `{}` (its primary key `{}` \
                                 references `{}`'s primary key).",
                                table.table_name(),
                                target_table.table_name(),
                                column.name,
                                target_table.table_name()
                            );
                            models[i].docs.push(line.clone());
                            detected.push(line);
                        }
                    }
                    None => skipped.push(format!(
                        "foreign key {}.{} -> {}.{}: the target table is not generated, so \
                         the key is not declared (`check` reports it)",
                        table.table_name(),
                        column.name,
                        constraint.target_table,
                        constraint.target_columns.join(", ")
                    )),
                }
            }
            if pk && fk.is_none() {
                ty = models[i].key_type;
            }
            let generic = generic_of(&column.name);
            if let Some(ct) = &generic {
                let line = format!(
                    "Generic relation: `{}` holds the key of a row of the model that `{ct}` names \
                     (a Django GenericForeignKey, detected from the foreign key `{ct}` to \
                     django_content_type beside this column). Add `descend` when these rows \
                     belong to that object, as comments belong to a post.",
                    column.name
                );
                detected.push(format!("{}: {line}", table.table_name()));
                docs.push(line);
                if !matches!(ty, RustType::I16 | RustType::I32 | RustType::I64) {
                    ty = RustType::Text;
                }
            }
            let tree = (is_tree && column.name == "path").then(|| {
                let step = table.tree_step.unwrap_or(4);
                let line = format!(
                    "A django-treebeard materialized path tree (columns path, depth and \
                     numchild), {step} characters a level ({}): every row's ancestors come along.",
                    if table.tree_step.is_some() {
                        "the length of the roots' paths"
                    } else {
                        "treebeard's default; the table has no rows to measure"
                    }
                );
                detected.push(format!("{}: {line}", table.table_name()));
                docs.push(line);
                step
            });
            let is_key = pk
                || fk.is_some()
                || table.foreign_key(&column.name).is_some()
                || generic.is_some()
                || content_type_columns.contains(&column.name.as_str())
                || tree.is_some()
                || referenced.contains(&(
                    table.schema.clone(),
                    table.name.clone(),
                    column.name.clone(),
                ));
            let cx = Context {
                table,
                person,
                address,
                key: is_key,
            };
            let fake = match personal::decide(column, &cx) {
                Decision::Plain => None,
                Decision::Review(why) => {
                    review.push((table.table_name(), column.name.clone(), why));
                    None
                }
                Decision::Fake(choice) => {
                    match &choice.kind {
                        Kind::Named("date") | Kind::Named("datetime") => {}
                        Kind::Named(_) => ty = RustType::Text,
                        Kind::With(f) => {
                            ty = RustType::Text;
                            if !fake_functions.contains(f) {
                                fake_functions.push(f);
                            }
                        }
                        Kind::Value(_) => {}
                    }
                    docs.insert(0, format!("Faked: {}.", choice.reason));
                    Some(choice)
                }
            };
            let ident = names::unique(names::snake(&column.name), &mut used_fields);
            fields.push(FieldSpec {
                column: column.name.clone(),
                ident,
                ty,
                nullable: !column.not_null,
                pk,
                fk,
                no_descend: false,
                fake,
                generic,
                tree,
                docs,
            });
        }
        models[i].fields = fields;
    }
    // A `key = ".."` target column is held as a key type: `String` when its
    // own type is not one (the referencing fields already are).
    let to_fields: Vec<(usize, String)> = models
        .iter()
        .flat_map(|m| m.fields.iter())
        .filter_map(|f| match &f.fk {
            Some((target, Some(column))) => Some((*target, column.clone())),
            _ => None,
        })
        .collect();
    for (target, column) in to_fields {
        if let Some(field) = models[target]
            .fields
            .iter_mut()
            .find(|f| f.column == column)
            && !field.ty.is_key()
        {
            field.ty = RustType::Text;
        }
    }
    let root = choose_root(catalog, &tables, options)?;
    for field in &mut models[root.0].fields {
        if !field.pk && matches!(field.fk, Some((target, _)) if target == root.0) {
            field.no_descend = true;
            field.docs.push(
                "Not followed downward (`no_descend`): the root's rows that reference its own \
                 rows would grow its sample; the rows this one references still come along."
                    .into(),
            );
        }
    }
    let extra_jobs: Vec<usize> = (0..tables.len())
        .filter(|&i| {
            i != root.0
                && tables[i]
                    .foreign_keys
                    .iter()
                    .all(|fk| fk.targets(tables[i]))
                && !tables
                    .iter()
                    .enumerate()
                    .any(|(j, t)| j != i && t.foreign_keys.iter().any(|fk| fk.targets(tables[i])))
        })
        .collect();
    let mut features: BTreeSet<&'static str> = BTreeSet::from(["derive"]);
    for model in &models {
        for field in &model.fields {
            features.extend(field.ty.feature());
        }
    }
    module_names.sort();
    // Models in module order, keeping indexes stable: sort a permutation.
    let mut order: Vec<usize> = (0..models.len()).collect();
    order.sort_by(|&a, &b| {
        (&models[a].module, &models[a].table).cmp(&(&models[b].module, &models[b].table))
    });
    let mut new_index = vec![0; models.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut sorted: Vec<ModelSpec> = order.iter().map(|&i| models[i].clone()).collect();
    for model in &mut sorted {
        for field in &mut model.fields {
            if let Some((target, _)) = &mut field.fk {
                *target = new_index[*target];
            }
        }
    }
    Ok(Schema {
        models: sorted,
        modules: module_names,
        root: new_index[root.0],
        root_reason: root.1,
        extra_jobs: extra_jobs.into_iter().map(|i| new_index[i]).collect(),
        sample: options.sample,
        features,
        skipped,
        review,
        detected,
        fake_functions,
    })
}

fn key_attr_is_none(fk: &Option<(usize, Option<String>)>) -> bool {
    matches!(fk, Some((_, None)))
}

/// The root table and why.
fn choose_root(catalog: &Catalog, tables: &[&Table], options: &Options) -> Result<(usize, String)> {
    if let Some(root) = &options.root {
        let found = tables
            .iter()
            .position(|t| t.name == *root || format!("{}.{}", t.schema, t.name) == *root);
        return match found {
            Some(i) => Ok((i, format!("`{root}`, as --root asks"))),
            None => Err(Error::Usage(format!(
                "--root {root}: no such table among those generated"
            ))),
        };
    }
    let incoming = |i: usize| {
        tables
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, t)| {
                t.foreign_keys
                    .iter()
                    .filter(|fk| fk.targets(tables[i]))
                    .count()
            })
            .sum::<usize>()
    };
    let users: Vec<usize> = (0..tables.len())
        .filter(|&i| {
            catalog
                .content_type_of(&tables[i].name)
                .is_some_and(|ct| ct.model == "user")
        })
        .collect();
    if let Some(&i) = users
        .iter()
        .find(|&&i| tables[i].name == "auth_user")
        .or_else(|| users.iter().max_by_key(|&&i| incoming(i)))
    {
        return Ok((
            i,
            format!(
                "`{}`, Django's user table (its content type is `{}.user`)",
                tables[i].name,
                catalog
                    .content_type_of(&tables[i].name)
                    .map_or("", |ct| &ct.app_label)
            ),
        ));
    }
    let best = (0..tables.len())
        .max_by_key(|&i| (incoming(i), std::cmp::Reverse(i)))
        .expect("at least one table");
    Ok((
        best,
        format!(
            "`{}`, the most referenced table ({} foreign keys from other tables point at it)",
            tables[best].name,
            incoming(best)
        ),
    ))
}
