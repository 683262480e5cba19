-- The finance context's read model (coop/projections/finance): rates and their history,
-- financial periods, the treasurer's entries, the care delivered as the visits' events
-- tell it, the members' reinvestment decisions and the commitments they made.

-- Every tariff, in the order it was recorded (a new one supersedes; none is edited).
CREATE TABLE finance_rates (
    position bigint PRIMARY KEY,
    effective_from date NOT NULL,
    charge_pence_per_hour integer NOT NULL,
    pay_pence_per_hour integer NOT NULL,
    uplifts jsonb NOT NULL,
    decided_by text NOT NULL CHECK (decided_by IN ('trustees', 'members')),
    minute text NOT NULL DEFAULT '',  -- the trustees' board minute
    ballot_id uuid,  -- the members' reinvestment ballot
    option_ids text[] NOT NULL DEFAULT '{}',
    by_account uuid,
    recorded_on date NOT NULL
);

CREATE TABLE finance_periods (
    period_id uuid PRIMARY KEY,
    name text NOT NULL,
    starts date NOT NULL,
    ends date NOT NULL,
    opened_by uuid NOT NULL,
    opened_minute text NOT NULL,
    state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    closed_at timestamptz,
    closed_by uuid,
    closed_minute text,
    visits_up_to bigint,  -- the log position the close read the visits at
    pricing jsonb,  -- the pricing rules the close used
    checks jsonb,
    statement jsonb,  -- the surplus statement at the close: months and accounts
    revenue_pence bigint,
    costs_pence bigint,
    care_minutes bigint,
    visits integer,
    distributable_pence bigint,
    reserve_percent integer,
    reserve_pence bigint,
    declared_at timestamptz,
    declared_minute text,
    ballot_id uuid,  -- the reinvestment ballot the declared surplus is the budget of
    enacted_at timestamptz
);
CREATE INDEX finance_periods_starts_idx ON finance_periods (starts);

CREATE TABLE finance_entries (
    entry_id uuid PRIMARY KEY,
    period_id uuid NOT NULL,
    position bigint NOT NULL,
    on_date date NOT NULL,
    category text NOT NULL,
    amount_pence bigint NOT NULL,
    reference text NOT NULL,
    description text NOT NULL,
    reverses uuid,
    adjusts text NOT NULL,
    reason text NOT NULL,
    commitment_id uuid,
    by_account uuid NOT NULL
);
CREATE INDEX finance_entries_period_idx ON finance_entries (period_id, on_date, position);

-- One row per visit, as the care side's events left it. ``outcome`` is what the books
-- make of it (NULL: nothing yet); ``day`` is the UK date it started, or was planned to.
-- When its period closes the row is frozen (``period_id`` set): what changes after
-- that is listed in finance_late_changes, for a fix in a later period.
CREATE TABLE finance_visits (
    visit_id uuid PRIMARY KEY,
    user_id uuid NOT NULL,
    pa_id uuid,
    planned_start timestamptz NOT NULL,
    planned_end timestamptz NOT NULL,
    actual_start timestamptz,
    actual_end timestamptz,
    state text NOT NULL,
    outcome text CHECK (outcome IN ('delivered', 'late_cancelled', 'missed')),
    charge_percent integer,
    day date NOT NULL,
    position bigint NOT NULL,  -- of the last event applied
    period_id uuid
);
CREATE INDEX finance_visits_day_idx ON finance_visits (day);
CREATE INDEX finance_visits_pa_idx ON finance_visits (pa_id, day);
CREATE INDEX finance_visits_period_idx ON finance_visits (period_id);

CREATE TABLE finance_late_changes (
    position bigint NOT NULL,
    visit_id uuid NOT NULL,
    period_id uuid NOT NULL,
    what text NOT NULL,
    PRIMARY KEY (position, visit_id)
);

-- Reinvestment ballots on a declared surplus: counted, then enacted by the scheduler.
CREATE TABLE finance_decisions (
    ballot_id uuid PRIMARY KEY,
    period_id uuid NOT NULL,
    counted boolean NOT NULL DEFAULT false,
    enacted boolean NOT NULL DEFAULT false
);

CREATE TABLE finance_commitments (
    commitment_id uuid PRIMARY KEY,
    period_id uuid NOT NULL,
    ballot_id uuid NOT NULL,
    option_id text NOT NULL,
    title text NOT NULL,
    pence bigint NOT NULL,
    spent_pence bigint NOT NULL DEFAULT 0,
    position bigint NOT NULL
);

INSERT INTO projection_tracking (name) VALUES ('finance');
