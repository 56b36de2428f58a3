use dataslicer::prelude::*;

// Every mistake in this struct is reported in one build.
#[derive(Importer)]
pub struct Customer {
    #[pk]
    pub id: i64,
    #[pk]
    pub code: String,
    #[fake(emial)]
    pub email: String,
    #[column("email")]
    pub contact: String,
    #[fk(Customer, optional)]
    pub referred_by_id: i64,
}

fn main() {}
