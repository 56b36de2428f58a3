use dataslicer::prelude::*;

// Only the mistake in `Site` is reported, not the `#[fk(Site)]` that refers
// to it, whatever the type of its field.
#[derive(Importer)]
#[table("django_site")]
pub struct Site {
    pub domain: String,
}

#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    #[fk(Site)]
    pub site_id: i32,
    #[fk(Site, optional)]
    pub backup_site_id: Option<String>,
}

fn main() {}
