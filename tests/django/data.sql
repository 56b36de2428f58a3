-- Deterministic rows for schema.sql: no random(), every value a function of
-- generate_series. Keys are given explicitly, and the sequences are reset at
-- the end as `manage.py sqlsequencereset` prints it.
--
-- Every personal value carries a marker that no fake produces ("orig_user_",
-- "Origfirst", "Origlast", "Origphone", "corp-original", "pbkdf2_sha256",
-- "orig-session"), so a test can look for any of them in a slice.

-- Content types as `migrate` creates them for INSTALLED_APPS = [admin, auth,
-- contenttypes, sessions, blog], and the four default permissions of each.
INSERT INTO "django_content_type" ("id", "app_label", "model")
VALUES (1, 'admin', 'logentry'), (2, 'auth', 'permission'), (3, 'auth', 'group'),
       (4, 'auth', 'user'), (5, 'contenttypes', 'contenttype'), (6, 'sessions', 'session'),
       (7, 'blog', 'tag'), (8, 'blog', 'post'), (9, 'blog', 'comment');

INSERT INTO "auth_permission" ("id", "name", "content_type_id", "codename")
SELECT row_number() OVER (ORDER BY ct.id, a.n), 'Can ' || a.action || ' ' || v.label,
       ct.id, a.action || '_' || ct.model
FROM "django_content_type" ct
JOIN (VALUES ('logentry', 'log entry'), ('permission', 'permission'), ('group', 'group'),
             ('user', 'user'), ('contenttype', 'content type'), ('session', 'session'),
             ('tag', 'tag'), ('post', 'post'), ('comment', 'comment')) AS v (model, label)
  ON v.model = ct.model
CROSS JOIN (VALUES (1, 'add'), (2, 'change'), (3, 'delete'), (4, 'view')) AS a (n, action);

-- 20 groups, each with the permissions p where (p + g) % 4 = 0.
INSERT INTO "auth_group" ("id", "name")
SELECT g, 'Group ' || lpad(g::text, 2, '0') FROM generate_series(1, 20) g;

INSERT INTO "auth_group_permissions" ("id", "group_id", "permission_id")
SELECT row_number() OVER (ORDER BY g, p), g, p
FROM generate_series(1, 20) g, generate_series(1, 36) p
WHERE (p + g) % 4 = 0;

-- 500 users: 2 superusers, 15 staff, every 23rd inactive, every 4th never
-- logged in, some without a name or e-mail, some with non-ASCII user names.
INSERT INTO "auth_user" ("id", "password", "last_login", "is_superuser", "username", "first_name",
                         "last_name", "email", "is_staff", "is_active", "date_joined")
SELECT g,
       'pbkdf2_sha256$600000$origsalt' || g || '$' || md5('password' || g),
       CASE WHEN g % 4 = 0 THEN NULL
            ELSE timestamptz '2024-06-01 00:00:00+00' + g * interval '37 minutes 11.5 seconds' END,
       g <= 2,
       'orig_user_' || lpad(g::text, 4, '0') || CASE WHEN g % 50 = 7 THEN '_Zoë' ELSE '' END,
       CASE WHEN g % 11 = 0 THEN '' ELSE 'Origfirst' || g END,
       CASE WHEN g % 11 = 0 THEN '' ELSE 'Origlast' || g END,
       CASE WHEN g % 13 = 0 THEN '' ELSE 'orig.user' || g || '@corp-original.example' END,
       g <= 15,
       g % 23 <> 0,
       timestamptz '2020-01-01 00:00:00+00' + g * interval '1 day 3 hours'
FROM generate_series(1, 500) g;

-- Every user is in group 1 + g % 20; every third also in another.
INSERT INTO "auth_user_groups" ("id", "user_id", "group_id")
SELECT row_number() OVER (ORDER BY u, n), u, grp
FROM (SELECT g AS u, 1 + g % 20 AS grp, 1 AS n FROM generate_series(1, 500) g
      UNION ALL
      SELECT g, 1 + (g * 7 + 3) % 20, 2 FROM generate_series(1, 500) g WHERE g % 3 = 0) AS x;

-- Every fifth user has two permissions of its own.
INSERT INTO "auth_user_user_permissions" ("id", "user_id", "permission_id")
SELECT row_number() OVER (ORDER BY u, n), u, p
FROM (SELECT g AS u, 1 + g % 36 AS p, 1 AS n FROM generate_series(5, 500, 5) g
      UNION ALL
      SELECT g, 1 + (g + 11) % 36, 2 FROM generate_series(5, 500, 5) g) AS x;

-- The admin's history: 1500 entries by users spread over all of them; every
-- 25th has no content type and no object; changes of users name the user.
INSERT INTO "django_admin_log" ("id", "action_time", "object_id", "object_repr", "action_flag",
                                "change_message", "content_type_id", "user_id")
