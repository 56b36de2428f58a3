use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    #[fake(email, safe_email)]
    pub email: String,
}

fn main() {}
