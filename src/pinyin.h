/* pinyin.h: pinyin of Chinese names for search (zsf finds 张三丰).
 * The table of pinyin per Han character is built once, on first use, by ICU's
 * "Han-Latin; Latin-ASCII" transliterator over the CJK Unified Ideographs
 * block and Extension A; thread-safe (pthread_once). Characters that are not
 * Han are kept if ASCII letters or digits (lowercased; also their full-width
 * forms), in both the full pinyin and the initials, and dropped otherwise.
 * A name's first character, if it is one of a few surnames ICU reads by
 * another reading (单 shan, 曾 zeng, 解 xie, 仇 qiu, 翟 zhai, ...), gets its
 * surname reading. */
#ifndef QJ_PINYIN_H
#define QJ_PINYIN_H
#include <stddef.h>

/* Writes the full pinyin without tones or spaces ("zhangsanfeng") into zFull
 * and the initials ("zsf") into zInit, each truncated to fit its size
 * (NUL-terminated). zName is UTF-8. */
void pinyin_of(const char *zName, char *zFull, size_t nFull, char *zInit, size_t nInit);
#endif
