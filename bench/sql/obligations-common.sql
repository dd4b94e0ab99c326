-- obligations-plain.sql: the organizational-life obligations of the whole
-- tree for one year (:Y, default 2025), by the default rules (version 2019),
-- written in plain SQL straight over the records (meetings, attendance,
-- committees and their secretaries, groups, members), using the database's indexes. It gives the
-- same counts as `qiangji report obligations` for a year that has ended,
-- which bench/rows/40-obligations.sh checks before comparing the times.
-- The common part (WITH ...) of obligations-plain.sql (the seven totals) and
-- obligations-findings.sql (every finding); each ends it with its SELECT.
WITH RECURSIVE
  p(y) AS (SELECT 2025),
  mon(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM mon WHERE m < 12),
  br AS (SELECT id, established_on est, ended_on en FROM org
         WHERE kind IN ('党支部','联合党支部','临时党支部','项目党支部')),
  com AS (SELECT org_id FROM committee_member GROUP BY org_id HAVING count(*) >= 3),
  rule(kind, len) AS (VALUES ('committee',1),('assembly',3),('lecture',3),('theme_day',1),
                             ('life_meeting',12),('appraisal',12),('talk',12),('group',1)),
  -- every period each branch (or party group) owes, with its dates
  per AS (
    SELECT b.id org, 0 g, r.kind, r.len, mon.m m0, b.est, b.en FROM br b JOIN rule r JOIN mon
      ON (mon.m - 1) % r.len = 0
     WHERE r.kind NOT IN ('group','committee') OR (r.kind = 'committee' AND b.id IN com)
    UNION ALL
    SELECT b.id, g.id, 'group', 1, mon.m, b.est, b.en FROM party_group g JOIN br b ON b.id = g.org_id JOIN mon),
  per2 AS (
    SELECT org, g, kind, len,
           printf('%04d-%02d-01', (SELECT y FROM p), m0) lo,
           printf('%04d-%02d-31', (SELECT y FROM p), m0 + len - 1) hi,
           CASE WHEN m0 + len > 12 THEN printf('%04d-01-01', (SELECT y FROM p) + 1)
                ELSE printf('%04d-%02d-01', (SELECT y FROM p), m0 + len) END nxt,
           CASE WHEN m0 + len > 12 THEN printf('%04d-01-10', (SELECT y FROM p) + 1)
                ELSE printf('%04d-%02d-10', (SELECT y FROM p), m0 + len) END nxt10
      FROM per
     WHERE (est IS NULL OR est <= printf('%04d-%02d-01', (SELECT y FROM p), m0))
       AND (en IS NULL OR en >= printf('%04d-%02d-28', (SELECT y FROM p), m0 + len - 1))),
  judged AS (
    SELECT x.org, x.kind, x.lo, x.len, (SELECT count(*) FROM meeting t WHERE t.org_id = x.org AND t.kind = x.kind
              AND (x.g = 0 OR t.group_id = x.g) AND t.held_on >= x.lo AND t.held_on <= x.hi) held,
           EXISTS (SELECT 1 FROM meeting t WHERE t.org_id = x.org AND t.kind = x.kind
              AND (x.g = 0 OR t.group_id = x.g) AND t.held_on >= x.nxt AND t.held_on <= x.nxt10) made_up
      FROM per2 x),
  -- the secretary's yearly lecture: lectures hosted by the branch's 书记 (an active member of it),
  -- for a branch that existed all year; no make-up
  sec AS (
    SELECT b.id org, (SELECT count(*) FROM committee_member c JOIN member m ON m.id = c.member_id AND m.org_id = c.org_id
              AND m.status = 'active' JOIN meeting t ON t.org_id = c.org_id AND t.host_id = c.member_id
              AND t.kind = 'lecture' AND t.held_on >= printf('%04d-01-01', (SELECT y FROM p))
              AND t.held_on <= printf('%04d-12-31', (SELECT y FROM p))
             WHERE c.org_id = b.id AND c.post = '书记') held, 0 made_up
      FROM br b
     WHERE (b.est IS NULL OR b.est <= printf('%04d-01-01', (SELECT y FROM p)))
       AND (b.en IS NULL OR b.en >= printf('%04d-12-28', (SELECT y FROM p)))),
  quorum_rows AS (
    SELECT t.org_id org, t.held_on FROM meeting t JOIN br b ON b.id = t.org_id
     WHERE t.kind = 'committee' AND t.org_id IN com
       AND t.held_on >= printf('%04d-01-01', (SELECT y FROM p)) AND t.held_on <= printf('%04d-12-31', (SELECT y FROM p))
       AND 2 * (SELECT count(*) FROM committee_member c JOIN attendance a ON a.meeting_id = t.id
                 AND a.member_id = c.member_id AND a.state IN ('present','online') WHERE c.org_id = t.org_id)
           <= (SELECT count(*) FROM committee_member c JOIN member m ON m.id = c.member_id AND m.status = 'active'
                AND m.joined_on <= t.held_on WHERE c.org_id = t.org_id)),
  -- months of each member's organizational life (present, online or on leave), and lectures
  mm AS (
    SELECT a.member_id mid, CAST(substr(t.held_on, 6, 2) AS INTEGER) m,
           max(t.kind = 'lecture' AND a.state IN ('present','online')) lect
      FROM meeting t JOIN attendance a ON a.meeting_id = t.id
     WHERE t.held_on >= printf('%04d-01-01', (SELECT y FROM p)) AND t.held_on <= printf('%04d-12-31', (SELECT y FROM p))
       AND a.state IN ('present','online','leave')
     GROUP BY 1, 2),
  act AS (
    SELECT id mid, joined_on,
           CASE WHEN joined_on < printf('%04d-01-01', (SELECT y FROM p)) THEN 0
                WHEN joined_on > printf('%04d-12-31', (SELECT y FROM p)) THEN 12
                ELSE CAST(substr(joined_on, 6, 2) AS INTEGER) END j
      FROM member WHERE status = 'active'),
  lect AS (SELECT DISTINCT mid FROM mm WHERE lect),
  nolect_rows AS (SELECT mid FROM act WHERE joined_on < printf('%04d-01-01', (SELECT y FROM p))
              AND mid NOT IN lect),
  marks AS (SELECT mm.mid, mm.m FROM mm JOIN act USING (mid) WHERE mm.m > act.j
            UNION ALL SELECT mid, j FROM act UNION ALL SELECT mid, 13 FROM act),
  gaps AS (SELECT mid, m - lag(m) OVER (PARTITION BY mid ORDER BY m) - 1 gap FROM marks),
  six_rows AS (SELECT DISTINCT mid FROM gaps WHERE gap >= 6),
  quorum AS (SELECT count(*) n FROM quorum_rows),
  nolect AS (SELECT count(*) n FROM nolect_rows),
  six AS (SELECT count(*) n FROM six_rows)
