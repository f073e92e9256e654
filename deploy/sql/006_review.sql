-- Items for operators to review: rejected channel callbacks and contradictions between a channel and an order.
CREATE TABLE IF NOT EXISTS paygw_review_item
(
    id          BIGINT       NOT NULL AUTO_INCREMENT,
    created_at  DATETIME(3)  NOT NULL,
    kind        VARCHAR(32)  CHARACTER SET ascii NOT NULL,
    channel     VARCHAR(32)  CHARACTER SET ascii NOT NULL,
    account_id  VARCHAR(64)  CHARACTER SET ascii NOT NULL,
    order_id    VARCHAR(64)  CHARACTER SET utf8mb4 NULL,
    code        VARCHAR(64)  CHARACTER SET ascii NOT NULL,
    detail      VARCHAR(1000) CHARACTER SET utf8mb4 NOT NULL,
    body_sha256 CHAR(64)     CHARACTER SET ascii NULL,
    body        TEXT         CHARACTER SET utf8mb4 NULL,
    resolved_at DATETIME(3)  NULL,
    PRIMARY KEY (id),
    KEY ix_paygw_review_item_open (resolved_at, created_at),
    KEY ix_paygw_review_item_order (order_id)
) ENGINE = InnoDB;
