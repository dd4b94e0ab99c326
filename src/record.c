/* record.c: checking and normalizing declared fields; rows of values. */
#include "record.h"
#include "idcard.h"
#include "text.h"
#include "util.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A whole number written plainly (an optional '-', digits, at most 18). */
static int whole_number(const char *z, long long *pV) {
  const char *p = z[0] == '-' ? z + 1 : z;
  size_t n = strlen(p);
  if (n == 0 || n > 18 || strspn(p, "0123456789") != n) return -1;
  *pV = atoll(z);
  return 0;
}

static int has_control(const char *z) {
  for (; *z; z++)
    if ((unsigned char)*z < 0x20 || *z == 0x7f) return 1;
  return 0;
}

/* Multi-line text: \r\n becomes \n in place; true when any other control character is left. */
static int has_control_multiline(char *z) {
  char *w = z;
  for (const char *p = z; *p; p++) {
    if (p[0] == '\r' && p[1] == '\n') continue;
    *w++ = *p;
  }
  *w = 0;
  for (; *z; z++)
    if (((unsigned char)*z < 0x20 && *z != '\n') || *z == 0x7f) return 1;
  return 0;
}

int field_check(const Field *pF, const char *zIn, char **pzOut, const char **pzReason) {
  *pzOut = 0;
  *pzReason = 0;
  if (!zIn) return 0;
  if (!text_utf8_valid(zIn, strlen(zIn))) {
    *pzReason = "不是有效的 UTF-8 文本";
    return -1;
  }
  if (pF->type == FT_SECRET) {
    /* Taken exactly as sent: a password's spaces and full-width letters are its own. */
    if (!zIn[0]) return 0;
    if ((int)strlen(zIn) > pF->nMax) {
      *pzReason = "太长";
      return -1;
    }
    *pzOut = xstrdup(zIn);
    return 0;
  }
  if (pF->type == FT_LIST || pF->type == FT_ROWS) {
    *pzReason = "应为数组";
    return -1;
  }
  /* Free text keeps its full-width punctuation; values that are parsed fold it. */
  char *z = pF->type == FT_TEXT || pF->type == FT_ENUM ? text_normalize(zIn) : text_normalize_all(zIn);
  /* A leading ' is what our own CSV export adds before = + - @ to stop
   * formula injection: take it off again. */
  if (z[0] == '\'' && strchr("=+-@", z[1]) && z[1]) memmove(z, z + 1, strlen(z));
  if (!z[0]) {
    free(z);
    return 0;
  }
  int rc = 0;
  switch (pF->type) {
    case FT_TEXT:
      if ((pF->flags & F_MULTILINE) ? has_control_multiline(z) : has_control(z)) *pzReason = "含有控制字符", rc = -1;
      else if ((int)text_utf8_len(z) > pF->nMax) *pzReason = "太长", rc = -1;
      break;
    case FT_CODE:
      if ((int)text_utf8_len(z) > pF->nMax) *pzReason = "太长", rc = -1;
      else if (has_control(z) || strpbrk(z, " /?#%\\\"'<>")) *pzReason = "不能含空格或 / ? # % \\ \" ' < >", rc = -1;
      break;
    case FT_ENUM: {
      rc = -1;
      *pzReason = "不是允许的取值";
      for (int i = 0; pF->azEnum[i]; i++)
        if (strcmp(z, pF->azEnum[i]) == 0) rc = 0, *pzReason = 0;
      break;
    }
    case FT_DATE: {
      char zD[11];
      if (text_parse_date(z, zD)) *pzReason = "不是有效日期", rc = -1;
      else {
        free(z);
        z = xstrdup(zD);
      }
      break;
    }
    case FT_IDNUM: {
      char zId[19], zBirth[11];
      int bFemale;
      if (text_is_masked(z)) *pzReason = "是打码的号码，请用带完整号码的文件（导出时加 --reveal）", rc = -1;
      else if (idcard_parse(z, zId, zBirth, &bFemale, pzReason)) rc = -1;
      else {
        free(z);
        z = xstrdup(zId);
      }
      break;
    }
    case FT_PHONE:
      if (text_is_masked(z)) *pzReason = "是打码的号码", rc = -1;
      else if (text_phone_valid(z)) *pzReason = "不是有效的电话号码", rc = -1;
      break;
    case FT_BOOL:
      if (!strcmp(z, "是") || !strcmp(z, "true") || !strcmp(z, "1") || !strcasecmp(z, "Y")) {
        free(z);
        z = xstrdup("1");
      } else if (!strcmp(z, "否") || !strcmp(z, "false") || !strcmp(z, "0") || !strcasecmp(z, "N")) {
        free(z);
        z = xstrdup("0");
      } else {
        *pzReason = "应为“是”或“否”";
        rc = -1;
      }
      break;
    case FT_MONEY: {
      long long c;
      if (text_parse_money(z, &c)) *pzReason = "不是有效金额（元，最多两位小数）", rc = -1;
      else {
        free(z);
        z = xprintf("%lld", c);
      }
      break;
    }
    case FT_REGION:
      if (strlen(z) != 6 || strspn(z, "0123456789") != 6) *pzReason = "应为6位数字", rc = -1;
      else if (!idcard_province_valid(z)) *pzReason = "省级代码不存在", rc = -1;
      break;
    case FT_INT:
    case FT_YEAR:
    case FT_ID: {
      long long v;
      long long lo = pF->type == FT_ID ? 1 : pF->iMin, hi = pF->type == FT_ID ? (1LL << 53) : pF->iMax;
      if (pF->type == FT_YEAR && lo == 0 && hi == 0) lo = 1921, hi = 2100;
      if (whole_number(z, &v)) {
        *pzReason = pF->type == FT_ID ? "应为正整数（编号）" : pF->type == FT_YEAR ? "应为年份，如 2026" : "应为整数";
        rc = -1;
      } else if (v < lo || v > hi) {
        *pzReason = pF->type == FT_ID ? "应为正整数（编号）" : pF->type == FT_YEAR ? "不是允许范围内的年份" : "超出允许范围";
        rc = -1;
      } else {
        free(z);
        z = xprintf("%lld", v);
      }
      break;
    }
    case FT_TENTHS: {
      long long c;
      /* yuan with two decimals is the parser we have: tenths are cents with a 0 last */
      if (text_parse_money(z, &c) || c % 10) *pzReason = "应为最多一位小数的数", rc = -1;
      else if (c / 10 < pF->iMin || c / 10 > pF->iMax) *pzReason = "超出允许范围", rc = -1;
      else {
        free(z);
        z = xprintf("%lld", c / 10);
      }
      break;
    }
    case FT_MONTH: {
      char zD[16];
      if (!text_month_valid(z)) {
        *pzReason = "应为年月，如 2026-05";
        rc = -1;
      } else {
        snprintf(zD, sizeof zD, "%.7s", z);
        free(z);
        z = xstrdup(zD);
      }
      break;
    }
    case FT_TIME:
      if (!text_time_valid(z)) *pzReason = "应为 HH:MM", rc = -1;
      break;
    case FT_STAMP: {
      char zS[21];
      if (text_stamp_norm(z, zS)) *pzReason = "应为 UTC 时间，如 2026-06-30T08:00:00Z", rc = -1;
      else {
        free(z);
        z = xstrdup(zS);
      }
      break;
    }
    case FT_SECRET:
    case FT_LIST:
    case FT_ROWS:
      break;  /* handled above */
  }
  if (rc) {
    free(z);
    return -1;
  }
  *pzOut = z;
  return 0;
}

