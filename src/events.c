/* events.c: per-thread notes of committed changes, handed to listeners. */
#include "events.h"
#include "module.h"
#include "util.h"
#include <stdlib.h>

#define EVENTS_MAX 100000   /* more than this in one transaction: EV_ALL */

static _Thread_local long long *taId[EV_ALL];
static _Thread_local int tnId[EV_ALL], tnAlloc[EV_ALL];
static _Thread_local int tbAll;

/* 1 if any module follows committed changes. */
static int any_listener(void) {
  for (int m = 0; m < module_n; m++)
    if (module_ap[m]->xListener) return 1;
  return 0;
}

static void notify(EventKind kind, const long long *aId, int nId) {
  for (int m = 0; m < module_n; m++)
    if (module_ap[m]->xListener) module_ap[m]->xListener(kind, aId, nId);
}

void events_note(EventKind kind, long long id) {
  if (!any_listener()) return;
  if (kind == EV_ALL || tbAll) {
    tbAll = 1;
    return;
  }
  if (tnId[kind] + 1 > EVENTS_MAX) {
    tbAll = 1;
    return;
  }
  if (tnId[kind] == tnAlloc[kind]) {
    tnAlloc[kind] = tnAlloc[kind] ? tnAlloc[kind] * 2 : 16;
    taId[kind] = xrealloc(taId[kind], (size_t)tnAlloc[kind] * sizeof(long long));
  }
  taId[kind][tnId[kind]++] = id;
}

static void events_clear(void) {
  for (int k = 0; k < EV_ALL; k++) {
    free(taId[k]);
    taId[k] = 0;
    tnId[k] = tnAlloc[k] = 0;
  }
  tbAll = 0;
}

void events_commit(void) {
  if (tbAll) {
    notify(EV_ALL, 0, 0);
  } else {
    for (int k = 0; k < EV_ALL; k++)
      if (tnId[k])
        notify((EventKind)k, taId[k], tnId[k]);
  }
  events_clear();
}

void events_rollback(void) { events_clear(); }
