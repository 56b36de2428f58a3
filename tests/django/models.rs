//! The Django project's models mirrored as a user would write them: one
//! struct per table of `schema.sql`, personal data faked, foreign keys as
//! `#[fk]`.

use chrono::{DateTime, NaiveDate, Utc};
use dataslicer::fake::FakeInput;
use dataslicer::prelude::*;
use rand::RngExt;

/// `django.contrib.contenttypes.models.ContentType`.
#[derive(Importer)]
#[table("django_content_type")]
pub struct ContentType {
    pub id: i32,
    pub app_label: String,
    pub model: String,
}

/// `django.contrib.auth.models.Permission`.
#[derive(Importer)]
#[table("auth_permission")]
pub struct Permission {
    pub id: i32,
    pub name: String,
    #[fk(ContentType)]
    pub content_type_id: i32,
    pub codename: String,
}

/// `django.contrib.auth.models.Group`.
#[derive(Importer)]
#[table("auth_group")]
pub struct Group {
    pub id: i32,
    pub name: String,
}

/// `Group.permissions`, the auto-created many-to-many table.
#[derive(Importer)]
#[table("auth_group_permissions")]
pub struct GroupPermission {
    pub id: i64,
    #[fk(Group)]
    pub group_id: i32,
    #[fk(Permission)]
    pub permission_id: i32,
}

/// `django.contrib.auth.models.User`: everything personal is faked, and the
/// password becomes unusable, as `set_unusable_password()` writes it.
#[derive(Importer)]
#[table("auth_user")]
pub struct User {
    pub id: i32,
    #[fake(value = "!")]
    pub password: String,
    pub last_login: Option<DateTime<Utc>>,
    pub is_superuser: bool,
    #[fake(username, unique)]
    pub username: String,
    #[fake(first_name)]
    pub first_name: String,
    #[fake(last_name)]
    pub last_name: String,
    #[fake(email)]
    pub email: String,
    pub is_staff: bool,
    pub is_active: bool,
    pub date_joined: DateTime<Utc>,
}

/// `User.groups`.
#[derive(Importer)]
#[table("auth_user_groups")]
pub struct UserGroup {
    pub id: i64,
    #[fk(User)]
    pub user_id: i32,
    #[fk(Group)]
    pub group_id: i32,
}

/// `User.user_permissions`.
#[derive(Importer)]
#[table("auth_user_user_permissions")]
pub struct UserPermission {
    pub id: i64,
    #[fk(User)]
    pub user_id: i32,
    #[fk(Permission)]
    pub permission_id: i32,
}

/// `django.contrib.admin.models.LogEntry`. `object_repr` is `str(obj)` at
/// the time of the change: for a user, the user name, so it is faked.
#[derive(Importer)]
#[table("django_admin_log")]
pub struct LogEntry {
    pub id: i32,
    pub action_time: DateTime<Utc>,
    pub object_id: Option<String>,
    #[fake(with = object_repr)]
    pub object_repr: String,
    pub action_flag: i16,
    pub change_message: String,
    #[fk(ContentType, optional)]
    pub content_type_id: Option<i32>,
    #[fk(User)]
    pub user_id: i32,
}

/// What `Model.__str__` gives by default: `Object (42)`.
fn object_repr(input: &mut FakeInput<'_>) -> String {
    match input.get("object_id") {
        Some(id) => format!("Object ({id})"),
        None => "Object".to_string(),
    }
}

/// `django.contrib.sessions.models.Session`: a text primary key, and data
/// that may hold anything the application put in a session.
#[derive(Importer)]
#[table("django_session")]
pub struct Session {
    #[pk]
    pub session_key: String,
    #[fake(with = empty_session)]
    pub session_data: String,
    pub expire_date: DateTime<Utc>,
}

/// An empty session as `SessionStore.encode({})` writes it: `e30` (`{}` in
/// base64), a timestamp and a signature (here random, so unusable).
pub fn empty_session(input: &mut FakeInput<'_>) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let signature: String = (0..43)
        .map(|_| char::from(ALPHABET[input.rng().random_range(0..ALPHABET.len())]))
        .collect();
    format!("e30:1tFake0:{signature}")
}

/// `blog.Tag`.
#[derive(Importer)]
#[table("blog_tag")]
pub struct Tag {
    pub id: i64,
    pub name: String,
    pub slug: String,
}

