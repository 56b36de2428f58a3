//! Every attribute form and every supported field type, in models that are
//! never constructed: the derive must not leave the user any warning.
#![deny(warnings)]

use dataslicer::fake::FakeInput;
use dataslicer::prelude::*;

fn customer_code(_: &mut FakeInput<'_>) -> String {
    String::from("C-0001")
}

#[derive(Importer)]
#[table("public.django_site")]
struct Site {
    id: i64,
    domain: String,
}

fn trimmed(original: &str) -> String {
    original.trim().to_owned()
}

/// Natural keys, normalisers, consistent `with` functions and JSON keys.
#[derive(Importer)]
#[table("forms_submission")]
#[natural_key("form", "number")]
struct Submission {
    id: i64,
    form: String,
    number: i32,
    #[fake(json(email = email, your_name = name, "Phone Number" = phone_number))]
    data: serde_json::Value,
    #[fake(json(r#type = word))]
    raw: Option<String>,
    #[fake(email, consistent(normalize = trimmed), unique)]
    email: String,
    #[fake(name, consistent(normalize = dataslicer::fake::normalize::words))]
    name: Option<String>,
    #[fake(with = customer_code, consistent, unique)]
    code: String,
    #[fake(email)]
    contact: Option<serde_json::Value>,
}

#[derive(Importer)]
#[table("accounts_region")]
struct Region {
    #[pk]
    code: String,
    #[column("label")]
    name: String,
}

#[derive(Importer)]
#[table("accounts_customer")]
struct Customer {
    id: i64,
    #[fk(Site)]
    site_id: i64,
    #[fk(Site, optional)]
    backup_site_id: Option<i64>,
    #[fk(Site)]
    mirror_site_id: Option<i64>,
    #[fk(Region)]
    region_code: String,
    #[fk(Customer, optional)]
    referred_by_id: Option<i64>,
    #[column("e_mail")]
    #[fake(email, unique)]
    email: String,
    #[fake(phone_number, consistent)]
    phone: Option<String>,
    #[fake(value = "redacted")]
    notes: String,
    #[fake(with = customer_code, unique)]
    code: String,
    #[fake(username, max_length = 8)]
    login: String,
    #[fake(name, unique, consistent, max_length = 40)]
    full_name: Option<String>,
}

#[derive(Importer)]
#[table("django_content_type")]
struct ContentType {
    id: i32,
    app_label: String,
    model: String,
}

#[derive(Importer)]
#[table("shop_currency")]
#[content_type("shop", "money")]
struct Currency {
    id: i32,
    code: String,
    #[fk(Currency, no_descend)]
    replaced_by_id: Option<i32>,
}

#[derive(Importer)]
#[table("shop_price")]
struct Price {
    id: i64,
    #[fk(Currency, key = "code")]
    currency_code: String,
    #[fk(Currency, key = "code", optional, no_descend)]
    fallback_code: Option<String>,
    #[fk(ContentType)]
    content_type_id: i32,
    #[generic(content_type = "content_type_id")]
    object_id: i64,
    #[fk(ContentType, optional)]
    about_type_id: Option<i32>,
    #[generic(content_type = "about_type_id", descend)]
    about_id: Option<String>,
}

#[derive(Importer)]
#[table("shop_category")]
struct Category {
    id: i32,
    #[tree(step = 4)]
    path: String,
    depth: i32,
}

#[derive(Importer)]
#[table("shop_node")]
struct Node {
    id: i32,
    #[tree]
    path: String,
}

#[derive(Importer)]
#[table("shop_category_special")]
struct SpecialCategory {
    #[pk]
    #[fk(Category)]
    category_ptr_id: i32,
    note: String,
}

#[derive(Importer)]
#[table("every_kind")]
struct EveryKind {
    id: i32,
    #[fake(first_name)]
    first_name: String,
    #[fake(last_name)]
    last_name: String,
    #[fake(name)]
    name: String,
    #[fake(username)]
    username: String,
    #[fake(email)]
    email: String,
    #[fake(safe_email)]
    safe_email: String,
    #[fake(phone_number)]
    phone_number: String,
    #[fake(street_address)]
    street_address: String,
    #[fake(city)]
    city: String,
    #[fake(postcode)]
    postcode: String,
    #[fake(country)]
    country: String,
    #[fake(company)]
    company: String,
    #[fake(job_title)]
    job_title: String,
    #[fake(url)]
    url: String,
    #[fake(ipv4)]
    ipv4: String,
    #[fake(ipv6)]
    ipv6: String,
    #[fake(uuid)]
    uuid: uuid::Uuid,
    #[fake(word)]
    word: String,
    #[fake(sentence)]
    sentence: String,
    #[fake(paragraph)]
    paragraph: String,
    #[fake(date)]
    date: chrono::NaiveDate,
    #[fake(datetime)]
    datetime: chrono::DateTime<chrono::Utc>,
}

#[derive(Importer)]
#[table("every_type")]
struct EveryType {
    #[pk]
    key: uuid::Uuid,
    small: i16,
    int: i32,
    big: i64,
    real: f32,
    double: f64,
    flag: bool,
    text: String,
    bytes: Vec<u8>,
    date: chrono::NaiveDate,
    time: chrono::NaiveTime,
    timestamp: chrono::NaiveDateTime,
    utc: chrono::DateTime<chrono::Utc>,
    fixed: chrono::DateTime<chrono::FixedOffset>,
    local: chrono::DateTime<chrono::Local>,
    numeric: rust_decimal::Decimal,
    json: serde_json::Value,
    maybe_small: Option<i16>,
    maybe_int: Option<i32>,
    maybe_big: Option<i64>,
    maybe_real: Option<f32>,
    maybe_double: Option<f64>,
    maybe_flag: Option<bool>,
    maybe_text: Option<String>,
    maybe_bytes: Option<Vec<u8>>,
    maybe_date: Option<chrono::NaiveDate>,
    maybe_time: Option<chrono::NaiveTime>,
    maybe_timestamp: Option<chrono::NaiveDateTime>,
    maybe_utc: Option<chrono::DateTime<chrono::Utc>>,
    maybe_numeric: Option<rust_decimal::Decimal>,
    maybe_uuid: Option<uuid::Uuid>,
    maybe_json: Option<serde_json::Value>,
    #[fake(uuid)]
    faked_uuid: Option<uuid::Uuid>,
    #[fake(date)]
    faked_date: Option<chrono::NaiveDate>,
    #[fake(datetime)]
    faked_timestamp: chrono::NaiveDateTime,
    #[fake(datetime)]
    faked_local: chrono::DateTime<chrono::Local>,
    #[fake(uuid)]
    uuid_as_text: String,
}

/// Keys of each supported type, and foreign keys to them.
#[derive(Importer)]
#[table("small_key")]
pub struct SmallKey {
    pub id: i16,
    #[fk(SmallKey, optional)]
    pub parent_id: Option<i16>,
    #[fk(EveryType)]
    pub every_type_key: uuid::Uuid,
    #[fk(Customer)]
    pub customer_id: std::option::Option<i64>,
}

fn main() {}
