use dataslicer::prelude::*;

#[derive(Importer)]
#[table("accounts_status")]
pub enum Status {
    Active,
    Closed,
}

fn main() {}
