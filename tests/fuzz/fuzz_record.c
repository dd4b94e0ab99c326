/* fuzz_record.c: JSON request bodies into declared member and organization
 * fields (jansson parsing, rec_from_json, field_check of every type). */
#include "member.h"
#include "org.h"
#include "record.h"
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *a, size_t n) {
  json_t *p = json_loadb((const char *)a, n, JSON_REJECT_DUPLICATES, 0);
  if (!p) return 0;
  if (json_is_object(p)) {
    Rec r;
    FieldErr fe;
    rec_init(&r, n % 2 ? member_aField : org_aField, n % 2 ? M_NFIELD : ORG_NFIELD);
    if (rec_from_json(&r, p, &fe) == 0) {
      for (int i = 0; i < r.nField; i++) {
        json_decref(rec_json_value(&r, i, 0));
        free(rec_cell(&r, i, 0));
      }
    }
    rec_free(&r);
  }
  json_decref(p);
  return 0;
}
