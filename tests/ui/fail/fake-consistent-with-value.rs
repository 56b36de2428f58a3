use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    #[fake(value = "redacted", consistent)]
    pub code: String,
}

fn main() {}
