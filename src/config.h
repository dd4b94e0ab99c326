/* config.h: the operator's settings. A setting is a lower-case key
 * ("listen", "trusted_proxy"); its value comes from, in this order of
 * precedence, the command line (where a verb has an option of that name),
 * the environment variable QIANGJI_<KEY> (upper case), the config file
 * (config_load), or the caller's default.
 *
 * The config file is `key = value` lines; blank lines and lines starting
 * with # are skipped, and so is a # preceded by a space and all after it.
 * Every key is declared in the table of config.c (name, default, the kind
 * of value, a sentence of help): an unknown key, a line without "=", a key
 * given twice or a value of the wrong kind stops the program with a Chinese
 * message naming the file and the line. The values of QIANGJI_<KEY> are
 * checked the same way. The file is the one --config names (anywhere on the
 * command line), else $QIANGJI_CONFIG, else QJ_CONFIG_FILE
 * (/etc/qiangji/qiangji.conf, set at build time) when it exists. */
#ifndef QJ_CONFIG_H
#define QJ_CONFIG_H
#include <stddef.h>

/* The setting's value, or NULL when neither the environment nor the config
 * file sets it. The pointer stays valid until the process ends. */
const char *config_get(const char *zKey);
/* The setting as an integer, or iDefault when unset. A value may end in K,
 * M or G (times 1024, 1024², 1024³): "64M". */
long long config_int(const char *zKey, long long iDefault);

/* Reads the config file zPath into the settings (replacing what an earlier
 * call read) and checks the environment's QIANGJI_<KEY> values. A missing
 * file is an error when bRequired, else nothing is read. Returns 0, or -1
 * with *pzErr a Chinese message naming the file and line (caller frees). */
int config_load(const char *zPath, int bRequired, char **pzErr);
/* Forgets what config_load read (for tests). */
void config_reset(void);
/* The file config_load read last, or NULL for none. */
const char *config_file(void);
/* Takes --config FILE (or --config=FILE) out of argv wherever it stands,
 * then loads that file (which must exist), else $QIANGJI_CONFIG (must
 * exist), else the default file if it exists. Returns 0, or 2 after
 * printing the message. */
int config_args(int *pArgc, char **argv);

/* The declared keys, for help and the man page: the i-th key's name,
 * default (as written in the file; "" for none) and help; 0 past the end. */
int config_key(int i, const char **pzName, const char **pzDefault, const char **pzHelp);
/* 1 if zKey is a declared key. */
int config_is_key(const char *zKey);

/* What the server enforces, from the keys or the declared defaults. */
size_t config_body_limit(void);    /* body_limit: a JSON body, bytes */
size_t config_upload_limit(void);  /* upload_limit: an uploaded file (an import), bytes */
int config_session_seconds(void);  /* session_hours, in seconds */
#endif
