/* unit.h: what every cmocka unit test includes, in the order cmocka needs. */
#ifndef QJ_UNIT_H
#define QJ_UNIT_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#endif
