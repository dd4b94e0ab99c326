/* record.c: checking and normalizing declared fields; rows of values. */
#include "record.h"
#include "idcard.h"
#include "text.h"
#include "util.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int has_control(const char *z) {
  for (; *z; z++)
    if ((unsigned char)*z < 0x20 || *z == 0x7f) return 1;
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
      if (has_control(z)) *pzReason = "含有控制字符", rc = -1;
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
}

void rec_clear(Rec *p) {
  for (int i = 0; i < p->nField; i++) {
    free(p->az[i]);
    p->az[i] = 0;
    p->aSet[i] = 0;
  }
}

void rec_free(Rec *p) {
  if (!p->az) return;
  rec_clear(p);
  free(p->az);
  free(p->aSet);
  p->az = 0;
  p->aSet = 0;
}

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

int rec_from_json(Rec *p, json_t *pObj, FieldErr *pErr) {
  const char *zKey;
  json_t *pVal;
  json_object_foreach(pObj, zKey, pVal) {
    int i = rec_find(p->aField, p->nField, zKey);
    pErr->iField = i;
    pErr->zName[0] = 0;
    if (i < 0) {
      static const char *const azOutput[] = {"id", "updated_at", "org_name", "status", "children_count",
                                             "member_count", "joint", "temporary", "project", 0};
      int bOutput = 0;
      for (int k = 0; azOutput[k]; k++) bOutput |= strcmp(zKey, azOutput[k]) == 0;
      if (bOutput) continue;
      snprintf(pErr->zName, sizeof pErr->zName, "%s", zKey);
      pErr->zCode = "unknown_field";
      snprintf(pErr->zMessage, sizeof pErr->zMessage, "未知字段 %.100s", zKey);
      return -1;
    }
    const Field *pF = &p->aField[i];
    if (pF->flags & F_READONLY) continue;
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
               pF->type == FT_BOOL ? " true 或 false" : pF->type == FT_MONEY ? "数字" : "字符串");
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
  for (int i = 0; i < p->nField; i++)
    if ((p->aField[i].flags & F_REQUIRED) && !p->az[i])
      return field_err(pErr, i, "required", "缺少%s", p->aField[i].zHeader);
  return 0;
}
