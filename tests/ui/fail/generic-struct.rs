use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer<K> {
    pub id: K,
}

fn main() {}
