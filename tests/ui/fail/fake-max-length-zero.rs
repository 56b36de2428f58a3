use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    #[fake(email, max_length = 0)]
    pub email: String,
}

fn main() {}
