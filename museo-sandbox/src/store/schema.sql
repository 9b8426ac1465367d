-- The sandbox's schema. Applied at start when `PRAGMA user_version` is 0.
CREATE TABLE IF NOT EXISTS categories (
    slug    TEXT PRIMARY KEY,
    name_en TEXT NOT NULL,
    name_es TEXT NOT NULL,
    name_fr TEXT NOT NULL
);

-- `seq` is the rowid: it orders "newest" and keys the full-text index.
CREATE TABLE IF NOT EXISTS products (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    sku          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    handle       TEXT NOT NULL UNIQUE,
    -- Filter columns come before the long texts: SQLite decodes a record up
    -- to the last column it needs, so filtering never reads descriptions.
    published    INTEGER NOT NULL,
    price_minor  INTEGER NOT NULL CHECK (price_minor > 0),
    currency     TEXT NOT NULL,
    stock        INTEGER NOT NULL CHECK (stock >= 0),
    category     TEXT NOT NULL,
    title_en     TEXT NOT NULL,
    title_es     TEXT NOT NULL,
    title_fr     TEXT NOT NULL,
    desc_en      TEXT NOT NULL,
    desc_es      TEXT NOT NULL,
    desc_fr      TEXT NOT NULL,
    tags         TEXT NOT NULL,  -- JSON array
    attributes   TEXT NOT NULL,  -- JSON object
    images       TEXT NOT NULL,  -- JSON array
    variants     TEXT NOT NULL,  -- JSON array of sdk::types::Variant
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS products_price ON products (published, price_minor, seq);
CREATE INDEX IF NOT EXISTS products_category ON products (category, published, price_minor);
CREATE INDEX IF NOT EXISTS products_category_newest ON products (category, published, seq);

-- Full-text index over every language at once, so "taza", "mug" and "tasse"
-- all find the same product. unicode61 with remove_diacritics folds case and
-- accents ("nympheas" finds "Nymphéas"). Maintained by the store, not by
-- triggers, because it also indexes category names and attribute values.
CREATE VIRTUAL TABLE IF NOT EXISTS products_fts USING fts5 (
    titles, meta, descriptions,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TABLE IF NOT EXISTS baskets (
    id          TEXT PRIMARY KEY,
    currency    TEXT,
    status      TEXT NOT NULL DEFAULT 'open',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS basket_items (
    basket_id    TEXT NOT NULL REFERENCES baskets (id) ON DELETE CASCADE,
    product_seq  INTEGER NOT NULL REFERENCES products (seq) ON DELETE CASCADE,
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    position     INTEGER NOT NULL,
    PRIMARY KEY (basket_id, product_seq)
);

CREATE TABLE IF NOT EXISTS orders (
    id           TEXT PRIMARY KEY,
    basket_id    TEXT NOT NULL REFERENCES baskets (id),
    status       TEXT NOT NULL,            -- pending | paid
    total_minor  INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    lines        TEXT NOT NULL,            -- JSON snapshot: [{seq, sku, title, quantity, unit_minor}]
    fingerprint  TEXT NOT NULL,            -- the basket's lines when the link was made
    expires_at   INTEGER NOT NULL,         -- unix seconds
    created_at   TEXT NOT NULL,
    paid_at      TEXT
);
CREATE INDEX IF NOT EXISTS orders_basket ON orders (basket_id, status);

CREATE TABLE IF NOT EXISTS events (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,
    subject  TEXT NOT NULL,
    data     TEXT NOT NULL,
    at       TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_log (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,   -- the service account (token iss)
    on_behalf_of    TEXT NOT NULL,   -- the token sub
    action          TEXT NOT NULL,
    target          TEXT NOT NULL,
    details         TEXT NOT NULL,
    correlation_id  TEXT NOT NULL
);

-- Every admin token is single-use: its jti is kept until it expires.
CREATE TABLE IF NOT EXISTS used_jti (
    jti  TEXT PRIMARY KEY,
    exp  INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS idempotency (
    key         TEXT NOT NULL,
    route       TEXT NOT NULL,
    status      INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (key, route)
);
