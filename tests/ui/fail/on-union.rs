use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_amount")]
pub union Amount {
    pub cents: i64,
    pub units: f64,
}

fn main() {}
