/* meeting.h: organizational life (组织生活): meetings of every kind, attendance,
 * party groups, branch committees, remote check-in, attachments; and the
 * helpers the obligations, points, training and demo parts share.
 *
 * Derived summaries, kept in the same transaction as the records they come
 * from, so that a province-wide report reads a few rows per branch and one
 * row per member instead of every attendance record:
 *   life_org_year(year, org_id, kind, group_id, cnt_a, cnt_b, early, nonquorate)
 *     meetings held per month (packed, see LIFE_PACK), months with a meeting
 *     in its first LIFE_GRACE_DAYS days, months with a non-quorate committee
 *     meeting (bit m-1 for month m);
 *   life_member_year(year, member_id, life_a, life_b, leave_a, leave_b, lect_a, lect_b)
 *     per member and month: meetings attended (present or online), excused
 *     absences (on leave), lectures attended.
 * Monthly counts are packed 10 bits a month: months 1-6 in *_a, 7-12 in *_b. */
#ifndef QJ_MEETING_H
#define QJ_MEETING_H
#include "api.h"
#include "record.h"
#include "cli.h"

#define LIFE_NKIND 9
#define LIFE_GRACE_DAYS 10
extern const char *const life_azKind[LIFE_NKIND + 1];    /* assembly, committee, ... NULL */
extern const char *const life_azKindName[LIFE_NKIND + 1];
/* Index of a meeting kind in life_azKind, or -1. */
int life_kind_index(const char *zKind);

/* Packed monthly counts: the shift of month m (1..12) within its half. */
#define LIFE_SHIFT(m) (10 * (((m) - 1) % 6))
/* The count of month m from the two halves. */
static inline int life_month_count(long long a, long long b, int m) {
  return (int)(((m <= 6 ? a : b) >> LIFE_SHIFT(m)) & 1023);
}

/* life_member_mask(year, member_id, mask): per member and year, bit m-1
 * for a month m with organizational life (attended, or excused on leave),
 * bit 11+m for a month with a lecture attended (SQL gives <<, >>, & and | one
 * precedence: every term is in parentheses). Derived from
 * life_member_year by this SQL expression over its columns, and kept narrow
 * so that the whole province's roster of months is one short scan. */
#define LIFE_MASK_SQL \
  "((((((life_a>>0)&1023)|((leave_a>>0)&1023))>0)<<0)|" \
  "(((((life_a>>10)&1023)|((leave_a>>10)&1023))>0)<<1)|" \
  "(((((life_a>>20)&1023)|((leave_a>>20)&1023))>0)<<2)|" \
  "(((((life_a>>30)&1023)|((leave_a>>30)&1023))>0)<<3)|" \
  "(((((life_a>>40)&1023)|((leave_a>>40)&1023))>0)<<4)|" \
  "(((((life_a>>50)&1023)|((leave_a>>50)&1023))>0)<<5)|" \
  "(((((life_b>>0)&1023)|((leave_b>>0)&1023))>0)<<6)|" \
  "(((((life_b>>10)&1023)|((leave_b>>10)&1023))>0)<<7)|" \
  "(((((life_b>>20)&1023)|((leave_b>>20)&1023))>0)<<8)|" \
  "(((((life_b>>30)&1023)|((leave_b>>30)&1023))>0)<<9)|" \
  "(((((life_b>>40)&1023)|((leave_b>>40)&1023))>0)<<10)|" \
  "(((((life_b>>50)&1023)|((leave_b>>50)&1023))>0)<<11)|((((lect_a>>0)&1023)>0)<<12)|" \
  "((((lect_a>>10)&1023)>0)<<13)|((((lect_a>>20)&1023)>0)<<14)|((((lect_a>>30)&1023)>0)<<15)|" \
  "((((lect_a>>40)&1023)>0)<<16)|((((lect_a>>50)&1023)>0)<<17)|((((lect_b>>0)&1023)>0)<<18)|" \
  "((((lect_b>>10)&1023)>0)<<19)|((((lect_b>>20)&1023)>0)<<20)|((((lect_b>>30)&1023)>0)<<21)|" \
  "((((lect_b>>40)&1023)>0)<<22)|((((lect_b>>50)&1023)>0)<<23))"

/* Adds (nSign +1 or -1) one attendance in state zState at a meeting of kind
 * zKind held on zHeldOn to the member's yearly summary. 0 or -1. */
int life_member_delta(long long memberId, const char *zHeldOn, const char *zKind, const char *zState, int nSign);
/* Recomputes the organization's meeting summary for one year. 0 or -1. */
int life_org_refresh(long long orgId, int year);
/* Recomputes every summary from the records (`qiangji life rebuild`). 0 or -1. */
int life_rebuild(void);
/* A member who leaves branch orgId (a transfer, a change of organization by
 * any route or import, a transfer out of the system) leaves its committee
 * (支委会) and party groups (党小组), as member and as group leader
 * (meeting_group.c). Each change is audited (the committee and each group,
 * before and after) and the member gets an entry `leave_posts` (what they
 * held, and the day zOn, NULL for today) that their history lists. zActor
 * NULL: "system". Inside the caller's transaction; nothing is written when
 * the member held nothing there. 0 or -1. */
int group_member_leaves(long long memberId, long long orgId, const char *zOn, const char *zActor);
/* The lights of the subtree at zPath over [zFrom, zTo] (obligations.c), as
 * GET /orgs/{code}/obligations counts them: *pnBranch branches, *pnRed
 * organizations with a missing meeting, *pnAmber with another finding; the
 * other branches are green. 0 or -1. */
int obligations_lights(const char *zPath, const char *zFrom, const char *zTo, long long *pnBranch, long long *pnRed,
                       long long *pnAmber);

/* ---- checks shared by the organizational-life routes ---------------------- */
/* Checks member id is an active member of branch orgId (bSubtree: of the
 * subtree at orgId). Unknown or outside the user's subtree: 404 not_found;
 * elsewhere: 400 invalid. Field zField names it in the error. 0 or -1. */
int life_check_member(Req *r, const char *zField, long long memberId, long long orgId, int bSubtree);
/* The year of a date. */
int life_year_of(const char *zDate);
/* The organization that launched campaign id (a Field's xOrgOf, training.c). */
int training_campaign_org(long long id, long long *pOrgId);
/* Attendance items or group members in one request body, at most. */
#define LIFE_MAX_ITEMS 2000

/* The organization of meeting zParam (a route's xOrgOf). 0, or -1 if none. */
int life_meeting_org(const char *zParam, long long *pOrgId);
/* Period of a query: from/to dates (YYYY-MM-DD) or a year. Fills zFrom/zTo
 * (11 bytes); 0, or -1 answered. */
int life_query_period(Req *r, char *zFrom, char *zTo);

/* An ISO-8601 UTC timestamp "YYYY-MM-DDTHH:MM[:SS[.fff]]Z" written into z
 * as "YYYY-MM-DDTHH:MM:SSZ" (fractions dropped). 0, or -1 when it is not one. */
int life_stamp_norm(const char *zIn, char z[21]);
/* The type of an attachment by its first bytes: "application/pdf",
 * "image/png", "image/jpeg", "image/gif", "image/webp", or NULL. */
const char *life_sniff_mime(const unsigned char *p, size_t n);

#endif
