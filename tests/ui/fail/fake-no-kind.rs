use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    #[fake(unique)]
    pub email: String,
}

fn main() {}
