//! Which columns hold personal data, and the fake for each: chosen from the
//! column's name, type, length and constraints, with the reason in words.

use crate::catalog::{Column, Table, TypeKind};

/// The fake chosen for a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// What to write in `#[fake(...)]`.
    pub kind: Kind,
    /// `unique`: a unique constraint or index covers the column.
    pub unique: bool,
    /// `consistent`: one original, one fake, in every table.
    pub consistent: bool,
    /// Why, in a few words (for the field's doc comment).
    pub reason: String,
}

/// A fake's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A named kind (`email`).
    Named(&'static str),
    /// `value = "..."`: a constant.
    Value(String),
    /// `with = crate::fakes::<name>`: a generated function.
    With(&'static str),
}

/// What was decided for a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Nothing personal about it.
    Plain,
    /// Faked.
    Fake(Choice),
    /// It looks personal but is left as it is: why (for the README).
    Review(String),
}

/// An unusable Django password (`!` then 40 characters, as
/// `make_password(None)` writes): no one can log in with it.
pub const UNUSABLE_PASSWORD: &str = "!dataslicer0unusable0password000000000000";

/// Context a decision needs beyond the column.
pub struct Context<'a> {
    /// The table.
    pub table: &'a Table,
    /// Whether the table describes people (a user, customer, profile, ...).
    pub person: bool,
    /// Whether the table has address columns (city, postcode, street).
    pub address: bool,
    /// Whether the column is a key: primary, foreign, or referenced by one.
    pub key: bool,
}

