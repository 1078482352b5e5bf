"""The national model's tables and its one long query ({s} is the national schema)."""

from __future__ import annotations

TABLES = (
    "CREATE TABLE IF NOT EXISTS {s}.applied (store_id text NOT NULL, notification_id bigint NOT NULL, "
    "province text NOT NULL, stream_seq bigint NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), "
    "PRIMARY KEY (store_id, notification_id))",
    "CREATE TABLE IF NOT EXISTS {s}.positions (store_id text PRIMARY KEY, province text NOT NULL, "
    "notification_id bigint NOT NULL, stream_seq bigint NOT NULL, applied bigint NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {s}.households (province text NOT NULL, household_id uuid NOT NULL, "
    "notification_id bigint NOT NULL, county text NOT NULL, PRIMARY KEY (province, household_id))",
    "CREATE TABLE IF NOT EXISTS {s}.periods (province text NOT NULL, enrolment_id uuid NOT NULL, seq int NOT NULL, "
    "household_id uuid NOT NULL, county text NOT NULL, program text NOT NULL, status text NOT NULL, "
    "from_date date NOT NULL, to_date date, monthly_fen bigint NOT NULL, persons int NOT NULL, "
    "PRIMARY KEY (province, enrolment_id, seq))",
    "CREATE INDEX IF NOT EXISTS periods_household ON {s}.periods (province, household_id)",
    "CREATE TABLE IF NOT EXISTS {s}.beneficiaries (province text NOT NULL, enrolment_id uuid NOT NULL, "
    "seq int NOT NULL, household_id uuid NOT NULL, person_hash text NOT NULL)",
    "CREATE INDEX IF NOT EXISTS beneficiaries_person ON {s}.beneficiaries (person_hash)",
    "CREATE INDEX IF NOT EXISTS beneficiaries_household ON {s}.beneficiaries (province, household_id)",
    "CREATE TABLE IF NOT EXISTS {s}.payments (province text NOT NULL, enrolment_id uuid NOT NULL, "
    "paid_month date NOT NULL, household_id uuid NOT NULL, county text NOT NULL, program text NOT NULL, "
    "amount_fen bigint NOT NULL, persons int NOT NULL, PRIMARY KEY (province, enrolment_id, paid_month))",
    "CREATE TABLE IF NOT EXISTS {s}.findings (finding_id text PRIMARY KEY, person_hash text NOT NULL, "
    "a_province text NOT NULL, a_household uuid NOT NULL, a_enrolment uuid NOT NULL, a_program text NOT NULL, "
    "a_since date NOT NULL, b_province text NOT NULL, b_household uuid NOT NULL, b_enrolment uuid NOT NULL, "
    "b_program text NOT NULL, b_since date NOT NULL, found_at timestamptz NOT NULL DEFAULT now(), "
    "published_at timestamptz)",
)

#: Dibao or tekun periods of one household's beneficiaries that overlap dibao or tekun periods of the same
#: persons in another province, both on roll (active or gradual exit, something due); by person and pair.
FIND_OVERLAPS = """
SELECT b.person_hash, p.province AS p1, p.household_id AS h1, p.enrolment_id AS e1, p.program AS g1,
       MIN(p.from_date) AS s1, o.province AS p2, o.household_id AS h2, o.enrolment_id AS e2, o.program AS g2,
       MIN(o.from_date) AS s2
FROM {s}.periods p
JOIN {s}.beneficiaries b ON b.province = p.province AND b.enrolment_id = p.enrolment_id AND b.seq = p.seq
JOIN {s}.beneficiaries ob ON ob.person_hash = b.person_hash AND ob.province <> b.province
JOIN {s}.periods o ON o.province = ob.province AND o.enrolment_id = ob.enrolment_id AND o.seq = ob.seq
WHERE p.province = %s AND p.household_id = %s
  AND p.program IN ('dibao', 'tekun') AND o.program IN ('dibao', 'tekun')
  AND p.status IN ('active', 'gradual_exit') AND o.status IN ('active', 'gradual_exit')
  AND p.monthly_fen > 0 AND o.monthly_fen > 0
  AND p.from_date < COALESCE(o.to_date, 'infinity'::date) AND o.from_date < COALESCE(p.to_date, 'infinity'::date)
GROUP BY b.person_hash, p.province, p.household_id, p.enrolment_id, p.program,
         o.province, o.household_id, o.enrolment_id, o.program
"""

INSERT_FINDING = (
    "INSERT INTO {s}.findings (finding_id, person_hash, a_province, a_household, a_enrolment, a_program, a_since, "
    "b_province, b_household, b_enrolment, b_program, b_since) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (finding_id) DO NOTHING"
)
