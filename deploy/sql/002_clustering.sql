-- Orleans clustering (membership) for the ADO.NET provider, written from the provider contract.
-- Identity columns are utf8mb4_bin: cluster ids differing in case are different clusters.

CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    Timestamp    DATETIME(3) NOT NULL,
    Version      INT         NOT NULL,
    PRIMARY KEY (DeploymentId)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    Address      VARCHAR(45) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    Port         INT          NOT NULL,
    Generation   INT          NOT NULL,
    SiloName     VARCHAR(150) CHARACTER SET utf8mb4 NOT NULL,
    HostName     VARCHAR(150) CHARACTER SET utf8mb4 NOT NULL,
    Status       INT          NOT NULL,
    ProxyPort    INT          NULL,
    SuspectTimes VARCHAR(8000) CHARACTER SET ascii NULL,
    StartTime    DATETIME(3)  NOT NULL,
    IAmAliveTime DATETIME(3)  NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
) ENGINE = InnoDB;

DELIMITER $$

-- Insert a member only when the table version is the one the silo read, and bump the version, atomically.
CREATE OR REPLACE PROCEDURE paygw_membership_insert(
    IN p_deployment_id VARCHAR(150), IN p_address VARCHAR(45), IN p_port INT, IN p_generation INT,
    IN p_silo_name VARCHAR(150), IN p_host_name VARCHAR(150), IN p_status INT, IN p_proxy_port INT,
    IN p_start_time DATETIME(3), IN p_i_am_alive_time DATETIME(3), IN p_version INT)
BEGIN
    DECLARE v_done INT DEFAULT 0;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    START TRANSACTION;
    -- The version row update takes the row lock that serialises every membership change of this cluster.
    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1, Timestamp = UTC_TIMESTAMP(3)
     WHERE DeploymentId = p_deployment_id AND Version = p_version;
    IF ROW_COUNT() = 1 AND NOT EXISTS (
        SELECT 1 FROM OrleansMembershipTable
         WHERE DeploymentId = p_deployment_id AND Address = p_address AND Port = p_port AND Generation = p_generation) THEN
        INSERT INTO OrleansMembershipTable
            (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
        VALUES
            (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port,
             p_start_time, p_i_am_alive_time);
        SET v_done = 1;
    END IF;
    IF v_done = 1 THEN COMMIT; ELSE ROLLBACK; END IF;
    SELECT v_done AS Result;
END$$

-- Update a member's status and suspicions only when the table version is the one the silo read.
CREATE OR REPLACE PROCEDURE paygw_membership_update(
    IN p_deployment_id VARCHAR(150), IN p_address VARCHAR(45), IN p_port INT, IN p_generation INT,
    IN p_status INT, IN p_suspect_times VARCHAR(8000), IN p_i_am_alive_time DATETIME(3), IN p_version INT)
BEGIN
    DECLARE v_done INT DEFAULT 0;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    START TRANSACTION;
    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1, Timestamp = UTC_TIMESTAMP(3)
     WHERE DeploymentId = p_deployment_id AND Version = p_version;
    IF ROW_COUNT() = 1 AND EXISTS (
        SELECT 1 FROM OrleansMembershipTable
         WHERE DeploymentId = p_deployment_id AND Address = p_address AND Port = p_port AND Generation = p_generation) THEN
        UPDATE OrleansMembershipTable
           SET Status = p_status, SuspectTimes = p_suspect_times, IAmAliveTime = p_i_am_alive_time
         WHERE DeploymentId = p_deployment_id AND Address = p_address AND Port = p_port AND Generation = p_generation;
        SET v_done = 1;
    END IF;
    IF v_done = 1 THEN COMMIT; ELSE ROLLBACK; END IF;
    SELECT v_done AS Result;
END$$

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey',
 'INSERT INTO OrleansMembershipVersionTable (DeploymentId, Timestamp, Version)
  SELECT @DeploymentId, UTC_TIMESTAMP(3), 0 FROM DUAL
   WHERE NOT EXISTS (SELECT 1 FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId);
  SELECT ROW_COUNT() > 0 AS Created;'),
('MembershipReadAllKey',
 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
         m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
   WHERE v.DeploymentId = @DeploymentId;'),
('MembershipReadRowKey',
 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
         m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m
      ON m.DeploymentId = v.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
   WHERE v.DeploymentId = @DeploymentId;'),
('InsertMembershipKey',
 'CALL paygw_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
                               @ProxyPort, @StartTime, @IAmAliveTime, @Version);'),
('UpdateMembershipKey',
 'CALL paygw_membership_update(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
                               @IAmAliveTime, @Version);'),
('UpdateIAmAlivetimeKey',
 'UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime
   WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;'),
('GatewaysQueryKey',
 'SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
   WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;'),
('DeleteMembershipTableEntriesKey',
 'DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
  DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;'),
('CleanupDefunctSiloEntriesKey',
 'DELETE FROM OrleansMembershipTable
   WHERE DeploymentId = @DeploymentId AND Status = 6
     AND IAmAliveTime < @IAmAliveTime AND StartTime < @IAmAliveTime;')
ON DUPLICATE KEY UPDATE QueryText = VALUES(QueryText)$$

DELIMITER ;
