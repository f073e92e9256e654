-- Recurring-payment contracts (SignGrain, docs/recurring.md).
--
-- Contract state (GrainTypeString 'contract') lives in paygw_projected_state next to orders and transfers, and its
-- trigger projects it into paygw_contract: the SQL-queryable record operators search and the supervisor shards sweep
-- (next_check_at), kept in the same transaction as the state write, exactly like paygw_order and paygw_transfer.
-- The write and clear procedures and the read query choose the table by state name, so they are redefined with
-- 'contract' in the projected list; nothing else about them changes.

CREATE TABLE IF NOT EXISTS paygw_contract
(
    contract_id          VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    app_id               VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    out_contract_no      VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status               VARCHAR(16)  CHARACTER SET ascii NOT NULL,
    channel              VARCHAR(32)  CHARACTER SET ascii NOT NULL,
    account_id           VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    method               VARCHAR(16)  CHARACTER SET ascii NOT NULL,
    amount               BIGINT       NOT NULL,
    currency             CHAR(3)      CHARACTER SET ascii NOT NULL,
    period_unit          VARCHAR(8)   CHARACTER SET ascii NOT NULL,
    period_every         INT          NOT NULL,
    channel_contract_no  VARCHAR(128) CHARACTER SET utf8mb4 NULL,
    deductions_succeeded INT          NOT NULL,
    created_at           DATETIME(3)  NOT NULL,
    updated_at           DATETIME(3)  NOT NULL,
    signed_at            DATETIME(3)  NULL,
    terminated_at        DATETIME(3)  NULL,
    next_check_at        DATETIME(3)  NULL,
    state_version        INT          NOT NULL,
    PRIMARY KEY (contract_id),
    UNIQUE KEY ux_paygw_contract_app_out_contract_no (app_id, out_contract_no),
    KEY ix_paygw_contract_next_check (next_check_at),
    KEY ix_paygw_contract_status_created (status, created_at)
) ENGINE = InnoDB;

DELIMITER $$

CREATE OR REPLACE PROCEDURE paygw_project_contract(IN p_payload MEDIUMBLOB, IN p_version INT)
BEGIN
    DECLARE v_json LONGTEXT DEFAULT CONVERT(p_payload USING utf8mb4);
    IF JSON_VALUE(v_json, '$.contract_id') IS NOT NULL THEN
        INSERT INTO paygw_contract
            (contract_id, app_id, out_contract_no, status, channel, account_id, method, amount, currency, period_unit,
             period_every, channel_contract_no, deductions_succeeded, created_at, updated_at, signed_at, terminated_at,
             next_check_at, state_version)
        VALUES
            (JSON_VALUE(v_json, '$.contract_id'),
             JSON_VALUE(v_json, '$.app_id'),
             JSON_VALUE(v_json, '$.out_contract_no'),
             JSON_VALUE(v_json, '$.status'),
             JSON_VALUE(v_json, '$.channel'),
             JSON_VALUE(v_json, '$.account_id'),
             JSON_VALUE(v_json, '$.method'),
             CAST(JSON_VALUE(v_json, '$.amount') AS SIGNED),
             JSON_VALUE(v_json, '$.currency'),
             JSON_VALUE(v_json, '$.period_unit'),
             CAST(JSON_VALUE(v_json, '$.period_every') AS SIGNED),
             JSON_VALUE(v_json, '$.channel_contract_no'),
             CAST(JSON_VALUE(v_json, '$.deductions_succeeded') AS SIGNED),
             TIMESTAMPADD(MICROSECOND, CAST(JSON_VALUE(v_json, '$.created_at_ms') AS SIGNED) * 1000, '1970-01-01 00:00:00'),
             TIMESTAMPADD(MICROSECOND, CAST(JSON_VALUE(v_json, '$.updated_at_ms') AS SIGNED) * 1000, '1970-01-01 00:00:00'),
             TIMESTAMPADD(MICROSECOND, CAST(JSON_VALUE(v_json, '$.signed_at_ms') AS SIGNED) * 1000, '1970-01-01 00:00:00'),
             TIMESTAMPADD(MICROSECOND, CAST(JSON_VALUE(v_json, '$.terminated_at_ms') AS SIGNED) * 1000, '1970-01-01 00:00:00'),
             TIMESTAMPADD(MICROSECOND, CAST(JSON_VALUE(v_json, '$.next_check_at_ms') AS SIGNED) * 1000, '1970-01-01 00:00:00'),
             p_version)
        ON DUPLICATE KEY UPDATE
            status = VALUES(status), channel_contract_no = VALUES(channel_contract_no),
            deductions_succeeded = VALUES(deductions_succeeded), updated_at = VALUES(updated_at),
            signed_at = VALUES(signed_at), terminated_at = VALUES(terminated_at), next_check_at = VALUES(next_check_at),
            state_version = VALUES(state_version);
    END IF;
END$$

CREATE OR REPLACE TRIGGER paygw_order_projection_insert AFTER INSERT ON paygw_projected_state FOR EACH ROW
BEGIN
    IF NEW.PayloadBinary IS NOT NULL THEN
        IF NEW.GrainTypeString = 'order' THEN
            CALL paygw_project_order(NEW.PayloadBinary, NEW.Version);
        ELSEIF NEW.GrainTypeString = 'transfer' THEN
            CALL paygw_project_transfer(NEW.PayloadBinary, NEW.Version);
        ELSEIF NEW.GrainTypeString = 'contract' THEN
            CALL paygw_project_contract(NEW.PayloadBinary, NEW.Version);
        END IF;
    END IF;
