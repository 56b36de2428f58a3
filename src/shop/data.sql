-- The demo shop's rows: shop.sql's generation, with its scale variable
-- replaced by three psql-style variables that shop.rs substitutes (the
-- numbers of customers, products and orders). Deterministic: one setseed,
-- then INSERT ... SELECT in generate_series order.
SELECT setseed(0.42);
INSERT INTO django_site (domain, name)
  SELECT 'shop' || g || '.example.com', 'Shop ' || g FROM generate_series(1, 3) g;
INSERT INTO products_category (name, parent_id)
  SELECT 'Category ' || g, CASE WHEN g > 10 THEN 1 + (g % 10) END FROM generate_series(1, 60) g;
INSERT INTO products_product (category_id, sku, name, price, description)
  SELECT 1 + (g % 60), 'SKU-' || lpad(g::text, 8, '0'), 'Product ' || g || ' ' || md5(g::text),
         round((random() * 500 + 1)::numeric, 2), repeat('Lorem ipsum dolor sit amet. ', 1 + g % 7)
  FROM generate_series(1, :products) g;
INSERT INTO accounts_customer (site_id, first_name, last_name, email, phone, date_joined, is_active, referred_by_id)
  SELECT 1 + (g % 3), 'First' || g, 'Last' || md5(g::text), 'customer' || g || '@example.org',
         CASE WHEN g % 5 = 0 THEN NULL ELSE '+47 ' || lpad((g::bigint * 7919 % 100000000)::text, 8, '0') END,
         timestamptz '2020-01-01' + (g % 1500) * interval '1 day', g % 11 <> 0,
         CASE WHEN g > 100 AND g % 4 = 0 THEN g - 1 - (g * 31 % 100) END
  FROM generate_series(1, :customers) g;
INSERT INTO accounts_customer_favorite_products (customer_id, product_id)
  SELECT DISTINCT c, 1 + ((c * 13 + k * 977) % :products)
  FROM generate_series(1, :customers) c, generate_series(1, 3) k WHERE c % 2 = 0;
INSERT INTO orders_order (customer_id, created_at, status, total, shipping_address, notes)
  SELECT 1 + ((g * 7) % :customers), timestamptz '2021-01-01' + (g % 1000) * interval '1 hour',
         (ARRAY['new','paid','shipped','cancelled'])[1 + g % 4], round((random() * 900)::numeric, 2),
         g || ' Main Street, Springfield', CASE WHEN g % 3 = 0 THEN jsonb_build_object('gift', true, 'n', g) END
  FROM generate_series(1, :orders) g;
INSERT INTO orders_orderitem (order_id, product_id, quantity, unit_price)
  SELECT o, 1 + ((o * 17 + k * 101) % :products), 1 + (o + k) % 5, round((random() * 200 + 1)::numeric, 2)
  FROM generate_series(1, :orders) o, generate_series(1, 4) k WHERE (o + k) % 5 <> 0;
