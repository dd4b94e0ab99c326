/* schema.h: the versioned schema. Migration i (1-based) takes the database
 * from user_version i-1 to i; db_open runs the pending ones in one
 * transaction. A new module appends migrations, never edits old ones. */
#ifndef QJ_SCHEMA_H
#define QJ_SCHEMA_H
extern const char *const schema_aMigration[];
extern const int schema_nMigration;

/* A module's own migrations (Module.azMigration) are numbered from 1 within
 * the module; the version each module has reached is kept in the table
 * qj_module. Modules are migrated after the core, in the order of modules.c. */

/* Opens the database at zPath (bCreate: creates it) and brings it up to
 * date: what the CLI and the server open with. 0, or -1 with a message. */
int schema_open(const char *zPath, int bCreate);
/* Brings a database at core version v up to date, core and modules, in one
 * transaction. 0, or -1 with a message on stderr (nothing changed). */
int schema_migrate(int v);
#endif