void rec_init(Rec *p, const Field *aField, int nField) {
  p->aField = aField;
  p->nField = nField;
  p->az = xcalloc((size_t)nField, sizeof(char *));
  p->aSet = xcalloc((size_t)nField, 1);
  p->aRows = xcalloc((size_t)nField, sizeof(RecRows));
}

static void rows_free(RecRows *p) {
  for (int k = 0; k < p->n; k++) rec_free(&p->a[k]);
  free(p->a);
  p->a = 0;
  p->n = 0;
}

void rec_clear(Rec *p) {
  for (int i = 0; i < p->nField; i++) {
    free(p->az[i]);
    p->az[i] = 0;
    p->aSet[i] = 0;
    rows_free(&p->aRows[i]);
  }
}

void rec_free(Rec *p) {
  if (!p->az) return;
  rec_clear(p);
  free(p->az);
  free(p->aSet);
  free(p->aRows);
  p->az = 0;
  p->aSet = 0;
  p->aRows = 0;
}

long long rec_int(const Rec *p, int i, long long dflt) { return p->az[i] ? atoll(p->az[i]) : dflt; }

const RecRows *rec_rows(const Rec *p, int i) { return &p->aRows[i]; }

int rec_find(const Field *aField, int nField, const char *zJson) {
  for (int i = 0; i < nField; i++)
    if (strcmp(aField[i].zJson, zJson) == 0) return i;
  return -1;
}

