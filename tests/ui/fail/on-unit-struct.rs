use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer;

fn main() {}
