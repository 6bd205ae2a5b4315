# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Who may do what with the KAM data: the access matrix (SPEC §5).

Single source of truth of three things: the Odoo test that checks every cell
(``test_access_matrix.py``), the Markdown table of the README
(``tools/access_matrix_md.py`` renders it) and the root pytest that keeps the
README in step. Plain data, no Odoo import: the renderer loads this file by path.

Cells, for a record of the model on a key account of company A whose KAM is
"KAM A" (configuration records: of company A):

- ``R`` read, ``W`` write, ``C`` create, ``U`` unlink (delete); an empty cell
  (``—`` in the table) means the operation raises an access error;
- for fields: ``R`` reads the real value, ``W`` writes it; ``r`` the field can
  be read but comes back empty, because the figures behind it go through the
  record rules; empty: reading the field raises an access error (field
  ``groups``, or the partner is not readable at all).

Derived from SPEC §5 and the trust model, not from what the code happens to
do: identity (status, KAM, team, key-since, level, VIP) is changed by a KAM
manager only (the account's KAM staffs its team); derived figures
(``DERIVED_FIELDS``: completeness, last update, progress, rating, review
author, decision user, risk, cool-down, coverage, the KAM mirrors of a deal,
the commercial entity of a person) are written by no user at all, only by
the code that derives them; personal data lives on ``kam.person.profile``
(the account's team and the company's KAM managers); a generated workbook
(``kam.export.wizard``, transient) belongs to the user who generated it: the
row is KAM A's workbook of account A, and ``C`` is generating one's own.
"""

# (key, title): the users of the test, in the order of the table's columns.
COLUMNS = (
    ("salesman", "Salesperson (no KAM group)"),
    ("kam_own", "KAM User, own account"),
    ("kam_other", "KAM User, another KAM's account"),
    ("manager", "KAM Manager"),
    ("other_company", "KAM Manager of company B, company A's records"),
    ("portal", "Portal user"),
)

# model: (cells in the order of COLUMNS, note)
MODELS = {
    "kam.account.type": (
        ("R", "R", "R", "R", "R", ""),
        "configuration shared by all companies: changed by a KAM Manager of every company",
    ),
    "kam.account": (
        ("", "R", "R", "RWCU", "", ""),
        "key-account identity of a client in one company: read in the company, changed by its "
        "KAM Managers",
    ),
    "kam.dmu.role": (
        ("R", "R", "R", "R", "R", ""),
        "configuration shared by all companies: changed by a KAM Manager of every company",
    ),
    "kam.dmu.member": (
        ("", "RWCU", "", "RWCU", "", ""),
        "one per person, account and company",
    ),
    "kam.person.profile": (
        ("", "RWCU", "", "RWCU", "", ""),
        "personal data of a person in the account's DMU: the account's team and the "
        "company's KAM managers only",
    ),
    "kam.personal.date": (
        ("", "RWCU", "", "RWCU", "", ""),
        "part of the personal profile, same rule",
    ),
    "kam.lead.dmu": (
        ("", "RWCU", "", "RWCU", "", ""),
        "on a deal of KAM A; the deal's salesperson also reads it",
    ),
    "kam.dossier": (
        ("", "RWC", "", "RWCU", "", ""),
        "a KAM archives, the head of KAM deletes",
    ),
    "kam.dossier.check": (
        ("", "R", "R", "RWCU", "", ""),
        "checklist of company A; a shared item (no company) only by a KAM Manager of every company",
    ),
    "kam.competitor.presence": (
        ("", "RWCU", "", "RWCU", "", ""),
        "",
    ),
    "kam.partner.metric": (
        ("", "R", "", "R", "", ""),
        "written by the recompute only",
    ),
    "kam.alert": (
        ("", "", "", "R", "", ""),
        "state of a key-account alert, written by the recompute only",
    ),
    "kam.account.health": (
        ("", "RWC", "", "RWCU", "", ""),
        "signals written by the refresh only",
    ),
    "kam.account.plan": (
        ("", "RWCU", "", "RWCU", "", ""),
        "",
    ),
    "kam.account.plan.objective": (
        ("", "RWCU", "", "RWCU", "", ""),
        "",
    ),
    "kam.account.plan.budget": (
        ("", "RWCU", "", "RWCU", "", ""),
        "",
    ),
    "kam.account.plan.review": (
        ("", "RWC", "", "RWCU", "", ""),
        "the comment is the head of KAM's",
    ),
    "kam.contact.log": (
        ("", "RWCU", "", "RWCU", "", ""),
        "also readable by the users who took part; created on one's own accounts only",
    ),
    "kam.comm.plan.line": (
        ("", "RWCU", "", "RWCU", "", ""),
        "also readable by its responsible user; created on one's own accounts only",
    ),
    "kam.comm.occurrence": (
        ("", "R", "", "R", "", ""),
        "ledger written by the scheduler",
    ),
    "kam.comm.plan.template": (
        ("", "R", "R", "RWCU", "", ""),
        "of company A; a shared one (no company) only by a KAM Manager of every company",
    ),
    "kam.comm.plan.template.line": (
        ("", "R", "R", "RWCU", "", ""),
        "of company A; a shared one (no company) only by a KAM Manager of every company",
    ),
    "kam.portfolio.report": (
        ("", "R", "", "R", "", ""),
        "SQL view",
    ),
    "kam.group.report": (
        ("", "R", "", "R", "", ""),
        "SQL view: the companies of KAM A's group; a company's own KAM reads its own row only",
    ),
    "kam.white.space": (
        ("", "R", "", "R", "", ""),
        "SQL view: what the account's group or similar key accounts buy and it does not",
    ),
    "kam.portfolio.summary": (
        ("", "R", "R", "R", "", ""),
        "SQL view, one row per company",
    ),
    "kam.feedback": (
        ("", "RWCU", "", "RWCU", "", ""),
        "feedback of a person of the account; its trend, completeness and KAM are derived",
    ),
    "kam.referral": (
        ("", "RWCU", "", "RWCU", "", ""),
        "a referral made by the account (the referrer's team)",
    ),
    "kam.recommendation.letter": (
        ("", "RWCU", "", "RWCU", "", ""),
        "a letter asked of the account",
    ),
    "kam.export.wizard": (
        ("", "RWC", "", "C", "", ""),
        "KAM A's generated workbook: only its creator reads, downloads or re-generates it "
        "(nobody deletes: transient, vacuumed); the head of KAM generates his own (C)",
    ),
}

# Transient models of MODELS (not in the registry's list of stored kam.* models).
TRANSIENT_MODELS = frozenset({"kam.export.wizard"})

# (model, field): (cells in the order of COLUMNS, note). "account": the field is
# read on the key account; "person": on a contact person of the key account.
FIELDS = {
    ("res.partner", "kam_status"): (
        ("R", "R", "R", "RW", "", ""),
        "account; changed through the promote/demote wizards",
    ),
    ("res.partner", "kam_user_id"): (
        ("R", "R", "R", "RW", "", ""),
        "account",
    ),
    ("res.partner", "kam_team_user_ids"): (
        ("R", "RW", "R", "RW", "", ""),
        "account; the KAM staffs their own team",
    ),
    ("res.partner", "kam_key_since"): (
        ("R", "R", "R", "RW", "", ""),
        "account; identity",
    ),
    ("res.partner", "kam_level"): (
        ("R", "R", "R", "RW", "", ""),
        "account; identity",
    ),
    ("res.partner", "kam_is_vip"): (
        ("R", "R", "R", "RW", "", ""),
        "account; identity",
    ),
    ("res.partner", "kam_vip_review_date"): (
        ("R", "R", "R", "RW", "", ""),
        "account; identity (SPEC §0): postponing it hides the overdue-VIP alert",
    ),
    ("res.partner", "kam_type_ids"): (
        ("R", "R", "R", "RW", "", ""),
        "account; identity (SPEC §0)",
    ),
    ("res.partner", "kam_dependency_level"): (
        ("R", "R", "R", "R", "", ""),
        "account; the badge everybody sees (computed)",
    ),
    ("res.partner", "kam_share"): (
        ("", "R", "r", "R", "", ""),
        "account; metric mirror (computed)",
    ),
    ("res.partner", "kam_margin"): (
        ("", "R", "r", "R", "", ""),
        "account; metric mirror (computed)",
    ),
    ("res.partner", "kam_risk_score"): (
        ("", "R", "r", "R", "", ""),
        "account; health mirror (computed)",
    ),
    ("res.partner", "commercial_partner_id"): (
        ("R", "R", "R", "R", "", ""),
        "person; derived from the parent, never written (record rules read it)",
    ),
    ("kam.dossier", "completeness"): (
        ("", "R", "", "R", "", ""),
        "derived from the checklist",
    ),
    ("kam.dossier", "last_update"): (
        ("", "R", "", "R", "", ""),
        "derived: the latest change of the dossier (the stale flag reads it)",
    ),
    ("kam.account.plan", "progress"): (
        ("", "R", "", "R", "", ""),
        "derived from the objectives",
    ),
    ("kam.account.plan", "last_rating"): (
        ("", "R", "", "R", "", ""),
        "derived from the reviews",
    ),
    ("kam.account.plan.review", "author_id"): (
        ("", "R", "", "R", "", ""),
        "derived: whoever filed the review",
    ),
    ("kam.account.health", "risk_score"): (
        ("", "R", "", "R", "", ""),
        "derived: the refresh of the risk signals",
    ),
    ("kam.account.health", "decision_user_id"): (
        ("", "R", "", "R", "", ""),
        "derived: whoever took the decision",
    ),
    ("kam.contact.log", "cooldown_until"): (
        ("", "R", "", "R", "", ""),
        "derived: date of a negative contact + the company's cool-down",
    ),
    ("crm.lead", "kam_dmu_coverage"): (
        ("", "R", "", "R", "", ""),
        "deal of KAM A; derived from its DMU lines",
    ),
    ("crm.lead", "kam_partner_status"): (
        ("", "R", "", "R", "", ""),
        "deal of KAM A; mirror of the account's status",
    ),
    ("crm.lead", "kam_account_user_id"): (
        ("", "R", "", "R", "", ""),
        "deal of KAM A; mirror of the account's KAM",
    ),
    ("res.partner", "kam_reference_client"): (
        ("", "RW", "R", "RW", "", ""),
        "account; per company, named by the account's KAM, team or a KAM Manager",
    ),
    ("res.partner", "kam_revivable"): (
        ("", "R", "R", "RW", "", ""),
        "account; how the relationship ended is the KAM Manager's record, like the status",
    ),
    ("kam.feedback", "trend"): (
        ("", "R", "", "R", "", ""),
        "derived: the score against the account's previous feedback",
    ),
    ("kam.export.wizard", "file"): (
        ("", "R", "", "", "", ""),
        "KAM A's workbook; generated by the export, replaced by nobody",
    ),
}

# Fields computed without an inverse: the matrix only claims their reading.
COMPUTED_FIELDS = frozenset({
    ("res.partner", "kam_dependency_level"),
    ("res.partner", "kam_share"),
    ("res.partner", "kam_margin"),
    ("res.partner", "kam_risk_score"),
})

# Derived figures: stored, written by the code that derives them and by no
# user (no W in any column; the test tries the write as every user).
DERIVED_FIELDS = frozenset({
    ("res.partner", "commercial_partner_id"),
    ("kam.dossier", "completeness"),
    ("kam.dossier", "last_update"),
    ("kam.account.plan", "progress"),
    ("kam.account.plan", "last_rating"),
    ("kam.account.plan.review", "author_id"),
    ("kam.account.health", "risk_score"),
    ("kam.account.health", "decision_user_id"),
    ("kam.contact.log", "cooldown_until"),
    ("kam.feedback", "trend"),
    ("crm.lead", "kam_dmu_coverage"),
    ("crm.lead", "kam_partner_status"),
    ("crm.lead", "kam_account_user_id"),
    ("kam.export.wizard", "file"),
})

# Fields read on the person rather than on the account (the personal data
# moved to kam.person.profile, whose cells are in MODELS).
PERSON_FIELDS = frozenset({"commercial_partner_id"})

MARKER = "<!-- access-matrix -->"
LEGEND = (
    "R read, W write, C create, U delete; — access error. For fields: R reads the value, "
    "W writes it, (R) the field reads empty (its figures go through the record rules). "
    "Records belong to a key account of company A whose KAM is *KAM A*. Derived figures "
    "(no W anywhere) are written only by the code that derives them; a generated workbook "
    "belongs to the user who generated it."
)


def render_markdown():
    """The Markdown table of the matrix (with its legend)."""

    def cell(value, lowercase_is_empty=False):
        if not value:
            return "—"
        if lowercase_is_empty and value == "r":
            return "(R)"
        return " ".join(value)

    header = ["Model / field", *(title for _key, title in COLUMNS), "Notes"]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    for model, (cells, note) in MODELS.items():
        lines.append(
            "| " + " | ".join([f"`{model}`", *(cell(value) for value in cells), note]) + " |"
        )
    for (model, fname), (cells, note) in FIELDS.items():
        lines.append(
            "| " + " | ".join([
                f"`{model}.{fname}`",
                *(cell(value, lowercase_is_empty=True) for value in cells),
                note,
            ]) + " |"
        )
    return "\n".join([*lines, "", LEGEND]) + "\n"
