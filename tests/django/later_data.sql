-- Rows for later_schema.sql.

-- Some posts were viewed since; the others keep the default the column was
-- added with (stored as the column's "missing" value, not in the rows).
UPDATE "blog_post" SET "views" = "id" * 3 WHERE "id" % 3 = 0;

-- Profiles of the even users, every 10th post featured, and every 4th post
-- related to another one (both directions, as a symmetrical relation
-- stores them).
INSERT INTO "blog_profile" ("id", "external_id", "phone", "website", "birth_date", "last_ip",
                            "settings", "balance", "user_id")
SELECT g / 2,
       md5('profile' || g)::uuid,
       'Origphone' || g,
       'https://corp-original.example/~' || g,
       CASE WHEN g % 3 = 0 THEN NULL ELSE date '1960-01-01' + g * 30 END,
       CASE WHEN g % 5 = 0 THEN NULL ELSE ('10.0.' || g / 256 || '.' || g % 256)::inet END,
       jsonb_build_object('theme', CASE WHEN g % 4 = 0 THEN 'dark' ELSE 'light' END, 'n', g),
       (g * 1.25)::numeric(10, 2),
       g
FROM generate_series(2, 500, 2) g;

INSERT INTO "blog_featuredpost" ("post_ptr_id", "headline", "featured_until")
SELECT g, 'Featured: post ' || g,
       CASE WHEN g % 20 = 0 THEN NULL ELSE timestamptz '2025-01-01 00:00:00+00' + g * interval '1 hour' END
FROM generate_series(10, 2000, 10) g;

INSERT INTO "blog_post_related" ("id", "from_post_id", "to_post_id")
SELECT row_number() OVER (ORDER BY a, b), a, b
FROM (SELECT g AS a, 1 + (g * 37) % 2000 AS b FROM generate_series(4, 2000, 4) g
      UNION
      SELECT 1 + (g * 37) % 2000, g FROM generate_series(4, 2000, 4) g) AS x;

SELECT setval(pg_get_serial_sequence('"blog_profile"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "blog_profile";
SELECT setval(pg_get_serial_sequence('"blog_post_related"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "blog_post_related";
