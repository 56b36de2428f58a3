use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    #[pk]
    pub id: i64,
    #[pk]
    pub code: String,
}

fn main() {}
