-- Orleans grain state for the ADO.NET persistence provider, written from the provider contract.
--
-- One row per (ServiceId, state name, grain key). IdentityHash is SHA-256 over that full identity: it is the
-- primary key, so every read and write is one index probe, and concurrent first writes of one grain cannot both
-- insert (the reference schema has no unique key and relies on its conditional insert alone).
-- The payload is MEDIUMBLOB (16 MiB): a 64 KiB BLOB would overflow on large states.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    IdentityHash           BINARY(32)   NOT NULL,
    ServiceId              VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    GrainTypeString        VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    GrainIdN0              BIGINT       NOT NULL,
    GrainIdN1              BIGINT       NOT NULL,
    GrainIdExtensionString VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    PayloadBinary          MEDIUMBLOB   NULL,
    Version                INT          NOT NULL,
    ModifiedOn             DATETIME(3)  NOT NULL,
    PRIMARY KEY (IdentityHash)
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC;

DELIMITER $$

-- The identity every state query hashes. CHAR(31) separates fields; 'N' and 'E…' keep a NULL extension distinct
-- from an empty one.
CREATE OR REPLACE FUNCTION paygw_grain_identity(
    p_service_id VARCHAR(150), p_type VARCHAR(512), p_n0 BIGINT, p_n1 BIGINT, p_ext VARCHAR(512))
    RETURNS BINARY(32) DETERMINISTIC
BEGIN
    RETURN UNHEX(SHA2(CONCAT_WS(CHAR(31), p_service_id, p_type, p_n0, p_n1, IFNULL(CONCAT('E', p_ext), 'N')), 256));
END$$

-- Conditional write: update when the caller's version matches, insert when the caller saw no row.
-- Returns the new version, or the sent version / NULL on conflict (the provider then throws).
CREATE OR REPLACE PROCEDURE paygw_grain_state_write(
    IN p_service_id VARCHAR(150), IN p_type VARCHAR(512), IN p_n0 BIGINT, IN p_n1 BIGINT, IN p_ext VARCHAR(512),
    IN p_version INT, IN p_payload MEDIUMBLOB)
BEGIN
    DECLARE v_id BINARY(32) DEFAULT paygw_grain_identity(p_service_id, p_type, p_n0, p_n1, p_ext);
    IF p_version IS NOT NULL THEN
        UPDATE OrleansStorage
           SET PayloadBinary = p_payload, Version = Version + 1, ModifiedOn = UTC_TIMESTAMP(3)
         WHERE IdentityHash = v_id AND Version = p_version;
        SELECT IF(ROW_COUNT() > 0, p_version + 1, p_version) AS NewGrainStateVersion;
    ELSE
        -- Two activations racing to create one grain: the primary key lets exactly one insert win; the loser
        -- gets NULL, which the provider reports as a version conflict. (Not ON DUPLICATE KEY UPDATE: with the
        -- client's found-rows flag a no-op duplicate reports 1 row, indistinguishable from an insert.)
        BEGIN
            DECLARE v_duplicate INT DEFAULT 0;
            DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = 1;
            INSERT INTO OrleansStorage
                (IdentityHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString,
                 PayloadBinary, Version, ModifiedOn)
            VALUES (v_id, p_service_id, p_type, p_n0, p_n1, p_ext, p_payload, 1, UTC_TIMESTAMP(3));
            SELECT IF(v_duplicate = 0, 1, NULL) AS NewGrainStateVersion;
        END;
    END IF;
END$$

CREATE OR REPLACE PROCEDURE paygw_grain_state_clear(
    IN p_service_id VARCHAR(150), IN p_type VARCHAR(512), IN p_n0 BIGINT, IN p_n1 BIGINT, IN p_ext VARCHAR(512),
    IN p_version INT)
BEGIN
    DECLARE v_id BINARY(32) DEFAULT paygw_grain_identity(p_service_id, p_type, p_n0, p_n1, p_ext);
    UPDATE OrleansStorage
       SET PayloadBinary = NULL, Version = Version + 1, ModifiedOn = UTC_TIMESTAMP(3)
     WHERE IdentityHash = v_id AND Version = p_version;
    SELECT IF(ROW_COUNT() > 0, p_version + 1, p_version) AS NewGrainStateVersion;
END$$

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey',
 'SELECT PayloadBinary, Version FROM OrleansStorage
   WHERE IdentityHash = paygw_grain_identity(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString);'),
('WriteToStorageKey',
 'CALL paygw_grain_state_write(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
                               @GrainStateVersion, @PayloadBinary);'),
('ClearStorageKey',
 'CALL paygw_grain_state_clear(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
                               @GrainStateVersion);')
ON DUPLICATE KEY UPDATE QueryText = VALUES(QueryText)$$

DELIMITER ;
