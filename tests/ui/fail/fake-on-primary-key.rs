use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    #[fake(uuid)]
    pub id: String,
}

fn main() {}
