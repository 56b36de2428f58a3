CREATE INDEX ON accounts_customer (site_id);
CREATE INDEX ON accounts_customer (referred_by_id);
CREATE INDEX ON products_product (category_id);
CREATE INDEX ON accounts_customer_favorite_products (product_id);
CREATE INDEX ON orders_order (customer_id);
CREATE INDEX ON orders_orderitem (order_id);
CREATE INDEX ON orders_orderitem (product_id);
