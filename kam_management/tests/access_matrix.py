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
        "also readable by the users who took part",
    ),
    "kam.comm.plan.line": (
        ("", "RWCU", "", "RWCU", "", ""),
        "also readable by its responsible user",
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
    "kam.portfolio.summary": (
        ("", "R", "R", "R", "", ""),
        "SQL view, one row per company",
    ),
}

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
}

# Fields computed without an inverse: the matrix only claims their reading.
COMPUTED_FIELDS = frozenset({
    ("res.partner", "kam_dependency_level"),
    ("res.partner", "kam_share"),
    ("res.partner", "kam_margin"),
    ("res.partner", "kam_risk_score"),
})

# Fields read on the person rather than on the account (the personal data
# moved to kam.person.profile, whose cells are in MODELS).
PERSON_FIELDS = frozenset()

MARKER = "<!-- access-matrix -->"
LEGEND = (
    "R read, W write, C create, U delete; — access error. For fields: R reads the value, "
    "W writes it, (R) the field reads empty (its figures go through the record rules). "
    "Records belong to a key account of company A whose KAM is *KAM A*."
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
