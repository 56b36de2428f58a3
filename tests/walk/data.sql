-- Deterministic rows for schema.sql (after tests/django's data): every
-- value a function of generate_series, keys dense from 1, the sequences
-- reset at the end as `manage.py sqlsequencereset` prints it.

-- The content types `migrate` adds for the new apps, and one left behind
-- by an app since removed from INSTALLED_APPS (`remove_stale_contenttypes`
-- never ran): no model has it.
INSERT INTO "django_content_type" ("id", "app_label", "model")
VALUES (10, 'gallery', 'photo'), (11, 'social', 'comment'), (12, 'cms', 'page'),
       (13, 'cms', 'articlepage'), (14, 'cms', 'eventpage'), (15, 'catalog', 'category'),
       (16, 'catalog', 'product'), (17, 'crm', 'member'), (18, 'orders', 'order'),
       (19, 'orders', 'orderline'), (20, 'orders', 'shipment'), (21, 'orders', 'parcel'),
       (22, 'orders', 'parcelitem'), (23, 'orders', 'trackingevent'),
       (24, 'legacy', 'archiveditem');

-- 1000 photos of users spread over all of them.
INSERT INTO "media_photo" ("id", "title", "taken_at", "owner_id")
SELECT g, 'Photo ' || g, timestamptz '2023-03-01 00:00:00+00' + g * interval '7 hours', 1 + (g * 3) % 500
FROM generate_series(1, 1000) g;

-- 4000 comments: two thirds on posts, a third on photos; every fifth by a
-- user since deleted (NULL).
INSERT INTO "social_comment" ("id", "object_id", "body", "submitted_at", "content_type_id", "user_id")
SELECT g,
       CASE WHEN g % 3 = 0 THEN 1 + (g * 5) % 1000 ELSE 1 + (g * 7) % 2000 END,
       'Social comment ' || g,
       timestamptz '2024-02-01 00:00:00+00' + g * interval '11 minutes',
       CASE WHEN g % 3 = 0 THEN 10 ELSE 8 END,
       CASE WHEN g % 5 = 0 THEN NULL ELSE 1 + (g * 11) % 500 END
FROM generate_series(1, 4000) g;

-- 600 pages: the even ones articles, the odd multiples of 3 events, the
-- others plain pages.
INSERT INTO "cms_page" ("id", "title", "slug", "owner_id")
SELECT g, 'Page ' || g, 'page-' || g, 1 + (g * 17) % 500 FROM generate_series(1, 600) g;
INSERT INTO "cms_articlepage" ("page_ptr_id", "body")
SELECT g, 'Article body ' || g FROM generate_series(2, 600, 2) g;
INSERT INTO "cms_eventpage" ("page_ptr_id", "starts_at", "venue")
SELECT g, timestamptz '2025-05-01 18:00:00+00' + g * interval '1 day', 'Hall ' || g % 7
FROM generate_series(3, 600, 6) g;

-- A treebeard tree, steplen 4: 8 departments (depth 1), 5 aisles each
-- (depth 2), 6 shelves per aisle (depth 3).
INSERT INTO "catalog_category" ("id", "path", "depth", "numchild", "name")
SELECT d, lpad(d::text, 4, '0'), 1, 5, 'Department ' || d FROM generate_series(1, 8) d;
INSERT INTO "catalog_category" ("id", "path", "depth", "numchild", "name")
SELECT 8 + (d - 1) * 5 + a, lpad(d::text, 4, '0') || lpad(a::text, 4, '0'), 2, 6, 'Aisle ' || d || '.' || a
FROM generate_series(1, 8) d, generate_series(1, 5) a;
INSERT INTO "catalog_category" ("id", "path", "depth", "numchild", "name")
SELECT 48 + ((d - 1) * 5 + a - 1) * 6 + s,
       lpad(d::text, 4, '0') || lpad(a::text, 4, '0') || lpad(s::text, 4, '0'), 3, 0,
       'Shelf ' || d || '.' || a || '.' || s
FROM generate_series(1, 8) d, generate_series(1, 5) a, generate_series(1, 6) s;

-- 400 products of 100 sellers (users 5, 10, ..., 500), on a shelf or
-- (every tenth) an aisle; 400 variants of them (401..800) and 200 variants
-- of variants (801..1000), in their product's category and with no seller
-- of their own.
INSERT INTO "catalog_product" ("id", "name", "sku", "category_id", "parent_id", "seller_id")
SELECT g,
       'Product ' || g,
       'SKU-' || lpad(g::text, 6, '0'),
       CASE WHEN b % 10 = 0 THEN 9 + b % 40 ELSE 49 + (b * 7) % 240 END,
       CASE WHEN g > 400 THEN g - 400 END,
       CASE WHEN g <= 400 THEN 5 * (1 + (g - 1) % 100) END
FROM generate_series(1, 1000) g,
     LATERAL (SELECT CASE WHEN g <= 400 THEN g WHEN g <= 800 THEN g - 400 ELSE g - 800 END AS b) AS base;

-- A member per user; member g was brought in by member g / 2 (a referral
-- tree of depth 9), except every fourth, who came alone.
INSERT INTO "crm_member" ("id", "code", "joined_at", "referred_by_id", "user_id")
SELECT g, 'M' || lpad(g::text, 5, '0'), timestamptz '2021-01-01 00:00:00+00' + g * interval '1 day',
       CASE WHEN g > 1 AND g % 4 <> 0 THEN g / 2 END, g
FROM generate_series(1, 500) g;

-- 800 invitations sent by users.
INSERT INTO "crm_invitation" ("id", "email", "sent_at", "invited_by_id")
SELECT g, 'friend' || g || '@corp-original.example', timestamptz '2022-01-01 00:00:00+00' + g * interval '5 hours',
       1 + (g * 19) % 500
FROM generate_series(1, 800) g;

-- Orders and what follows them.
INSERT INTO "orders_order" ("id", "number", "placed_at", "user_id")
SELECT g, 'ORD-' || lpad(g::text, 8, '0'), timestamptz '2024-01-01 00:00:00+00' + g * interval '3 hours',
       1 + (g * 13) % 500
FROM generate_series(1, 1500) g;
INSERT INTO "orders_orderline" ("id", "quantity", "order_id", "product_id")
SELECT g, 1 + g % 5, 1 + (g - 1) % 1500, 1 + (g * 31) % 1000 FROM generate_series(1, 4000) g;
INSERT INTO "orders_shipment" ("id", "carrier", "order_id")
SELECT g, CASE g % 3 WHEN 0 THEN 'DHL' WHEN 1 THEN 'UPS' ELSE 'La Poste' END, 1 + (g * 7) % 1500
FROM generate_series(1, 2000) g;
INSERT INTO "orders_parcel" ("id", "weight_grams", "shipment_id")
SELECT g, 100 + (g * 37) % 5000, 1 + (g * 11) % 2000 FROM generate_series(1, 3000) g;
INSERT INTO "orders_parcelitem" ("id", "line_id", "parcel_id")
SELECT g, 1 + (g * 17) % 4000, 1 + (g * 3) % 3000 FROM generate_series(1, 5000) g;
-- 1 to 4 tracking events per item.
INSERT INTO "orders_trackingevent" ("id", "status", "at", "item_id")
SELECT row_number() OVER (ORDER BY i, n),
       (ARRAY['accepted', 'in transit', 'out for delivery', 'delivered'])[n],
       timestamptz '2024-01-02 00:00:00+00' + i * interval '1 hour' + n * interval '9 hours',
       i
FROM generate_series(1, 5000) i, generate_series(1, 1 + i % 4) n;

-- The admin's history, rewritten: 1500 entries about objects of many
-- models (users, groups, posts, photos, pages and page types, products,
-- categories), every tenth about a deleted object (no content type), and
-- 150 about objects of the removed app.
DELETE FROM "django_admin_log";
INSERT INTO "django_admin_log" ("id", "action_time", "object_id", "object_repr", "action_flag",
                                "change_message", "content_type_id", "user_id")
SELECT g,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '17 minutes',
       o.object_id::text,
       CASE WHEN o.ct IS NULL THEN 'deleted thing ' || g ELSE 'Object (' || o.object_id || ')' END,
       (1 + g % 3)::smallint,
       CASE 1 + g % 3 WHEN 1 THEN '[{"added": {}}]' WHEN 2 THEN '[{"changed": {"fields": ["Title"]}}]' ELSE '' END,
       o.ct,
       1 + (g * 7) % 500
FROM generate_series(1, 1500) g,
     LATERAL (SELECT * FROM (VALUES
         (0, NULL::int, NULL::bigint),
         (1, 4, 1 + g % 500),
         (2, 8, 1 + (g * 3) % 2000),
         (3, 10, 1 + g % 1000),
         (4, 13, 2 * (1 + g % 300)),
         (5, CASE WHEN g % 20 = 5 THEN 14 ELSE 12 END,
             CASE WHEN g % 20 = 5 THEN 6 * (g % 100) + 3 ELSE 1 + (g * 7) % 600 END),
         (6, 16, 1 + (g * 11) % 1000),
         (7, 15, 1 + g % 288),
         (8, 24, 1 + g % 40),
         (9, 3, 1 + g % 20)) AS v (kind, ct, object_id)
      WHERE v.kind = g % 10) AS o;

SELECT setval(pg_get_serial_sequence('"django_content_type"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "django_content_type";
SELECT setval(pg_get_serial_sequence('"django_admin_log"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "django_admin_log";
SELECT setval(pg_get_serial_sequence('"media_photo"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "media_photo";
SELECT setval(pg_get_serial_sequence('"social_comment"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "social_comment";
SELECT setval(pg_get_serial_sequence('"cms_page"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "cms_page";
SELECT setval(pg_get_serial_sequence('"catalog_category"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "catalog_category";
SELECT setval(pg_get_serial_sequence('"catalog_product"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "catalog_product";
SELECT setval(pg_get_serial_sequence('"crm_member"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "crm_member";
SELECT setval(pg_get_serial_sequence('"crm_invitation"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "crm_invitation";
SELECT setval(pg_get_serial_sequence('"orders_order"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "orders_order";
SELECT setval(pg_get_serial_sequence('"orders_orderline"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "orders_orderline";
SELECT setval(pg_get_serial_sequence('"orders_shipment"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "orders_shipment";
SELECT setval(pg_get_serial_sequence('"orders_parcel"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "orders_parcel";
SELECT setval(pg_get_serial_sequence('"orders_parcelitem"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "orders_parcelitem";
SELECT setval(pg_get_serial_sequence('"orders_trackingevent"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "orders_trackingevent";
