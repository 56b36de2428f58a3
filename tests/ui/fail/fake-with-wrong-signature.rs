use dataslicer::prelude::*;

fn customer_code() -> String {
    "C-0001".to_string()
}

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    #[fake(with = customer_code)]
    pub code: String,
}

fn main() {}