void rec_set(Rec *p, int i, char *z) {
  free(p->az[i]);
  p->az[i] = z;
  p->aSet[i] = 1;
}

const char *rec_get(const Rec *p, int i) { return p->az[i]; }

/* FT_LIST / FT_ROWS field i of p from the JSON array pArr. */
static int rows_from_json(Rec *p, int i, json_t *pArr, FieldErr *pErr) {
  const Field *pF = &p->aField[i];
  RecRows *pR = &p->aRows[i];
  rows_free(pR);
  if (json_is_null(pArr)) {
    p->aSet[i] = 1;
    return 0;
  }
  if (!json_is_array(pArr) || (int)json_array_size(pArr) > pF->nMax) {
    pErr->zCode = "invalid";
    snprintf(pErr->zMessage, sizeof pErr->zMessage, "%s：应为数组（最多 %d 项）", pF->zHeader, pF->nMax);
    return -1;
  }
  int n = (int)json_array_size(pArr);
  pR->a = xcalloc((size_t)n + 1, sizeof(Rec));
  p->aSet[i] = 1;
  for (int k = 0; k < n; k++) {
    json_t *v = json_array_get(pArr, (size_t)k);
    Rec *pRow = &pR->a[k];
    pR->n = k + 1;
    if (pF->type == FT_LIST) {
      /* A list of values: each is the one field aSub[0] of a row. */
      rec_init(pRow, pF->aSub, 1);
      json_t *o = json_object();
      json_object_set(o, pF->aSub[0].zJson, v);
      int rc = rec_from_json(pRow, o, pErr);
      json_decref(o);
      if (!rc && !pRow->az[0]) rc = field_err(pErr, 0, "invalid", "%s：第 %d 项为空", pF->zHeader, k + 1);
      if (rc) goto bad;
      continue;
    }
    rec_init(pRow, pF->aSub, pF->nSub);
    if (!json_is_object(v)) {
      field_err(pErr, -1, "invalid", "%s：第 %d 项应为对象", pF->zHeader, k + 1);
      goto bad;
    }
    if (rec_from_json(pRow, v, pErr) || rec_require(pRow, pErr)) goto bad;
  }
  return 0;
bad:
  /* The error names the inner field: its JSON name, since the index is of another list. */
  if (pErr->iField >= 0) {
    snprintf(pErr->zName, sizeof pErr->zName, "%s", pF->aSub[pErr->iField].zJson);
    pErr->iField = -1;
  } else if (!pErr->zName[0]) {
    snprintf(pErr->zName, sizeof pErr->zName, "%s", pF->zJson);
  }
  return -1;
}

