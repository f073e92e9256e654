-- Orleans reminders for the ADO.NET provider, written from the provider contract.
-- GrainHash is signed (GrainId.GetUniformHashCode cast to int): range queries compare signed.
CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    GrainId      VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    ReminderName VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    StartTime    DATETIME(3)  NOT NULL,
    Period       BIGINT       NOT NULL,
    GrainHash    INT          NOT NULL,
    Version      INT          NOT NULL,
    PRIMARY KEY (ServiceId, GrainId, ReminderName),
    KEY IX_OrleansReminders_Hash (ServiceId, GrainHash)
) ENGINE = InnoDB;

DELIMITER $$

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpsertReminderRowKey',
 'INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
  VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
  ON DUPLICATE KEY UPDATE StartTime = @StartTime, Period = @Period, GrainHash = @GrainHash, Version = Version + 1;
  SELECT Version FROM OrleansRemindersTable
   WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName;'),
('ReadReminderRowsKey',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
   WHERE ServiceId = @ServiceId AND GrainId = @GrainId;'),
('ReadReminderRowKey',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
   WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName;'),
('ReadRangeRows1Key',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
   WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash;'),
('ReadRangeRows2Key',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
   WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);'),
('DeleteReminderRowKey',
 'DELETE FROM OrleansRemindersTable
   WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version;
  SELECT ROW_COUNT() > 0 AS Deleted;'),
('DeleteReminderRowsKey',
 'DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;')
ON DUPLICATE KEY UPDATE QueryText = VALUES(QueryText)$$

DELIMITER ;
