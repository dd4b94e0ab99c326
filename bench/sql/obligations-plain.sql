-- obligations-plain.sql: appended to obligations-common.sql, the seven
-- totals of the year's obligations in one row:
-- due|met|missing|late|quorum|no_lecture|six_months
SELECT count(*), sum(held >= 1), sum(held = 0 AND NOT made_up), sum(held = 0 AND made_up),
       (SELECT n FROM quorum), (SELECT n FROM nolect), (SELECT n FROM six)
  FROM (SELECT held, made_up FROM judged UNION ALL SELECT held, made_up FROM sec);
