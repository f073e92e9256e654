-- Order and transfer state in a table of their own (issue 7, docs/performance.md "Projected state table").
--
-- The triggers that project order and transfer state into paygw_order, paygw_refund and paygw_transfer sat on
-- OrleansStorage, so every state write paid for them, a merchant's key grain or an app's settings as much as an
-- order. MariaDB opens and pre-locks every table and routine a trigger can reach before the statement runs,
-- whichever branch the trigger then takes. Measured with the same procedure on two tables (64 connections, 1 KB
-- states, interleaved 3 s slices): 0.165 ms of mariadbd CPU per update with the triggers on the table, 0.141 ms
-- without, and 11 % more updates per second.
--
-- Now the states that are projected (GrainTypeString 'order' and 'transfer') live in paygw_projected_state, which
-- carries the triggers; every other state stays in OrleansStorage, which carries none. The write and clear
-- procedures pick the table by state name. Inside a procedure each statement opens only its own tables when it runs,
-- so the branch not taken costs nothing. Rows, keys and versions move unchanged: nothing is re-projected.
--
-- Also: the membership version row is created with INSERT IGNORE. The conditional INSERT ... SELECT ... WHERE NOT
-- EXISTS took a shared gap lock for the NOT EXISTS read, so two silos starting together could deadlock on it
-- (seen once in CI: error 1213 from InsertMembershipVersionKey). The primary key decides which insert wins.

CREATE TABLE IF NOT EXISTS paygw_projected_state LIKE OrleansStorage;

DROP TRIGGER IF EXISTS paygw_order_projection_insert;
DROP TRIGGER IF EXISTS paygw_order_projection_update;

-- Moved before the triggers exist on the new table: the projections already hold these rows. IGNORE makes a
-- re-run after an interrupted migration skip the rows it already copied (the same bytes: no value is converted).
INSERT IGNORE INTO paygw_projected_state
SELECT * FROM OrleansStorage WHERE GrainTypeString IN ('order', 'transfer');
DELETE FROM OrleansStorage WHERE GrainTypeString IN ('order', 'transfer');

DELIMITER $$

-- The bodies are those of 008 (insert) and 009 (update); only the table changed.
CREATE OR REPLACE TRIGGER paygw_order_projection_insert AFTER INSERT ON paygw_projected_state FOR EACH ROW
BEGIN
    IF NEW.PayloadBinary IS NOT NULL THEN
        IF NEW.GrainTypeString = 'order' THEN
            CALL paygw_project_order(NEW.PayloadBinary, NEW.Version);
        ELSEIF NEW.GrainTypeString = 'transfer' THEN
            CALL paygw_project_transfer(NEW.PayloadBinary, NEW.Version);
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
        END IF;
    END IF;
END$$

-- Same contract and statements as 007; the table is chosen by state name. Each result SELECT follows its own
-- statement directly, so ROW_COUNT() is that statement's.
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
        IF p_type IN ('order', 'transfer') THEN
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
        IF p_type IN ('order', 'transfer') THEN
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
    IF p_type IN ('order', 'transfer') THEN
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

-- Still one primary-key probe: the optimizer sees the state-name conditions as constants and skips the other table.
UPDATE OrleansQuery SET QueryText =
'SELECT PayloadBinary, Version FROM OrleansStorage
  WHERE IdentityHash = UNHEX(SHA2(CONCAT_WS(CHAR(31), @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
                                           IFNULL(CONCAT(''E'', @GrainIdExtensionString), ''N'')), 256))
    AND @GrainTypeString NOT IN (''order'', ''transfer'')
UNION ALL
SELECT PayloadBinary, Version FROM paygw_projected_state
  WHERE IdentityHash = UNHEX(SHA2(CONCAT_WS(CHAR(31), @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
                                           IFNULL(CONCAT(''E'', @GrainIdExtensionString), ''N'')), 256))
    AND @GrainTypeString IN (''order'', ''transfer'');'
 WHERE QueryKey = 'ReadFromStorageKey'$$

UPDATE OrleansQuery SET QueryText =
'INSERT IGNORE INTO OrleansMembershipVersionTable (DeploymentId, Timestamp, Version)
 VALUES (@DeploymentId, UTC_TIMESTAMP(3), 0);
 SELECT ROW_COUNT() > 0 AS Created;'
 WHERE QueryKey = 'InsertMembershipVersionKey'$$

DELIMITER ;