int rec_from_json(Rec *p, json_t *pObj, FieldErr *pErr) {
  const char *zKey;
  json_t *pVal;
  json_object_foreach(pObj, zKey, pVal) {
    int i = rec_find(p->aField, p->nField, zKey);
    pErr->iField = i;
    pErr->zName[0] = 0;
    /* What the server gives out (an id, a status, a time stamp, counts,
     * names looked up) is never taken in: a client that sends it back is
     * told so, as for an unknown key, rather than silently ignored. */
    static const char *const azOutput[] = {"id", "updated_at", "created_at", "org_name", "status", "children_count",
                                           "member_count", "joint", "temporary", "project", 0};
    int bOutput = 0;
    for (int k = 0; i < 0 && azOutput[k]; k++) bOutput |= strcmp(zKey, azOutput[k]) == 0;
    if (bOutput || (i >= 0 && (p->aField[i].flags & F_READONLY))) {
      snprintf(pErr->zName, sizeof pErr->zName, "%s", zKey);
      pErr->iField = -1;
      pErr->zCode = "read_only";
      snprintf(pErr->zMessage, sizeof pErr->zMessage, "字段 %.100s 由系统生成，是只读的，请不要在请求中提交", zKey);
      return -1;
    }
    if (i < 0) {
      snprintf(pErr->zName, sizeof pErr->zName, "%s", zKey);
      pErr->zCode = "unknown_field";
      snprintf(pErr->zMessage, sizeof pErr->zMessage, "未知字段 %.100s", zKey);
      return -1;
    }
    const Field *pF = &p->aField[i];
    /* Numbers are JSON numbers: "50" for an amount is a client's mistake
     * (a form that sends text), not a value to guess at. Files (the
     * import) have only text and go through field_check directly. */
    int bNumeric = pF->type == FT_INT || pF->type == FT_ID || pF->type == FT_YEAR || pF->type == FT_TENTHS ||
                   pF->type == FT_MONEY;
    if (bNumeric && json_is_string(pVal)) {
      pErr->zCode = "invalid";
      snprintf(pErr->zMessage, sizeof pErr->zMessage, "%s：应为 JSON 数字，不是字符串", pF->zHeader);
      return -1;
    }
    char zNum[64];
    const char *zIn = 0;
    if (json_is_null(pVal)) zIn = 0;
    else if (json_is_string(pVal)) {
      zIn = json_string_value(pVal);
      if (strlen(zIn) != json_string_length(pVal)) {
        pErr->zCode = "invalid";
        snprintf(pErr->zMessage, sizeof pErr->zMessage, "%s：含有空字符", pF->zHeader);
        return -1;
      }
    } else if (pF->type == FT_LIST || pF->type == FT_ROWS) {
      if (rows_from_json(p, i, pVal, pErr)) return -1;
      continue;
    } else if ((pF->type == FT_INT || pF->type == FT_ID || pF->type == FT_YEAR) && json_is_integer(pVal)) {
      snprintf(zNum, sizeof zNum, "%lld", (long long)json_integer_value(pVal));
      zIn = zNum;
    } else if (pF->type == FT_TENTHS && json_is_number(pVal)) {
      double v = json_number_value(pVal);
      long long t = (long long)(v * 10 + (v < 0 ? -0.5 : 0.5));
      if (v * 10 - (double)t > 1e-6 || (double)t - v * 10 > 1e-6 || v > 1e12 || v < -1e12) {
        pErr->zCode = "invalid";
        snprintf(pErr->zMessage, sizeof pErr->zMessage, "%s：应为最多一位小数的数", pF->zHeader);
        return -1;
      }
      snprintf(zNum, sizeof zNum, "%lld.%lld", t / 10, (t < 0 ? -t : t) % 10);
      zIn = zNum;
    } else if (pF->type == FT_BOOL && json_is_boolean(pVal)) {
      zIn = json_is_true(pVal) ? "是" : "否";
    } else if (pF->type == FT_MONEY && json_is_number(pVal)) {
      double v = json_number_value(pVal);
      snprintf(zNum, sizeof zNum, "%.2f", v);
      if (v < 0 || v >= 1e9 || (double)(long long)(v * 100 + 0.5) - v * 100 > 1e-6 ||
          v * 100 - (double)(long long)(v * 100 + 0.5) > 1e-6) {
        pErr->zCode = "invalid";
        snprintf(pErr->zMessage, sizeof pErr->zMessage, "%s：不是有效金额（元，最多两位小数）", pF->zHeader);
        return -1;
      }
      zIn = zNum;
    } else {
      pErr->zCode = "invalid";
      snprintf(pErr->zMessage, sizeof pErr->zMessage, "%s：应为%s", pF->zHeader,
               pF->type == FT_BOOL                                                      ? " true 或 false"
               : pF->type == FT_MONEY || pF->type == FT_INT || pF->type == FT_TENTHS ? "数字"
               : pF->type == FT_ID                                                   ? "正整数（编号）"
               : pF->type == FT_YEAR                                                 ? "年份"
                                                                                     : "字符串");
      return -1;
    }
    char *zOut;
    const char *zReason;
    if (field_check(pF, zIn, &zOut, &zReason)) {
      pErr->zCode = "invalid";
      snprintf(pErr->zMessage, sizeof pErr->zMessage, "%s：%s", pF->zHeader, zReason);
      return -1;
    }
    rec_set(p, i, zOut);
  }
  return 0;
}

