/* member_status.h: what the member modules share of a member's standing
 * (member_status.c): the membership history that the branch vote
 * (develop.c) and transfers (transfer.c) write, and the demo of the member
 * lifecycle (member_demo.c). */
#ifndef QJ_MEMBER_STATUS_H
#define QJ_MEMBER_STATUS_H

/* Membership history (lc_membership): closes the member's open row on zOn
 * (opening one for the old organization first when the member has no rows:
 * members imported before this history began) and opens a row for the new
 * organization (newOrgId, or zOutside for an organization outside the
 * system) from zOn. Inside the caller's transaction. 0 or -1. */
int membership_move(long long memberId, long long oldOrgId, long long newOrgId, const char *zOutside,
                    const char *zOn, const char *zVia, long long transferId);
/* Opens the first row of a new member. 0 or -1. */
int membership_start(long long memberId, long long orgId, const char *zOn, const char *zVia);

/* The demo data of the member lifecycle (development, transfers, mobile
 * members, dues), member_demo.c. */
struct DemoOpts;
struct DemoResult;
int member_demo(const struct DemoOpts *pOpts, const struct DemoResult *pRes);

#endif
