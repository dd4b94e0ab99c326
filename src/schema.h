/* schema.h: the versioned schema. Migration i (1-based) takes the database
 * from user_version i-1 to i; db_open runs the pending ones in one
 * transaction. A new module appends migrations, never edits old ones. */
#ifndef QJ_SCHEMA_H
#define QJ_SCHEMA_H
extern const char *const schema_aMigration[];
extern const int schema_nMigration;
#endif
