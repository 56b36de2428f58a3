use dataslicer::prelude::*;

#[derive(Importer)]
#[table("blog_comment")]
pub struct Comment {
    pub id: i64,
    pub content_type_id: i32,
    #[generic(content_type = "content_type_id")]
    pub object_id: i64,
}

fn main() {}