END$$

CREATE OR REPLACE TRIGGER paygw_order_projection_update AFTER UPDATE ON paygw_projected_state FOR EACH ROW
BEGIN
    IF NEW.PayloadBinary IS NOT NULL THEN
        IF NEW.GrainTypeString = 'order' THEN
            CALL paygw_project_order_update(NEW.PayloadBinary, NEW.Version);
        ELSEIF NEW.GrainTypeString = 'transfer' THEN
            CALL paygw_project_transfer(NEW.PayloadBinary, NEW.Version);
        ELSEIF NEW.GrainTypeString = 'contract' THEN
            CALL paygw_project_contract(NEW.PayloadBinary, NEW.Version);
        END IF;
    END IF;
END$$

-- 011's procedures with 'contract' added to the projected state names.
CREATE OR REPLACE PROCEDURE paygw_grain_state_write(
    IN p_service_id VARCHAR(150), IN p_type VARCHAR(512), IN p_n0 BIGINT, IN p_n1 BIGINT, IN p_ext VARCHAR(512),
    IN p_version INT, IN p_payload MEDIUMBLOB)
BEGIN
    DECLARE v_id BINARY(32) DEFAULT
        UNHEX(SHA2(CONCAT_WS(CHAR(31), p_service_id, p_type, p_n0, p_n1, IFNULL(CONCAT('E', p_ext), 'N')), 256));
    DECLARE v_duplicate INT DEFAULT 0;
    -- The primary key lets exactly one of two racing first writes insert; the loser gets NULL (a conflict).
    DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = 1;
    IF p_version IS NOT NULL THEN
        IF p_type IN ('order', 'transfer', 'contract') THEN
            UPDATE paygw_projected_state
               SET PayloadBinary = p_payload, Version = Version + 1, ModifiedOn = UTC_TIMESTAMP(3)
             WHERE IdentityHash = v_id AND Version = p_version;
            SELECT IF(ROW_COUNT() > 0, p_version + 1, p_version) AS NewGrainStateVersion;
        ELSE
            UPDATE OrleansStorage
               SET PayloadBinary = p_payload, Version = Version + 1, ModifiedOn = UTC_TIMESTAMP(3)
             WHERE IdentityHash = v_id AND Version = p_version;
            SELECT IF(ROW_COUNT() > 0, p_version + 1, p_version) AS NewGrainStateVersion;
        END IF;
    ELSE
        IF p_type IN ('order', 'transfer', 'contract') THEN
            INSERT INTO paygw_projected_state
                (IdentityHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString,
                 PayloadBinary, Version, ModifiedOn)
            VALUES (v_id, p_service_id, p_type, p_n0, p_n1, p_ext, p_payload, 1, UTC_TIMESTAMP(3));
        ELSE
            INSERT INTO OrleansStorage
                (IdentityHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString,
                 PayloadBinary, Version, ModifiedOn)
            VALUES (v_id, p_service_id, p_type, p_n0, p_n1, p_ext, p_payload, 1, UTC_TIMESTAMP(3));
        END IF;
        SELECT IF(v_duplicate = 0, 1, NULL) AS NewGrainStateVersion;
    END IF;
END$$

CREATE OR REPLACE PROCEDURE paygw_grain_state_clear(
    IN p_service_id VARCHAR(150), IN p_type VARCHAR(512), IN p_n0 BIGINT, IN p_n1 BIGINT, IN p_ext VARCHAR(512),
    IN p_version INT)
BEGIN
    DECLARE v_id BINARY(32) DEFAULT
        UNHEX(SHA2(CONCAT_WS(CHAR(31), p_service_id, p_type, p_n0, p_n1, IFNULL(CONCAT('E', p_ext), 'N')), 256));
    IF p_type IN ('order', 'transfer', 'contract') THEN
        UPDATE paygw_projected_state
           SET PayloadBinary = NULL, Version = Version + 1, ModifiedOn = UTC_TIMESTAMP(3)
         WHERE IdentityHash = v_id AND Version = p_version;
        SELECT IF(ROW_COUNT() > 0, p_version + 1, p_version) AS NewGrainStateVersion;
    ELSE
        UPDATE OrleansStorage
           SET PayloadBinary = NULL, Version = Version + 1, ModifiedOn = UTC_TIMESTAMP(3)
         WHERE IdentityHash = v_id AND Version = p_version;
        SELECT IF(ROW_COUNT() > 0, p_version + 1, p_version) AS NewGrainStateVersion;
    END IF;
END$$

UPDATE OrleansQuery SET QueryText =
'SELECT PayloadBinary, Version FROM OrleansStorage
  WHERE IdentityHash = UNHEX(SHA2(CONCAT_WS(CHAR(31), @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
                                           IFNULL(CONCAT(''E'', @GrainIdExtensionString), ''N'')), 256))
    AND @GrainTypeString NOT IN (''order'', ''transfer'', ''contract'')
UNION ALL
SELECT PayloadBinary, Version FROM paygw_projected_state
  WHERE IdentityHash = UNHEX(SHA2(CONCAT_WS(CHAR(31), @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
                                           IFNULL(CONCAT(''E'', @GrainIdExtensionString), ''N'')), 256))
    AND @GrainTypeString IN (''order'', ''transfer'', ''contract'');'
 WHERE QueryKey = 'ReadFromStorageKey'$$

DELIMITER ;