SELECT g,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '17 minutes',
       CASE WHEN g % 25 = 0 THEN NULL ELSE (1 + g % 500)::text END,
       CASE WHEN g % 25 = 0 THEN 'deleted thing ' || g
            WHEN 1 + g % 9 = 4 THEN (SELECT u.username FROM "auth_user" u WHERE u.id = 1 + g % 500)
            ELSE 'Object (' || (1 + g % 500) || ')' END,
       (1 + g % 3)::smallint,
       CASE 1 + g % 3 WHEN 1 THEN '[{"added": {}}]'
                      WHEN 2 THEN '[{"changed": {"fields": ["Email address", "Last name"]}}]'
                      ELSE '' END,
       CASE WHEN g % 25 = 0 THEN NULL ELSE 1 + g % 9 END,
       1 + (g * 3) % 500
FROM generate_series(1, 1500) g;

-- 300 sessions expiring an hour apart from 2024-01-01.
INSERT INTO "django_session" ("session_key", "session_data", "expire_date")
SELECT md5('session-' || g),
       'orig-session-' || md5('data' || g) || ':1rXyZ:' || md5('signature' || g),
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour'
FROM generate_series(1, 300) g;

-- The blog: 30 tags, 2000 posts (4 per author, every 5th a draft), 1 to 3
-- tags per post, 6000 comments (3 per post) whose replies form chains of up
-- to 3 on the same post, every 9th anonymous.
INSERT INTO "blog_tag" ("id", "name", "slug")
SELECT g, 'Tag ' || g, 'tag-' || g FROM generate_series(1, 30) g;

INSERT INTO "blog_post" ("id", "slug", "title", "summary", "body", "published_at", "created_at", "author_id")
SELECT g,
       'post-' || g,
       'Post number ' || g,
       'What post ' || g || ' is about',
       'Post ' || g || E' says "hello", world.\nSecond line; ' || repeat('lorem ipsum ', 1 + g % 5),
       CASE WHEN g % 5 = 0 THEN NULL
            ELSE timestamptz '2022-01-01 00:00:00+00' + g * interval '5 hours 1 minute' END,
       timestamptz '2022-01-01 00:00:00+00' + g * interval '5 hours',
       1 + (g * 7) % 500
FROM generate_series(1, 2000) g;

INSERT INTO "blog_post_tags" ("id", "post_id", "tag_id")
SELECT row_number() OVER (ORDER BY post_id, tag_id), post_id, tag_id
FROM (SELECT DISTINCT g AS post_id, t AS tag_id
      FROM generate_series(1, 2000) g,
           LATERAL (VALUES (1 + g % 30),
                           (CASE WHEN g % 2 = 0 THEN 1 + (g * 7 + 1) % 30 END),
                           (CASE WHEN g % 3 = 0 THEN 1 + (g * 11 + 5) % 30 END)) AS v (t)
      WHERE t IS NOT NULL) AS x;

INSERT INTO "blog_comment" ("id", "author_email", "body", "created_at", "parent_id", "post_id", "user_id")
SELECT g,
       'orig.commenter' || g || '@corp-original.example',
       'Comment ' || g || CASE WHEN g % 7 = 0 THEN E', with "quotes"\nand a line break' ELSE '' END,
       timestamptz '2023-01-01 00:00:00+00' + g * interval '13 minutes',
       CASE WHEN g > 2000 AND g % 4 <> 0 THEN g - 2000 END,
       1 + (g - 1) % 2000,
       CASE WHEN g % 9 = 0 THEN NULL ELSE 1 + (g * 13) % 500 END
FROM generate_series(1, 6000) g;

-- `manage.py sqlsequencereset admin auth contenttypes blog`
SELECT setval(pg_get_serial_sequence('"django_content_type"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "django_content_type";
SELECT setval(pg_get_serial_sequence('"auth_permission"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "auth_permission";
SELECT setval(pg_get_serial_sequence('"auth_group_permissions"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "auth_group_permissions";
SELECT setval(pg_get_serial_sequence('"auth_group"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "auth_group";
SELECT setval(pg_get_serial_sequence('"auth_user_groups"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "auth_user_groups";
SELECT setval(pg_get_serial_sequence('"auth_user_user_permissions"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "auth_user_user_permissions";
SELECT setval(pg_get_serial_sequence('"auth_user"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "auth_user";
SELECT setval(pg_get_serial_sequence('"django_admin_log"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "django_admin_log";
SELECT setval(pg_get_serial_sequence('"blog_tag"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "blog_tag";
SELECT setval(pg_get_serial_sequence('"blog_post"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "blog_post";
SELECT setval(pg_get_serial_sequence('"blog_post_tags"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "blog_post_tags";
SELECT setval(pg_get_serial_sequence('"blog_comment"', 'id'), coalesce(max("id"), 1), max("id") IS NOT null) FROM "blog_comment";
