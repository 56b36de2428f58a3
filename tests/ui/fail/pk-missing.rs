use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub code: String,
    pub name: String,
}

fn main() {}
