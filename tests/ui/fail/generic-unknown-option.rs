use dataslicer::prelude::*;

#[derive(Importer)]
#[table("django_content_type")]
pub struct ContentType {
    pub id: i32,
    pub app_label: String,
    pub model: String,
}

#[derive(Importer)]
#[table("blog_comment")]
pub struct Comment {
    pub id: i64,
    #[fk(ContentType)]
    pub content_type_id: i32,
    #[generic(content_type = "content_type_id", owned)]
    pub object_id: i64,
}

fn main() {}
