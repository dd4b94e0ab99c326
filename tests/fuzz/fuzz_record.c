/* fuzz_record.c: JSON request bodies into declared fields: the member and
 * organization fields, and a table with every other type (numbers, years,
 * months, ids, tenths, times, moments, secrets, lists and rows), through
 * jansson parsing, rec_from_json, rec_require and field_check. */
#include "member.h"
#include "org.h"
#include "record.h"
#include <stdint.h>
#include <stdlib.h>

static const Field aRow[] = {
  {"member_id", "党员", FT_ID, F_REQUIRED | F_MEMBERREF, 0, 0, 0, 0, 0, 0, 0},
  {"hours", "学时", FT_TENTHS, 0, 0, 0, 0, 1000, 0, 0, 0},
};
static const Field aCode = {"code", "组织", FT_CODE, 0, 32, 0, 0, 0, 0, 0, 0};
static const Field aOther[] = {
  {"n", "人数", FT_INT, F_REQUIRED, 0, 0, -5, 50, 0, 0, 0},
  {"year", "年度", FT_YEAR, 0, 0, 0, 0, 0, 0, 0, 0},
  {"month", "月份", FT_MONTH, 0, 0, 0, 0, 0, 0, 0, 0},
  {"id", "编号", FT_ID, 0, 0, 0, 0, 0, 0, 0, 0},
  {"at", "时间", FT_TIME, 0, 0, 0, 0, 0, 0, 0, 0},
  {"opens", "开始", FT_STAMP, 0, 0, 0, 0, 0, 0, 0, 0},
  {"pw", "密码", FT_SECRET, 0, 64, 0, 0, 0, 0, 0, 0},
  {"orgs", "组织", FT_LIST, 0, 8, 0, 0, 0, &aCode, 1, 0},
  {"items", "出席", FT_ROWS, 0, 8, 0, 0, 0, aRow, 2, 0},
};

int LLVMFuzzerTestOneInput(const uint8_t *a, size_t n) {
  json_t *p = json_loadb((const char *)a, n, JSON_REJECT_DUPLICATES, 0);
  if (!p) return 0;
  if (json_is_object(p)) {
    Rec r;
    FieldErr fe;
    if (n % 3 == 2) rec_init(&r, aOther, (int)(sizeof aOther / sizeof aOther[0]));
    else rec_init(&r, n % 3 ? member_aField : org_aField, n % 3 ? M_NFIELD : ORG_NFIELD);
    if (rec_from_json(&r, p, &fe) == 0 && rec_require(&r, &fe) <= 0) {
      for (int i = 0; i < r.nField; i++) {
        if (r.aField[i].type == FT_LIST || r.aField[i].type == FT_ROWS) continue;
        json_decref(rec_json_value(&r, i, 0));
        free(rec_cell(&r, i, 0));
      }
    }
    rec_free(&r);
  }
  json_decref(p);
  return 0;
}
