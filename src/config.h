/* config.h: the operator's settings. A setting is a lower-case key
 * ("listen", "trusted_proxy"); its value comes from, in this order of
 * precedence, the command line (where a verb has an option of that name),
 * the environment variable QIANGJI_<KEY> (upper case), the config file
 * (config_load), or the caller's default. */
#ifndef QJ_CONFIG_H
#define QJ_CONFIG_H

/* The setting's value, or NULL when neither the environment nor the config
 * file sets it. The pointer stays valid until the process ends. */
const char *config_get(const char *zKey);
/* The setting as an integer, or iDefault when unset. */
long long config_int(const char *zKey, long long iDefault);
#endif
