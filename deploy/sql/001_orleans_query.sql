-- The one table whose name Orleans hard-codes. Every ADO.NET provider loads its SQL from here once per process.
-- QueryKey is the primary key: a duplicate key breaks clustering and reminders at start.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    QueryText TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    PRIMARY KEY (QueryKey)
) ENGINE = InnoDB;

-- Applied migrations. The runner records each file with its checksum; an edited applied file is refused.
CREATE TABLE IF NOT EXISTS paygw_schema_migration
(
    version    INT          NOT NULL,
    name       VARCHAR(200) NOT NULL,
    checksum   CHAR(64)     NOT NULL,
    applied_at DATETIME(3)  NOT NULL,
    PRIMARY KEY (version)
) ENGINE = InnoDB;
