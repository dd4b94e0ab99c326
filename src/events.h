/* events.h: committed changes, for the parts of the program that keep state
 * derived from the database in memory (the statistics index).
 *
 * A writer notes what it changed inside its transaction (events_note); when
 * db_commit succeeds the notes go to every listener of modules.c, in one
 * batch per kind; db_rollback drops them. Notes are per thread, like the
 * connection and its transaction. A bulk change (an import) notes EV_ALL
 * instead of each row: listeners then rebuild from the database. */
#ifndef QJ_EVENTS_H
#define QJ_EVENTS_H

typedef enum EventKind {
  EV_MEMBER,   /* a member row was inserted, changed or deleted: id is member.id */
  EV_ORG,      /* an organization was inserted or changed in place: id is org.id */
  EV_TREE,     /* an organization moved (paths changed): id is org.id */
  EV_FIGURE,   /* an audited change named this organization (audit_append): id is org.id */
  EV_ALL,      /* too much to list: rebuild everything (id 0) */
} EventKind;

/* Called after a commit with the ids noted for one kind (EV_ALL: none). */
typedef void (*EventListener)(EventKind kind, const long long *aId, int nId);

void events_note(EventKind kind, long long id);
/* For db.c: after a successful COMMIT, and on ROLLBACK. */
void events_commit(void);
void events_rollback(void);
#endif
