use dataslicer::fake::FakeInput;
use dataslicer::prelude::*;

fn customer_code(_: &mut FakeInput<'_>) -> String {
    "C-0001".to_string()
}

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    #[fake(with = customer_code, consistent)]
    pub code: String,
}

fn main() {}
