use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    pub tags: Option<std::collections::HashSet<String>>,
}

fn main() {}
