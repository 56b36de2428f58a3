use dataslicer::prelude::*;

#[derive(Importer)]
pub struct Customer {
    pub id: i64,
}

fn main() {}