fn words(name: &str) -> Vec<String> {
    super::names::snake(name)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn has(words: &[String], any: &[&str]) -> bool {
    words.iter().any(|w| any.contains(&w.as_str()))
}

const PERSON_WORDS: &[&str] = &[
    "user",
    "users",
    "customer",
    "customers",
    "person",
    "people",
    "profile",
    "profiles",
    "member",
    "members",
    "contact",
    "contacts",
    "employee",
    "employees",
    "client",
    "clients",
    "patient",
    "patients",
    "author",
    "authors",
    "subscriber",
    "subscribers",
    "participant",
    "applicant",
    "guest",
    "guests",
    "account",
    "accounts",
    "student",
    "students",
    "staff",
    "owner",
    "buyer",
    "seller",
    "recipient",
    "sender",
    "address",
    "addresses",
];

/// Whether a table describes people: by its name, or by having name or
/// e-mail columns.
pub fn is_person_table(table: &Table) -> bool {
    let name_words = words(&table.name);
    has(&name_words, PERSON_WORDS)
        || table.columns.iter().any(|c| {
            let w = words(&c.name);
            has(&w, &["email", "firstname", "lastname", "surname"])
                || c.name == "first_name"
                || c.name == "last_name"
        })
}

/// Whether a table has address columns.
pub fn has_address(table: &Table) -> bool {
    table.columns.iter().any(|c| {
        let w = words(&c.name);
        has(
            &w,
            &["city", "postcode", "zip", "zipcode", "street", "town"],
        ) || c.name.contains("postal_code")
    })
}

fn is_text(column: &Column) -> bool {
    column.kind == TypeKind::Base
        && matches!(
            column.base_type.as_str(),
            "text" | "varchar" | "bpchar" | "citext" | "name"
        )
}

fn is_json(column: &Column) -> bool {
    matches!(column.base_type.as_str(), "json" | "jsonb")
}

/// Key names in JSON that hold personal data.
const PERSONAL_JSON_KEYS: &[&str] = &[
    "email",
    "mail",
    "phone",
    "mobile",
    "name",
    "firstname",
    "lastname",
    "surname",
    "address",
    "street",
    "city",
    "zip",
    "postcode",
    "ip",
    "birthday",
    "birth",
    "dob",
    "ssn",
    "iban",
];

/// Decides for one column.
pub fn decide(column: &Column, cx: &Context<'_>) -> Decision {
    let w = words(&column.name);
    let Some((kind, reason)) = choose(column, &w, cx) else {
        return review(column, &w, cx);
    };
    if cx.key {
        return Decision::Review(format!(
            "{reason}, but it is a key: faking it would break the rows that reference it"
        ));
    }
    if column.generated {
        return Decision::Review(format!("{reason}, but it is a generated column"));
    }
    if let Some(check) = cx
        .table
        .checks
        .iter()
        .find(|c| c.columns.contains(&column.name))
    {
        return Decision::Review(format!(
            "{reason}, but the check constraint {} ({}) may reject fakes",
            check.name, check.definition
        ));
    }
    let needed = match &kind {
        Kind::Named("ipv4") => 15,
        Kind::Named("email") => 6,
        Kind::Named("date") => 10,
        Kind::Named(_) => 2,
        Kind::Value(v) => v.chars().count(),
        Kind::With(f) => super::fakes::max_len(f),
    };
    if let Some(max) = column.max_chars
        && max < needed
    {
        return Decision::Review(format!(
            "{reason}, but {} characters are too few for its fakes",
            max
        ));
    }
    let unique = cx.table.in_unique(&column.name);
    if unique && matches!(kind, Kind::Value(_)) {
        return Decision::Review(format!(
            "{reason}, but a unique constraint covers it and its fake is one constant"
        ));
    }
    let consistent = matches!(kind, Kind::Named("email" | "username"));
    let mut reason = reason;
    if consistent {
        reason.push_str("; consistent, so one person has one pseudonym in every table");
    }
    if unique {
        reason.push_str("; unique, as a unique constraint or index covers it");
    }
    Decision::Fake(Choice {
        kind,
        unique,
        consistent,
        reason,
    })
}

fn named(kind: &'static str, reason: String) -> Option<(Kind, String)> {
    Some((Kind::Named(kind), reason))
}

fn choose(column: &Column, w: &[String], cx: &Context<'_>) -> Option<(Kind, String)> {
    let name = column.name.as_str();
    let by_name = |what: &str| format!("{what} (from the column's name `{name}`)");
    if is_json(column) {
        let personal: Vec<&String> = column
            .json_keys
            .iter()
            .filter(|k| has(&words(k), PERSONAL_JSON_KEYS))
            .collect();
        if !personal.is_empty() {
            let keys: Vec<&str> = personal.iter().map(|k| k.as_str()).collect();
            return Some((
                Kind::Value("{}".into()),
                format!(
                    "JSON whose objects hold personal keys ({}, seen in a sample): replaced by `{{}}`",
                    keys.join(", ")
                ),
            ));
        }
        if has(w, FREE_TEXT) {
            return Some((
                Kind::Value("{}".into()),
                by_name("free-form JSON that can hold personal data: replaced by `{}`"),
            ));
        }
        return None;
    }
    if column.base_type == "tsvector" && has(w, &["search", "document", "tsv", "fts", "vector"]) {
        return Some((
            Kind::Value("redacted".into()),
            by_name("search text built from other columns"),
        ));
    }
    if matches!(column.base_type.as_str(), "inet" | "cidr") {
        return named("ipv4", "an IP address (an inet column)".into());
    }
    if !is_text(column) {
        if column.base_type == "date" && is_birth(w) {
            return named("date", by_name("a birth date"));
        }
        if matches!(column.base_type.as_str(), "timestamp" | "timestamptz") && is_birth(w) {
            return named("datetime", by_name("a birth date"));
        }
        return None;
    }
    if name == "password" || has(w, &["password", "passwd"]) {
        return Some((
            Kind::Value(UNUSABLE_PASSWORD.into()),
            "a password hash: replaced by an unusable one (Django's `!` prefix), so no one can log in"
                .into(),
        ));
    }
    if has(w, &["email", "mail"]) {
        return named("email", by_name("an e-mail address"));
    }
    if has(w, &["ip", "ipaddress", "ipv4", "ipv6"]) || name.contains("remote_addr") {
        return named("ipv4", by_name("an IP address"));
    }
    if has(w, &["username", "login", "nickname", "nick", "handle"]) || name == "user_name" {
        return named("username", by_name("a user name"));
    }
    if name.contains("first_name") || has(w, &["firstname", "forename", "given"]) {
        return named("first_name", by_name("a first name"));
    }
    if name.contains("last_name") || has(w, &["lastname", "surname", "family"]) {
        return named("last_name", by_name("a last name"));
    }
    if has(w, &["fullname"])
        || [
            "full_name",
            "display_name",
            "contact_name",
            "real_name",
            "legal_name",
        ]
        .iter()
        .any(|n| name.contains(n))
        || (cx.person && name == "name")
    {
        return named("name", by_name("a person's name"));
    }
    if has(
        w,
        &[
            "phone",
            "mobile",
            "telephone",
            "tel",
            "fax",
            "cell",
            "cellphone",
            "msisdn",
        ],
    ) {
        return named("phone_number", by_name("a phone number"));
    }
    if has(w, &["postcode", "zip", "zipcode"])
        || name.contains("postal_code")
        || name.contains("post_code")
    {
        return named("postcode", by_name("a postal code"));
    }
    if has(w, &["city", "town"]) {
        return named("city", by_name("a city"));
    }
    if has(w, &["address", "street", "addr"]) || (cx.address && has(w, &["line1", "line2", "line"]))
    {
        return named("street_address", by_name("an address"));
    }
    if cx.address && has(w, &["state", "region", "province", "county"]) {
        let function = if column
            .max_chars
            .is_some_and(|n| n < super::fakes::max_len("region"))
        {
            "region_code"
        } else {
            "region"
        };
        return Some((
            Kind::With(function),
            by_name("a region of an address (the table has address columns)"),
        ));
    }
    if is_birth(w) {
        return named("date", by_name("a birth date"));
    }
    if cx.person && has(w, &["website", "homepage", "url", "blog"]) {
        return named("url", by_name("a person's web address"));
    }
    if has(w, FREE_TEXT) || name == "object_repr" || name == "session_data" {
        let kind = if column.max_chars.is_some() {
            "sentence"
        } else {
            "paragraph"
        };
        return named(kind, by_name("free text that can hold personal data"));
    }
    None
}

/// Words of free-text columns that can hold personal data.
const FREE_TEXT: &[&str] = &[
    "note",
    "notes",
    "message",
    "messages",
    "body",
    "comment",
    "comments",
    "bio",
    "biography",
    "about",
    "content",
    "text",
    "remark",
    "remarks",
    "feedback",
    "review",
    "reply",
    "answer",
    "question",
    "signature",
    "memo",
    "details",
    "repr",
    "search",
    "transcript",
];

fn is_birth(w: &[String]) -> bool {
    has(w, &["birth", "birthdate", "birthday", "dob", "born"])
}

/// Columns that look personal but have no fake that fits: for the README.
fn review(column: &Column, w: &[String], cx: &Context<'_>) -> Decision {
    const SENSITIVE: &[&str] = &[
        "ssn",
        "iban",
        "bic",
        "passport",
        "tax",
        "vat",
        "salary",
        "income",
        "gender",
        "sex",
        "latitude",
        "longitude",
        "lat",
        "lng",
        "lon",
        "location",
        "geo",
        "coordinates",
        "token",
        "secret",
        "otp",
        "totp",
        "salt",
        "card",
        "license",
        "licence",
        "national",
        "religion",
        "ethnicity",
        "health",
        "diagnosis",
    ];
    if has(w, SENSITIVE) {
        return Decision::Review("its name suggests sensitive data with no fitting fake".into());
    }
    if is_json(column) && !column.json_keys.is_empty() && cx.person {
        return Decision::Review(format!(
            "JSON in a table about people (keys seen: {})",
            column.json_keys.join(", ")
        ));
    }
    if cx.person && is_text(column) && has(w, &["name", "title", "company", "employer", "job"]) {
        return Decision::Review("a name or title in a table about people".into());
    }
    Decision::Plain
}
