//! The models of the grown Django project (tests/django's apps and those of
//! schema.sql), as a user would write them for a descendants slice: no job
//! per table, the walk's choices in the attributes.

use chrono::{DateTime, Utc};
use dataslicer::prelude::*;

/// `django.contrib.contenttypes.models.ContentType`, whose table is not
/// `contenttypes_contenttype`.
#[derive(Importer)]
#[table("django_content_type")]
#[content_type("contenttypes", "contenttype")]
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

/// `django.contrib.auth.models.User`.
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

/// `django.contrib.admin.models.LogEntry`: a generic relation with a text
/// object id, followed upward only (an entry about a product must not bring
/// the product's owner's whole history).
#[derive(Importer)]
#[table("django_admin_log")]
#[content_type("admin", "logentry")]
pub struct LogEntry {
    pub id: i32,
    pub action_time: DateTime<Utc>,
    #[generic(content_type = "content_type_id")]
    pub object_id: Option<String>,
    pub object_repr: String,
    pub action_flag: i16,
    pub change_message: String,
    #[fk(ContentType)]
    pub content_type_id: Option<i32>,
    #[fk(User)]
    pub user_id: i32,
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

/// `blog.Comment`: replies below their comment, the commenter optional.
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

/// `blog.Profile`: `user = OneToOneField(User)`.
#[derive(Importer)]
#[table("blog_profile")]
pub struct Profile {
    pub id: i64,
    pub external_id: uuid::Uuid,
    #[fake(phone_number)]
    pub phone: String,
    #[fake(url)]
    pub website: String,
    pub birth_date: Option<chrono::NaiveDate>,
    #[fake(ipv4)]
    pub last_ip: Option<String>,
    pub settings: serde_json::Value,
    pub balance: rust_decimal::Decimal,
    #[fk(User)]
    pub user_id: i32,
}

/// `blog.FeaturedPost(Post)`: multi-table inheritance.
#[derive(Importer)]
#[table("blog_featuredpost")]
pub struct FeaturedPost {
    #[pk]
    #[fk(Post)]
    pub post_ptr_id: i64,
    pub headline: String,
    pub featured_until: Option<DateTime<Utc>>,
}

/// `Post.related = ManyToManyField("self")`.
#[derive(Importer)]
#[table("blog_post_related")]
pub struct RelatedPost {
    pub id: i64,
    #[fk(Post)]
    pub from_post_id: i64,
    #[fk(Post)]
    pub to_post_id: i64,
}

/// `gallery.Photo`, with `db_table = "media_photo"`.
#[derive(Importer)]
#[table("media_photo")]
#[content_type("gallery", "photo")]
pub struct Photo {
    pub id: i64,
    pub title: String,
    pub taken_at: DateTime<Utc>,
    #[fk(User)]
    pub owner_id: i32,
}

/// `social.Comment`: a generic relation to posts and photos that means
/// ownership (a post's comments belong to it), so the walk descends
/// through it; the commenter is optional.
#[derive(Importer)]
#[table("social_comment")]
pub struct SocialComment {
    pub id: i64,
    #[generic(content_type = "content_type_id", descend)]
    pub object_id: i64,
    pub body: String,
    pub submitted_at: DateTime<Utc>,
    #[fk(ContentType)]
    pub content_type_id: i32,
    #[fk(User, optional)]
    pub user_id: Option<i32>,
}

/// `cms.Page`, the base of the page types.
#[derive(Importer)]
#[table("cms_page")]
pub struct Page {
    pub id: i64,
    pub title: String,
    pub slug: String,
    #[fk(User)]
    pub owner_id: i32,
}

/// `cms.ArticlePage(Page)`.
#[derive(Importer)]
#[table("cms_articlepage")]
pub struct ArticlePage {
    #[pk]
    #[fk(Page)]
    pub page_ptr_id: i64,
    pub body: String,
}

/// `cms.EventPage(Page)`.
#[derive(Importer)]
#[table("cms_eventpage")]
pub struct EventPage {
    #[pk]
    #[fk(Page)]
    pub page_ptr_id: i64,
    pub starts_at: DateTime<Utc>,
    pub venue: String,
}

/// `catalog.Category(MP_Node)`, `steplen = 4`.
#[derive(Importer)]
#[table("catalog_category")]
pub struct Category {
    pub id: i32,
    #[tree(step = 4)]
    pub path: String,
    pub depth: i32,
    pub numchild: i32,
    pub name: String,
}

/// `catalog.Product`: variants below their product.
#[derive(Importer)]
#[table("catalog_product")]
pub struct Product {
    pub id: i64,
    pub name: String,
    pub sku: String,
    #[fk(Category)]
    pub category_id: i32,
    #[fk(Product)]
    pub parent_id: Option<i64>,
    #[fk(User)]
    pub seller_id: Option<i32>,
}

/// `crm.Member`: the referrer comes along upward, but the members a member
/// brought in are not theirs.
#[derive(Importer)]
#[table("crm_member")]
pub struct Member {
    pub id: i64,
    pub code: String,
    pub joined_at: DateTime<Utc>,
    #[fk(Member, no_descend)]
    pub referred_by_id: Option<i64>,
    #[fk(User)]
    pub user_id: i32,
}

/// `crm.Invitation`: who sent it is a parent, never an owner, so the walk
/// leaves invitations out (and `plan` says so).
#[derive(Importer)]
#[table("crm_invitation")]
pub struct Invitation {
    pub id: i64,
    #[fake(email)]
    pub email: String,
    pub sent_at: DateTime<Utc>,
    #[fk(User, no_descend)]
    pub invited_by_id: i32,
}

/// `orders.Order`.
#[derive(Importer)]
#[table("orders_order")]
pub struct Order {
    pub id: i64,
    pub number: String,
    pub placed_at: DateTime<Utc>,
    #[fk(User)]
    pub user_id: i32,
}

/// `orders.OrderLine`: below its order and below its product.
#[derive(Importer)]
#[table("orders_orderline")]
pub struct OrderLine {
    pub id: i64,
    pub quantity: i32,
    #[fk(Order)]
    pub order_id: i64,
    #[fk(Product)]
    pub product_id: i64,
}

/// `orders.Shipment`.
#[derive(Importer)]
#[table("orders_shipment")]
pub struct Shipment {
    pub id: i64,
    pub carrier: String,
    #[fk(Order)]
    pub order_id: i64,
}

/// `orders.Parcel`.
#[derive(Importer)]
#[table("orders_parcel")]
pub struct Parcel {
    pub id: i64,
    pub weight_grams: i32,
    #[fk(Shipment)]
    pub shipment_id: i64,
}

/// `orders.ParcelItem`: below its parcel and below the line it ships.
#[derive(Importer)]
#[table("orders_parcelitem")]
pub struct ParcelItem {
    pub id: i64,
    #[fk(OrderLine)]
    pub line_id: i64,
    #[fk(Parcel)]
    pub parcel_id: i64,
}

/// `orders.TrackingEvent`, five tables below the user.
#[derive(Importer)]
#[table("orders_trackingevent")]
pub struct TrackingEvent {
    pub id: i64,
    pub status: String,
    pub at: DateTime<Utc>,
    #[fk(ParcelItem)]
    pub item_id: i64,
}

/// The exporter's one job: `users` users at random with everything below
/// them.
pub fn descendants(users: u64) -> Vec<ImportJob> {
    vec![ImportJob::<User>::new().sample(users).descendants()]
}

/// Every modelled table a descendants slice of users holds, parents before
/// children as the reference walks them (all but `crm_invitation`).
pub const TABLES: [&str; 28] = [
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_user",
    "auth_user_groups",
    "auth_user_user_permissions",
    "django_admin_log",
    "blog_tag",
    "blog_post",
    "blog_post_tags",
    "blog_comment",
    "blog_profile",
    "blog_featuredpost",
    "blog_post_related",
    "media_photo",
    "social_comment",
    "cms_page",
    "cms_articlepage",
    "cms_eventpage",
    "catalog_category",
    "catalog_product",
    "crm_member",
    "orders_order",
    "orders_orderline",
    "orders_shipment",
    "orders_parcel",
    "orders_parcelitem",
    "orders_trackingevent",
];
