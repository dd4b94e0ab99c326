-- bench/p1-stats.sql: the figures of GET /api/v1/orgs/{code}/stats by plain
-- SQL, for the sqlite3 command-line tool: one GROUP BY per breakdown over
-- the subtree's path range. :LO, :HI (the range) and :TODAY are replaced
-- by bench/p1.sh. Output: breakdown|label|count.
SELECT 'orgs', 'total', count(*) FROM org WHERE path >= ':LO' AND path < ':HI';
SELECT 'by_kind', kind, count(*) FROM org WHERE path >= ':LO' AND path < ':HI' GROUP BY 2;
SELECT 'by_domain', domain, count(*) FROM org WHERE path >= ':LO' AND path < ':HI' GROUP BY 2;
SELECT 'by_formation', coalesce(formation, '未填'), count(*) FROM org WHERE path >= ':LO' AND path < ':HI' GROUP BY 2;
SELECT 'members', 'total', count(*) FROM member m JOIN org o ON o.id = m.org_id
  WHERE o.path >= ':LO' AND o.path < ':HI' AND m.status = 'active';
SELECT 'by_category', m.category, count(*) FROM member m JOIN org o ON o.id = m.org_id
  WHERE o.path >= ':LO' AND o.path < ':HI' AND m.status = 'active' GROUP BY 2;
SELECT 'by_sex', m.gender, count(*) FROM member m JOIN org o ON o.id = m.org_id
  WHERE o.path >= ':LO' AND o.path < ':HI' AND m.status = 'active' GROUP BY 2;
SELECT 'by_age', CASE WHEN y <= 30 THEN '30岁及以下' WHEN y <= 35 THEN '31至35岁' WHEN y <= 40 THEN '36至40岁'
  WHEN y <= 45 THEN '41至45岁' WHEN y <= 50 THEN '46至50岁' WHEN y <= 55 THEN '51至55岁' WHEN y <= 60 THEN '56至60岁'
  WHEN y <= 70 THEN '61至70岁' ELSE '71岁及以上' END, count(*)
  FROM (SELECT CAST(substr(':TODAY', 1, 4) AS INTEGER) - CAST(substr(m.birth_date, 1, 4) AS INTEGER)
               - (substr(':TODAY', 6, 5) < substr(m.birth_date, 6, 5)) AS y
        FROM member m JOIN org o ON o.id = m.org_id WHERE o.path >= ':LO' AND o.path < ':HI' AND m.status = 'active')
  GROUP BY 2;
SELECT 'by_education', coalesce(m.education, '未填'), count(*) FROM member m JOIN org o ON o.id = m.org_id
  WHERE o.path >= ':LO' AND o.path < ':HI' AND m.status = 'active' GROUP BY 2;
SELECT 'by_ethnicity', coalesce(m.ethnicity, '未填'), count(*) FROM member m JOIN org o ON o.id = m.org_id
  WHERE o.path >= ':LO' AND o.path < ':HI' AND m.status = 'active' GROUP BY 2;
SELECT 'by_occupation', CASE WHEN m.occupation IS NULL OR m.occupation = '' THEN '未填'
  WHEN m.occupation IN ('工人', '农牧渔民', '专业技术人员', '企事业单位管理人员', '党政机关工作人员', '学生',
                        '离退休人员', '其他职业人员') THEN m.occupation ELSE '其他填写' END, count(*)
  FROM member m JOIN org o ON o.id = m.org_id WHERE o.path >= ':LO' AND o.path < ':HI' AND m.status = 'active' GROUP BY 2;
SELECT 'by_mobile', CASE WHEN m.mobile THEN '流动党员' ELSE '非流动党员' END, count(*) FROM member m JOIN org o ON o.id = m.org_id
  WHERE o.path >= ':LO' AND o.path < ':HI' AND m.status = 'active' GROUP BY 2;
SELECT 'by_standing', CASE WHEN f IS NULL THEN '预备党员' WHEN y <= 5 THEN '5年及以下' WHEN y <= 10 THEN '6至10年'
  WHEN y <= 20 THEN '11至20年' WHEN y <= 30 THEN '21至30年' WHEN y <= 40 THEN '31至40年' WHEN y <= 50 THEN '41至50年'
  ELSE '51年及以上' END, count(*)
  FROM (SELECT m.full_on AS f, CAST(substr(':TODAY', 1, 4) AS INTEGER) - CAST(substr(m.full_on, 1, 4) AS INTEGER)
               - (substr(':TODAY', 6, 5) < substr(m.full_on, 6, 5)) AS y
        FROM member m JOIN org o ON o.id = m.org_id WHERE o.path >= ':LO' AND o.path < ':HI' AND m.status = 'active')
  GROUP BY 2;
-- The other modules' figures: meetings held this year (on or before today) by kind, courses that
-- started this year with class hours (tenths) and person-times, and the branch secretaries.
SELECT 'meetings', t.kind, count(*) FROM meeting t JOIN org o ON o.id = t.org_id
  WHERE o.path >= ':LO' AND o.path < ':HI' AND t.held_on >= substr(':TODAY', 1, 4) || '-01-01' AND t.held_on <= ':TODAY'
  GROUP BY 2;
SELECT 'training', 'courses', count(*) FROM course c JOIN org o ON o.id = c.org_id
  WHERE o.path >= ':LO' AND o.path < ':HI' AND substr(c.started_on, 1, 4) = substr(':TODAY', 1, 4);
SELECT 'training', 'hours_tenths', coalesce(sum(c.hours_tenths), 0) FROM course c JOIN org o ON o.id = c.org_id
  WHERE o.path >= ':LO' AND o.path < ':HI' AND substr(c.started_on, 1, 4) = substr(':TODAY', 1, 4);
SELECT 'training', 'person_times', count(*) FROM course c JOIN org o ON o.id = c.org_id
  JOIN course_attendee a ON a.course_id = c.id
  WHERE o.path >= ':LO' AND o.path < ':HI' AND substr(c.started_on, 1, 4) = substr(':TODAY', 1, 4);
SELECT 'secretaries', 'count', count(*) FROM committee_member c JOIN org o ON o.id = c.org_id
  JOIN member m ON m.id = c.member_id AND m.org_id = c.org_id AND m.status = 'active'
  WHERE o.path >= ':LO' AND o.path < ':HI' AND c.post = '书记';
SELECT 'secretaries', 'age_sum', coalesce(sum(CAST(substr(':TODAY', 1, 4) AS INTEGER) - CAST(substr(m.birth_date, 1, 4) AS INTEGER)
               - (substr(':TODAY', 6, 5) < substr(m.birth_date, 6, 5))), 0)
  FROM committee_member c JOIN org o ON o.id = c.org_id
  JOIN member m ON m.id = c.member_id AND m.org_id = c.org_id AND m.status = 'active'
  WHERE o.path >= ':LO' AND o.path < ':HI' AND c.post = '书记';
SELECT 'secretaries', 'high_school_or_above', count(*) FROM committee_member c JOIN org o ON o.id = c.org_id
  JOIN member m ON m.id = c.member_id AND m.org_id = c.org_id AND m.status = 'active'
  WHERE o.path >= ':LO' AND o.path < ':HI' AND c.post = '书记'
  AND m.education IN ('研究生', '大学本科', '大学专科', '中等专科', '高中');
