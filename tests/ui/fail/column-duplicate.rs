use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    pub email: String,
    #[column("email")]
    pub contact: String,
}

fn main() {}
