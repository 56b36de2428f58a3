use dataslicer::prelude::*;

#[derive(Importer)]
#[table("forms_submission")]
pub struct Submission {
    pub id: i64,
    #[fake(json(email = email))]
    pub data: i64,
}

fn main() {}
