-- Reconciliation against channel statements (docs/reconciliation.md).

-- A day's payments and refunds of one channel account are read by these ranges (never a scan of all orders).
ALTER TABLE paygw_order ADD INDEX IF NOT EXISTS ix_paygw_order_account_paid (account_id, paid_at);
ALTER TABLE paygw_refund ADD INDEX IF NOT EXISTS ix_paygw_refund_account_succeeded (account_id, succeeded_at);
ALTER TABLE paygw_refund ADD INDEX IF NOT EXISTS ix_paygw_refund_account_created (account_id, created_at);

-- One row per (channel, account, statement day): the last run's outcome and both sides' totals.
CREATE TABLE IF NOT EXISTS paygw_recon_run
(
    channel         VARCHAR(32)  CHARACTER SET ascii NOT NULL,
    account_id      VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bill_date       DATE         NOT NULL,
    status          VARCHAR(16)  CHARACTER SET ascii NOT NULL,
    ran_at          DATETIME(3)  NOT NULL,
    runs            INT          NOT NULL,
    statement_lines INT          NOT NULL,
    matched         INT          NOT NULL,
    open_items      INT          NOT NULL,
    channel_totals  JSON         NOT NULL,
    gateway_totals  JSON         NOT NULL,
    error_code      VARCHAR(64)  CHARACTER SET ascii NULL,
    error_message   VARCHAR(500) CHARACTER SET utf8mb4 NULL,
    PRIMARY KEY (channel, account_id, bill_date),
    KEY ix_paygw_recon_run_status (status, bill_date)
) ENGINE = InnoDB;

-- Discrepancies. A rerun updates the ones it finds again and resolves the ones it no longer finds, so the history of
-- what was wrong (and what was healed) stays.
CREATE TABLE IF NOT EXISTS paygw_recon_item
(
    id             BIGINT       NOT NULL AUTO_INCREMENT,
    channel        VARCHAR(32)  CHARACTER SET ascii NOT NULL,
    account_id     VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bill_date      DATE         NOT NULL,
    code           VARCHAR(64)  CHARACTER SET ascii NOT NULL,
    order_id       VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    refund_id      VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    channel_amount BIGINT       NULL,
    gateway_amount BIGINT       NULL,
    currency       CHAR(3)      CHARACTER SET ascii NULL,
    gateway_status VARCHAR(16)  CHARACTER SET ascii NULL,
    action         VARCHAR(16)  CHARACTER SET ascii NOT NULL,
    detail         VARCHAR(500) CHARACTER SET utf8mb4 NOT NULL,
    found_at       DATETIME(3)  NOT NULL,
    last_seen_at   DATETIME(3)  NOT NULL,
    resolved_at    DATETIME(3)  NULL,
    PRIMARY KEY (id),
    UNIQUE KEY ux_paygw_recon_item (channel, account_id, bill_date, code, order_id, refund_id),
    KEY ix_paygw_recon_item_open (resolved_at, bill_date),
    KEY ix_paygw_recon_item_order (order_id)
) ENGINE = InnoDB;