json_t *rec_json_value(const Rec *p, int i, int bReveal) {
  const Field *pF = &p->aField[i];
  const char *z = p->az[i];
  if (!z) return json_null();
  switch (pF->type) {
    case FT_BOOL: return json_boolean(strcmp(z, "1") == 0);
    case FT_MONEY: return json_real((double)atoll(z) / 100.0);
    case FT_INT:
    case FT_ID:
    case FT_YEAR: return json_integer(atoll(z));
    case FT_TENTHS: return json_real((double)atoll(z) / 10.0);
    default: break;
  }
  if ((pF->flags & F_PII) && !bReveal) {
    char *zM = pF->type == FT_IDNUM ? text_mask_id(z) : text_mask_phone(z);
    json_t *pJ = json_string(zM);
    free(zM);
    return pJ;
  }
  return json_string(z);
}

char *rec_cell(const Rec *p, int i, int bReveal) {
  const Field *pF = &p->aField[i];
  const char *z = p->az[i];
  if (!z) return 0;
  switch (pF->type) {
    case FT_BOOL: return xstrdup(strcmp(z, "1") == 0 ? "是" : "否");
    case FT_MONEY: {
      char zM[32];
      text_format_money(atoll(z), zM);
      return xstrdup(zM);
    }
    default: break;
  }
  if ((pF->flags & F_PII) && !bReveal) return pF->type == FT_IDNUM ? text_mask_id(z) : text_mask_phone(z);
  return xstrdup(z);
}

int field_err(FieldErr *pErr, int iField, const char *zCode, const char *zFmt, ...) {
  va_list ap;
  va_start(ap, zFmt);
  pErr->iField = iField;
  pErr->zName[0] = 0;
  pErr->zCode = zCode;
  vsnprintf(pErr->zMessage, sizeof pErr->zMessage, zFmt, ap);
  va_end(ap);
  return -1;
}

int rec_require(const Rec *p, FieldErr *pErr) {
  for (int i = 0; i < p->nField; i++) {
    const Field *pF = &p->aField[i];
    int bList = pF->type == FT_LIST || pF->type == FT_ROWS;
    if ((pF->flags & F_REQUIRED) && (bList ? !p->aSet[i] : !p->az[i]))
      return field_err(pErr, i, "required", "缺少%s", pF->zHeader);
  }
  return 0;
}