/// `blog.Post`.
#[derive(Importer)]
#[table("blog_post")]
pub struct Post {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    #[fk(User)]
    pub author_id: i32,
    /// Added by a later migration with `default=0`.
    pub views: i32,
}

/// `Post.tags`.
#[derive(Importer)]
#[table("blog_post_tags")]
pub struct PostTag {
    pub id: i64,
    #[fk(Post)]
    pub post_id: i64,
    #[fk(Tag)]
    pub tag_id: i64,
}

/// `blog.Comment`, replies closed upward: a reply's parent comes along.
/// The commenter is optional (`on_delete=SET_NULL`): a commenter who is not
/// otherwise in the slice is written as NULL, as if the user were deleted.
#[derive(Importer)]
#[table("blog_comment")]
pub struct Comment {
    pub id: i64,
    #[fake(email)]
    pub author_email: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    #[fk(Comment)]
    pub parent_id: Option<i64>,
    #[fk(Post)]
    pub post_id: i64,
    #[fk(User, optional)]
    pub user_id: Option<i32>,
}

/// The same table with an optional parent: a reply whose parent is not
/// otherwise in the slice becomes a top-level comment.
#[derive(Importer)]
#[table("blog_comment")]
pub struct LooseComment {
    pub id: i64,
    #[fake(email)]
    pub author_email: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    #[fk(LooseComment, optional)]
    pub parent_id: Option<i64>,
    #[fk(Post)]
    pub post_id: i64,
    #[fk(User, optional)]
    pub user_id: Option<i32>,
}

/// `blog.Profile`: `user = OneToOneField(User)`, with the column types of
/// UUIDField, GenericIPAddressField, JSONField and DecimalField.
#[derive(Importer)]
#[table("blog_profile")]
pub struct Profile {
    pub id: i64,
    pub external_id: uuid::Uuid,
    #[fake(phone_number)]
    pub phone: String,
    #[fake(url)]
    pub website: String,
    #[fake(date)]
    pub birth_date: Option<NaiveDate>,
    #[fake(ipv4)]
    pub last_ip: Option<String>,
    pub settings: serde_json::Value,
    pub balance: rust_decimal::Decimal,
    #[fk(User)]
    pub user_id: i32,
}

/// `blog.FeaturedPost(Post)`: multi-table inheritance, whose primary key is
/// the pointer to its `blog_post` row.
#[derive(Importer)]
#[table("blog_featuredpost")]
pub struct FeaturedPost {
    #[pk]
    #[fk(Post)]
    pub post_ptr_id: i64,
    pub headline: String,
    pub featured_until: Option<DateTime<Utc>>,
}

/// `Post.related = ManyToManyField("self")`: two foreign keys to one table.
#[derive(Importer)]
#[table("blog_post_related")]
pub struct RelatedPost {
    pub id: i64,
    #[fk(Post)]
    pub from_post_id: i64,
    #[fk(Post)]
    pub to_post_id: i64,
}

/// `users` users chosen at random, their posts with their tags, the
/// comments on those posts and by those users, their groups, permissions
/// and admin history; content types, permissions, groups and tags whole.
pub fn jobs(users: u64) -> Vec<ImportJob> {
    with_comments(users, ImportJob::<Comment>::new())
}

/// [`jobs`] with [`LooseComment`] for the comments.
pub fn loose_jobs(users: u64) -> Vec<ImportJob> {
    with_comments(users, ImportJob::<LooseComment>::new())
}

fn with_comments(users: u64, comments: ImportJob) -> Vec<ImportJob> {
    vec![
        ImportJob::<User>::new().sample(users),
        ImportJob::<Post>::new(),
        ImportJob::<PostTag>::new(),
        comments,
        ImportJob::<UserGroup>::new(),
        ImportJob::<UserPermission>::new(),
        ImportJob::<LogEntry>::new(),
        ImportJob::<ContentType>::new(),
        ImportJob::<Permission>::new(),
        ImportJob::<Group>::new(),
        ImportJob::<GroupPermission>::new(),
        ImportJob::<Tag>::new(),
    ]
}

/// The tables [`jobs`] slices: its jobs' and their parents', and the
/// subclass rows of posts (`blog_featuredpost`, multi-table inheritance).
pub const TABLES: [&str; 13] = [
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
    "auth_user",
    "auth_user_groups",
    "auth_user_user_permissions",
    "django_admin_log",
    "blog_tag",
    "blog_post",
    "blog_featuredpost",
    "blog_post_tags",
    "blog_comment",
];
