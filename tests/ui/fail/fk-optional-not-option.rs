use dataslicer::prelude::*;

#[derive(Importer)]
#[table("django_site")]
pub struct Site {
    pub id: i64,
}

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    #[fk(Site, optional)]
    pub site_id: i64,
}

fn main() {}
