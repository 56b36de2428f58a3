use dataslicer::prelude::*;

#[derive(Importer)]
#[table("")]
pub struct Customer {
    pub id: i64,
}

fn main() {}
