-- Refunds and transfers (issue 6).
--
-- Refunds live inside the order's grain state (one write covers the order and all its refunds), so they are
-- projected by the order projection: the order row gains refunded_amount, and each refund gets a paygw_refund row,
-- written in the same statement as the state. Transfers are grains of their own ('transfer' state) with their own
-- projection, paygw_transfer; the supervisor shards sweep its next_check_at as they sweep orders'.

ALTER TABLE paygw_order ADD COLUMN IF NOT EXISTS refunded_amount BIGINT NOT NULL DEFAULT 0 AFTER amount;

CREATE TABLE IF NOT EXISTS paygw_refund
(
    refund_id         VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    order_id          VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    app_id            VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    out_refund_no     VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status            VARCHAR(16)  CHARACTER SET ascii NOT NULL,
    amount            BIGINT       NOT NULL,
    currency          CHAR(3)      CHARACTER SET ascii NOT NULL,
    channel           VARCHAR(32)  CHARACTER SET ascii NOT NULL,
    account_id        VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    channel_refund_no VARCHAR(128) CHARACTER SET utf8mb4 NULL,
    created_at        DATETIME(3)  NOT NULL,
    updated_at        DATETIME(3)  NOT NULL,
    succeeded_at      DATETIME(3)  NULL,
    PRIMARY KEY (refund_id),
    KEY ix_paygw_refund_app_out_refund_no (app_id, out_refund_no),
    KEY ix_paygw_refund_order (order_id),
    KEY ix_paygw_refund_status_created (status, created_at)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS paygw_transfer
(
    transfer_id         VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    app_id              VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    out_transfer_no     VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status              VARCHAR(16)  CHARACTER SET ascii NOT NULL,
    amount              BIGINT       NOT NULL,
    currency            CHAR(3)      CHARACTER SET ascii NOT NULL,
    channel             VARCHAR(32)  CHARACTER SET ascii NOT NULL,
    account_id          VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    payee_type          VARCHAR(32)  CHARACTER SET ascii NOT NULL,
    channel_transfer_no VARCHAR(128) CHARACTER SET utf8mb4 NULL,
    created_at          DATETIME(3)  NOT NULL,
    updated_at          DATETIME(3)  NOT NULL,
    succeeded_at        DATETIME(3)  NULL,
    next_check_at       DATETIME(3)  NULL,
    state_version       INT          NOT NULL,
    PRIMARY KEY (transfer_id),
    UNIQUE KEY ux_paygw_transfer_app_out_transfer_no (app_id, out_transfer_no),
    KEY ix_paygw_transfer_next_check (next_check_at),
    KEY ix_paygw_transfer_status_created (status, created_at)
) ENGINE = InnoDB;

DELIMITER $$

CREATE OR REPLACE PROCEDURE paygw_project_order(IN p_payload MEDIUMBLOB, IN p_version INT)
BEGIN
    DECLARE v_json LONGTEXT DEFAULT CONVERT(p_payload USING utf8mb4);
    IF JSON_VALUE(v_json, '$.order_id') IS NOT NULL THEN
        INSERT INTO paygw_order
            (order_id, app_id, out_trade_no, status, amount, refunded_amount, currency, channel, account_id, method,
             channel_trade_no, created_at, updated_at, paid_at, expires_at, next_check_at, state_version)
        VALUES
            (JSON_VALUE(v_json, '$.order_id'),
             JSON_VALUE(v_json, '$.app_id'),
             JSON_VALUE(v_json, '$.out_trade_no'),
             JSON_VALUE(v_json, '$.status'),
             CAST(JSON_VALUE(v_json, '$.amount') AS SIGNED),
             CAST(IFNULL(JSON_VALUE(v_json, '$.refunded_amount'), 0) AS SIGNED),
             JSON_VALUE(v_json, '$.currency'),
             JSON_VALUE(v_json, '$.channel'),
             JSON_VALUE(v_json, '$.account_id'),
             JSON_VALUE(v_json, '$.method'),
             JSON_VALUE(v_json, '$.channel_trade_no'),
             TIMESTAMPADD(MICROSECOND, CAST(JSON_VALUE(v_json, '$.created_at_ms') AS SIGNED) * 1000, '1970-01-01 00:00:00'),
             TIMESTAMPADD(MICROSECOND, CAST(JSON_VALUE(v_json, '$.updated_at_ms') AS SIGNED) * 1000, '1970-01-01 00:00:00'),
             TIMESTAMPADD(MICROSECOND, CAST(JSON_VALUE(v_json, '$.paid_at_ms') AS SIGNED) * 1000, '1970-01-01 00:00:00'),
             TIMESTAMPADD(MICROSECOND, CAST(JSON_VALUE(v_json, '$.expires_at_ms') AS SIGNED) * 1000, '1970-01-01 00:00:00'),
             TIMESTAMPADD(MICROSECOND, CAST(JSON_VALUE(v_json, '$.next_check_at_ms') AS SIGNED) * 1000, '1970-01-01 00:00:00'),
             p_version)
        ON DUPLICATE KEY UPDATE
            status = VALUES(status), refunded_amount = VALUES(refunded_amount), channel_trade_no = VALUES(channel_trade_no),
            updated_at = VALUES(updated_at), paid_at = VALUES(paid_at), next_check_at = VALUES(next_check_at),
            state_version = VALUES(state_version);
        -- Most orders never have a refund: the JSON_TABLE walk runs only for those that do.
        IF JSON_LENGTH(v_json, '$.refunds') > 0 THEN
            INSERT INTO paygw_refund
                (refund_id, order_id, app_id, out_refund_no, status, amount, currency, channel, account_id,
                 channel_refund_no, created_at, updated_at, succeeded_at)
            SELECT r.refund_id, JSON_VALUE(v_json, '$.order_id'), JSON_VALUE(v_json, '$.app_id'), r.out_refund_no,
                   r.status, r.amount, JSON_VALUE(v_json, '$.currency'), JSON_VALUE(v_json, '$.channel'),
                   JSON_VALUE(v_json, '$.account_id'), r.channel_refund_no,
                   TIMESTAMPADD(MICROSECOND, r.created_at_ms * 1000, '1970-01-01 00:00:00'),
                   TIMESTAMPADD(MICROSECOND, r.updated_at_ms * 1000, '1970-01-01 00:00:00'),
                   TIMESTAMPADD(MICROSECOND, r.succeeded_at_ms * 1000, '1970-01-01 00:00:00')
              FROM JSON_TABLE(v_json, '$.refunds[*]' COLUMNS (
                       refund_id         VARCHAR(32)  PATH '$.refund_id',
                       out_refund_no     VARCHAR(64)  PATH '$.out_refund_no',
                       status            VARCHAR(16)  PATH '$.status',
                       amount            BIGINT       PATH '$.amount',
                       channel_refund_no VARCHAR(128) PATH '$.channel_refund_no',
                       created_at_ms     BIGINT       PATH '$.created_at_ms',
                       updated_at_ms     BIGINT       PATH '$.updated_at_ms',
                       succeeded_at_ms   BIGINT       PATH '$.succeeded_at_ms')) AS r
            ON DUPLICATE KEY UPDATE
                status = VALUES(status), channel_refund_no = VALUES(channel_refund_no), updated_at = VALUES(updated_at),
                succeeded_at = VALUES(succeeded_at);
        END IF;
    END IF;
END$$

CREATE OR REPLACE PROCEDURE paygw_project_transfer(IN p_payload MEDIUMBLOB, IN p_version INT)
BEGIN
    DECLARE v_json LONGTEXT DEFAULT CONVERT(p_payload USING utf8mb4);
    IF JSON_VALUE(v_json, '$.transfer_id') IS NOT NULL THEN
        INSERT INTO paygw_transfer
            (transfer_id, app_id, out_transfer_no, status, amount, currency, channel, account_id, payee_type,
             channel_transfer_no, created_at, updated_at, succeeded_at, next_check_at, state_version)
        VALUES
            (JSON_VALUE(v_json, '$.transfer_id'),
             JSON_VALUE(v_json, '$.app_id'),
             JSON_VALUE(v_json, '$.out_transfer_no'),
             JSON_VALUE(v_json, '$.status'),
             CAST(JSON_VALUE(v_json, '$.amount') AS SIGNED),
             JSON_VALUE(v_json, '$.currency'),
             JSON_VALUE(v_json, '$.channel'),
             JSON_VALUE(v_json, '$.account_id'),
             JSON_VALUE(v_json, '$.payee_type'),
             JSON_VALUE(v_json, '$.channel_transfer_no'),
             TIMESTAMPADD(MICROSECOND, CAST(JSON_VALUE(v_json, '$.created_at_ms') AS SIGNED) * 1000, '1970-01-01 00:00:00'),
             TIMESTAMPADD(MICROSECOND, CAST(JSON_VALUE(v_json, '$.updated_at_ms') AS SIGNED) * 1000, '1970-01-01 00:00:00'),
             TIMESTAMPADD(MICROSECOND, CAST(JSON_VALUE(v_json, '$.succeeded_at_ms') AS SIGNED) * 1000, '1970-01-01 00:00:00'),
             TIMESTAMPADD(MICROSECOND, CAST(JSON_VALUE(v_json, '$.next_check_at_ms') AS SIGNED) * 1000, '1970-01-01 00:00:00'),
             p_version)
        ON DUPLICATE KEY UPDATE
            status = VALUES(status), channel_transfer_no = VALUES(channel_transfer_no), updated_at = VALUES(updated_at),
            succeeded_at = VALUES(succeeded_at), next_check_at = VALUES(next_check_at), state_version = VALUES(state_version);
    END IF;
END$$

CREATE OR REPLACE TRIGGER paygw_order_projection_insert AFTER INSERT ON OrleansStorage FOR EACH ROW
BEGIN
    IF NEW.PayloadBinary IS NOT NULL THEN
        IF NEW.GrainTypeString = 'order' THEN
            CALL paygw_project_order(NEW.PayloadBinary, NEW.Version);
        ELSEIF NEW.GrainTypeString = 'transfer' THEN
            CALL paygw_project_transfer(NEW.PayloadBinary, NEW.Version);
        END IF;
    END IF;
END$$

CREATE OR REPLACE TRIGGER paygw_order_projection_update AFTER UPDATE ON OrleansStorage FOR EACH ROW
BEGIN
    IF NEW.PayloadBinary IS NOT NULL THEN
        IF NEW.GrainTypeString = 'order' THEN
            CALL paygw_project_order(NEW.PayloadBinary, NEW.Version);
        ELSEIF NEW.GrainTypeString = 'transfer' THEN
            CALL paygw_project_transfer(NEW.PayloadBinary, NEW.Version);
        END IF;
    END IF;
END$$

DELIMITER ;
