/* ui.h: the browser UI's static files (ui.c). */
#ifndef QJ_UI_H
#define QJ_UI_H
#include "api.h"

/* Answers a GET or HEAD outside /api/: a file of the UI directory
 * ($QIANGJI_UI_DIR, else ui/ beside the binary), or index.html for a path
 * that names no file, or 404. Never reads outside that directory. */
void ui_serve(Req *r);
#endif
