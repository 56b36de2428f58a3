use dataslicer::prelude::*;

#[derive(Importer)]
#[table("forms_submission")]
pub struct Submission {
    pub id: i64,
    #[fake(json(email = email), unique)]
    pub data: serde_json::Value,
}

fn main() {}
