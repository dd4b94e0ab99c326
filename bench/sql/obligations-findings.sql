-- obligations-findings.sql: appended to obligations-common.sql, every
-- finding of the year, one line each, in the form that
-- bench/rows/40-obligations.sh makes of the report's CSV:
--   kind|rule|organization code|member id|period
-- (the six-month rule's period is left out: the report names the gap, this
-- query only that there is one).
, fnd(kind, rule, org, mid, period) AS (
    SELECT CASE WHEN made_up THEN '逾期补开' ELSE '未按期召开' END,
           CASE j.kind WHEN 'committee' THEN 'committee_monthly' WHEN 'assembly' THEN 'assembly_quarterly'
                       WHEN 'lecture' THEN 'lecture_quarterly' WHEN 'theme_day' THEN 'theme_day_monthly'
                       WHEN 'life_meeting' THEN 'life_meeting_yearly' WHEN 'appraisal' THEN 'appraisal_yearly'
                       WHEN 'talk' THEN 'talk_yearly' WHEN 'group' THEN 'group_monthly' END,
           j.org, '',
           CASE j.len WHEN 1 THEN substr(j.lo, 1, 7) WHEN 3 THEN substr(j.lo, 1, 4) || '-Q' || ((CAST(substr(j.lo, 6, 2) AS INTEGER) + 2) / 3)
                      ELSE substr(j.lo, 1, 4) END
      FROM judged j WHERE j.held = 0
    UNION ALL
    SELECT '未按期召开', 'secretary_lecture_yearly', s.org, '', (SELECT y FROM p) FROM sec s WHERE s.held = 0
    UNION ALL
    SELECT '未过半数', 'committee_monthly', q.org, '', q.held_on FROM quorum_rows q
    UNION ALL
    SELECT '全年未参加党课', 'member_lecture_yearly', m.org_id, m.id, (SELECT y FROM p) FROM nolect_rows n JOIN member m ON m.id = n.mid
    UNION ALL
    SELECT '连续六个月未参加组织生活', 'member_six_months', m.org_id, m.id, '' FROM six_rows x JOIN member m ON m.id = x.mid)
SELECT f.kind, f.rule, o.code, f.mid, f.period FROM fnd f JOIN org o ON o.id = f.org ORDER BY 1, 2, 3, 4, 5;
