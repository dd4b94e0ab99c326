/* test_pinyin.c: full pinyin and initials of names. */
#include "unit.h"
#include "pinyin.h"
#include <pthread.h>
#include <string.h>

static void check(const char *zName, const char *zFull, const char *zInit) {
  char aFull[64], aInit[32];
  pinyin_of(zName, aFull, sizeof(aFull), aInit, sizeof(aInit));
  assert_string_equal(aFull, zFull);
  assert_string_equal(aInit, zInit);
}

/* First use from several threads at once: the table is built once. */
static void *first_use(void *pArg) {
  char aFull[64], aInit[32];
  pinyin_of("张三丰", aFull, sizeof(aFull), aInit, sizeof(aInit));
  *(int *)pArg = strcmp(aFull, "zhangsanfeng") == 0 && strcmp(aInit, "zsf") == 0;
  return NULL;
}

static void test_threads(void **state) {
  (void)state;
  pthread_t at[4];
  int aOk[4] = {0};
  for (int i = 0; i < 4; i++) assert_int_equal(pthread_create(&at[i], NULL, first_use, &aOk[i]), 0);
  for (int i = 0; i < 4; i++) {
    pthread_join(at[i], NULL);
    assert_true(aOk[i]);
  }
}

static void test_names(void **state) {
  (void)state;
  check("张三丰", "zhangsanfeng", "zsf");
  check("李四", "lisi", "ls");
  check("王小明", "wangxiaoming", "wxm");
  check("欧阳修", "ouyangxiu", "oyx");
  check("诸葛亮", "zhugeliang", "zgl");
  check("吕布", "lubu", "lb"); /* ü comes out as u */
  check("赵钱孙李周吴郑王", "zhaoqiansunlizhouwuzhengwang", "zqslzwzw");
}

static void test_surnames(void **state) {
  (void)state;
  /* Family-name readings that differ from the commonest reading. */
  check("单田芳", "shantianfang", "stf");
  check("曾国藩", "zengguofan", "zgf");
  check("解缙", "xiejin", "xj");
  check("仇英", "qiuying", "qy");
  check("翟志刚", "zhaizhigang", "zzg");
  /* Only the first character is a surname: 单 later reads dan. */
  check("王单", "wangdan", "wd");
}

static void test_other_chars(void **state) {
  (void)state;
  check("", "", "");
  check("Tom", "tom", "tom");
  check("李A2", "lia2", "la2");
  check("ＡＢ李", "abli", "abl");     /* full-width letters */
  check("阿依古丽·买买提", "ayiguli" "maimaiti", "ayglmmt");
  check("张 三", "zhangsan", "zs");
  check("\xE3\x90\x80", "qiu", "q"); /* U+3400, Extension A */
  check("😀张", "zhang", "z");       /* outside the table: dropped */
  check("\xFF\xFE张", "zhang", "z");  /* stray bytes: dropped */
}

static void test_truncation(void **state) {
  (void)state;
  char aFull[6], aInit[3];
  pinyin_of("张三丰", aFull, sizeof(aFull), aInit, sizeof(aInit));
  assert_string_equal(aFull, "zhang");
  assert_string_equal(aInit, "zs");
  char aOne[1] = {'x'};
  pinyin_of("张三丰", aOne, 1, aOne, 1);
  assert_int_equal(aOne[0], 0);
  pinyin_of("张三丰", NULL, 0, NULL, 0); /* nothing written */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_threads),     cmocka_unit_test(test_names),
      cmocka_unit_test(test_surnames),    cmocka_unit_test(test_other_chars),
      cmocka_unit_test(test_truncation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
