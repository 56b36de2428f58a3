use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    #[fk(Customer, nullable)]
    pub referred_by_id: Option<i64>,
}

fn main() {}
