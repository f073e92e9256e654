-- The gateway's own tables.

-- Queryable order records for operators and reconciliation. Grain state is the source of truth; this table is
-- its projection, maintained by triggers on OrleansStorage inside the same statement as the state write, so the
-- two can never disagree (a failed projection fails the state write). Supervision reads next_check_at from here.
CREATE TABLE IF NOT EXISTS paygw_order
(
    order_id         VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    app_id           VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    out_trade_no     VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status           VARCHAR(16)  CHARACTER SET ascii NOT NULL,
    amount           BIGINT       NOT NULL,
    currency         CHAR(3)      CHARACTER SET ascii NOT NULL,
    channel          VARCHAR(32)  CHARACTER SET ascii NOT NULL,
    account_id       VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    method           VARCHAR(16)  CHARACTER SET ascii NOT NULL,
    channel_trade_no VARCHAR(128) CHARACTER SET utf8mb4 NULL,
    created_at       DATETIME(3)  NOT NULL,
    updated_at       DATETIME(3)  NOT NULL,
    paid_at          DATETIME(3)  NULL,
    expires_at       DATETIME(3)  NOT NULL,
    next_check_at    DATETIME(3)  NULL,
    state_version    INT          NOT NULL,
    PRIMARY KEY (order_id),
    UNIQUE KEY ux_paygw_order_app_out_trade_no (app_id, out_trade_no),
    KEY ix_paygw_order_next_check (next_check_at),
    KEY ix_paygw_order_app_created (app_id, created_at),
    KEY ix_paygw_order_status_created (status, created_at)
) ENGINE = InnoDB;

-- Merchant request nonces: a nonce is accepted once per app while its timestamp is inside the window.
CREATE TABLE IF NOT EXISTS paygw_request_nonce
(
    app_id     VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    nonce      VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    expires_at DATETIME(3) NOT NULL,
    PRIMARY KEY (app_id, nonce),
    KEY ix_paygw_request_nonce_expires (expires_at)
) ENGINE = InnoDB;

-- Node codes for gateway order ids. A process leases one code; reserved_until_ms is the highest id timestamp it
-- may have issued, so whoever takes the code next (itself after a restart, or another process) starts above it
-- even if the clock stepped backwards.
CREATE TABLE IF NOT EXISTS paygw_id_node
(
    node_code         INT          NOT NULL,
    holder            VARCHAR(200) CHARACTER SET utf8mb4 NULL,
    lease_expires_at  DATETIME(3)  NOT NULL,
    reserved_until_ms BIGINT       NOT NULL,
    PRIMARY KEY (node_code),
    -- Acquisition walks this index and locks only the row it takes (a full scan would lock them all).
    KEY ix_paygw_id_node_free (lease_expires_at, node_code)
) ENGINE = InnoDB;

-- Two base-36 characters: 1,296 node codes per datacenter.
SET STATEMENT max_recursive_iterations = 2000 FOR
INSERT INTO paygw_id_node (node_code, holder, lease_expires_at, reserved_until_ms)
WITH RECURSIVE codes (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM codes WHERE n < 1295)
SELECT n, NULL, '2000-01-01', 0 FROM codes
ON DUPLICATE KEY UPDATE node_code = paygw_id_node.node_code;

DELIMITER $$

-- Projects an order grain's JSON state into paygw_order. Field names are the state's [JsonPropertyName]s.
CREATE OR REPLACE PROCEDURE paygw_project_order(IN p_payload MEDIUMBLOB, IN p_version INT)
BEGIN
    DECLARE v_json LONGTEXT DEFAULT CONVERT(p_payload USING utf8mb4);
    IF JSON_VALUE(v_json, '$.order_id') IS NOT NULL THEN
        INSERT INTO paygw_order
            (order_id, app_id, out_trade_no, status, amount, currency, channel, account_id, method,
             channel_trade_no, created_at, updated_at, paid_at, expires_at, next_check_at, state_version)
        VALUES
            (JSON_VALUE(v_json, '$.order_id'),
             JSON_VALUE(v_json, '$.app_id'),
             JSON_VALUE(v_json, '$.out_trade_no'),
             JSON_VALUE(v_json, '$.status'),
             CAST(JSON_VALUE(v_json, '$.amount') AS SIGNED),
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
            status = VALUES(status), channel_trade_no = VALUES(channel_trade_no), updated_at = VALUES(updated_at),
            paid_at = VALUES(paid_at), next_check_at = VALUES(next_check_at), state_version = VALUES(state_version);
    END IF;
END$$

CREATE OR REPLACE TRIGGER paygw_order_projection_insert AFTER INSERT ON OrleansStorage FOR EACH ROW
BEGIN
    IF NEW.GrainTypeString = 'order' AND NEW.PayloadBinary IS NOT NULL THEN
        CALL paygw_project_order(NEW.PayloadBinary, NEW.Version);
    END IF;
END$$

CREATE OR REPLACE TRIGGER paygw_order_projection_update AFTER UPDATE ON OrleansStorage FOR EACH ROW
BEGIN
    IF NEW.GrainTypeString = 'order' AND NEW.PayloadBinary IS NOT NULL THEN
        CALL paygw_project_order(NEW.PayloadBinary, NEW.Version);
    END IF;
END$$

DELIMITER ;
