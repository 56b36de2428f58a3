-- The demo shop's tables: Django-shaped (app_label_model names, FK columns
-- ending in _id), with a self-reference (accounts_customer.referred_by_id), a
-- category parent chain, a many-to-many table and deferred foreign keys.
CREATE TABLE django_site (
  id serial PRIMARY KEY,
  domain varchar(100) NOT NULL UNIQUE,
  name varchar(50) NOT NULL
);
CREATE TABLE accounts_customer (
  id bigserial PRIMARY KEY,
  site_id integer NOT NULL REFERENCES django_site(id) DEFERRABLE INITIALLY DEFERRED,
  first_name varchar(30) NOT NULL,
  last_name varchar(150) NOT NULL,
  email varchar(254) NOT NULL UNIQUE,
  phone varchar(20),
  date_joined timestamptz NOT NULL,
  is_active boolean NOT NULL,
  referred_by_id bigint REFERENCES accounts_customer(id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE products_category (
  id serial PRIMARY KEY,
  name varchar(100) NOT NULL,
  parent_id integer REFERENCES products_category(id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE products_product (
  id serial PRIMARY KEY,
  category_id integer NOT NULL REFERENCES products_category(id) DEFERRABLE INITIALLY DEFERRED,
  sku varchar(32) NOT NULL UNIQUE,
  name varchar(200) NOT NULL,
  price numeric(10,2) NOT NULL,
  description text NOT NULL
);
CREATE TABLE accounts_customer_favorite_products (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES accounts_customer(id) DEFERRABLE INITIALLY DEFERRED,
  product_id integer NOT NULL REFERENCES products_product(id) DEFERRABLE INITIALLY DEFERRED,
  UNIQUE (customer_id, product_id)
);
CREATE TABLE orders_order (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES accounts_customer(id) DEFERRABLE INITIALLY DEFERRED,
  created_at timestamptz NOT NULL,
  status varchar(16) NOT NULL,
  total numeric(12,2) NOT NULL,
  shipping_address text NOT NULL,
  notes jsonb
);
CREATE TABLE orders_orderitem (
  id bigserial PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders_order(id) DEFERRABLE INITIALLY DEFERRED,
  product_id integer NOT NULL REFERENCES products_product(id) DEFERRABLE INITIALLY DEFERRED,
  quantity integer NOT NULL,
  unit_price numeric(10,2) NOT NULL
);
