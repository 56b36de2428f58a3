use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    pub tags: std::collections::HashSet<String>,
}

fn main() {}
