use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    #[fake(email, consistent(normalise = dataslicer::fake::normalize::email))]
    pub email: String,
}

fn main() {}
