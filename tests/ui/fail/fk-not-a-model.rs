use dataslicer::prelude::*;

pub struct Site {
    pub id: i32,
}

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    #[fk(Site)]
    pub site_id: i32,
}

fn main() {}
