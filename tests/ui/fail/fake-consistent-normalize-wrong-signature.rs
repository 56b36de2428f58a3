use dataslicer::prelude::*;

fn length(original: &str) -> usize {
    original.len()
}

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    #[fake(name, consistent(normalize = length))]
    pub name: String,
}

fn main() {}
