"""The permission table as Markdown: ``docs/permissions.md`` is this function's output, and a
test keeps the file equal to it."""

from __future__ import annotations

from annotator.projects.models import Role
from annotator.projects.permissions import (
    IMAGE_OWN,
    OBJECT_OWN,
    ROLE_ORDER,
    RULES,
    SITE_RULES,
    Action,
    Rule,
)

# Where each action is asked for: the endpoints under /api/ and the annotation socket's frames.
WHERE: dict[Action, str] = {
    Action.PROJECT_VIEW: "`GET projects/<id>/`, `classes/`, `images/`, `annotations/`, "
    "`annotations/<id>/`, `annotations/<id>/revisions/`, `annotations/<id>/reviews/`, `work/`, "
    "`work/around/`, `matte.png`; the project's pages",
    Action.PROJECT_CONFIGURE: "`PATCH projects/<id>/`",
    Action.PROJECT_ARCHIVE: "`POST` / `DELETE projects/<id>/archive/`",
    Action.PROJECT_PROGRESS: "`GET projects/<id>/progress/`, `GET projects/<id>/assignments/`, "
    "`GET projects/<id>/review/` (the review queue)",
    Action.MEMBER_LIST: "`GET projects/<id>/members/`",
    Action.MEMBER_MANAGE: "`POST projects/<id>/members/`, `PATCH` / `DELETE projects/<id>/members/<user>/`",
    Action.INVITATION_MANAGE: "`GET` / `POST projects/<id>/invitations/`, "
    "`DELETE projects/<id>/invitations/<id>/`",
    Action.CLASS_MANAGE: "`POST projects/<id>/classes/`, `PATCH` and `DELETE projects/<id>/classes/<id>/`, "
    "`POST projects/<id>/classes/order/`",
    Action.CLASS_RESTORE: "`GET projects/<id>/classes/?deleted=1`, "
    "`POST projects/<id>/classes/<id>/restore/`",
    Action.ADAPTATION_VIEW: "`GET projects/<id>/adaptation/`, `GET .../decoder/`, `GET .../replay/<id>/`; "
    "the adaptation page",
    Action.ADAPTATION_MANAGE: "`PATCH projects/<id>/adaptation/`, `PATCH .../decoder/`, "
    "`POST .../rollback/`, `.../reset/`, `.../replay/`",
    Action.IMAGE_VIEW: "`GET images/<id>/`, `images/<id>/file/`, `images/<id>/history/`, "
    "`images/<id>/review/` (verdicts and comments), `images/<id>/review/history/`; the annotation page",
    Action.IMAGE_UPLOAD: "`POST projects/<id>/images/`",
    Action.IMAGE_DELETE: "`DELETE images/<id>/`, `POST projects/<id>/images/delete/`",
    Action.IMAGE_RESTORE: "`POST images/<id>/restore/`",
    Action.IMAGE_ASSIGN: "`POST projects/<id>/assignments/`, `POST projects/<id>/assignments/remove/`",
    Action.IMAGE_FINISH: '`POST images/<id>/status/` with `"done"` or `"in_progress"`',
    Action.IMAGE_REVIEW: '`POST images/<id>/status/` with `"accepted"` or `"needs_fixes"` '
    '(or `"in_progress"` on an accepted image); `POST images/<id>/review/objects/<id>/` (a verdict), '
    "`images/<id>/comments/`, `images/<id>/comments/<id>/resolve/`, `images/<id>/review/finish/`",
    Action.WORK_TAKE: "`POST projects/<id>/work/take/`",
    Action.SESSION_OPEN: "socket: `open`, and `accept` (checked again when the object is saved)",
    Action.ANNOTATION_CORRECT: "socket: `start`; `PATCH projects/<id>/annotations/<id>/` (relabel), "
    "`POST .../annotations/<id>/revisions/<id>/restore/`",
    Action.ANNOTATION_DELETE: "`DELETE projects/<id>/annotations/<id>/`",
    Action.ANNOTATION_RESTORE: "`POST projects/<id>/annotations/<id>/restore/`",
    Action.ANNOTATION_TRASH: "`GET projects/<id>/images/?deleted=1`, "
    "`GET projects/<id>/annotations/?deleted=1`",
    Action.DATASET_EXPORT: "`GET` / `POST projects/<id>/exports/`, `GET projects/<id>/exports/<id>/`, "
    "`.../download/`",
    Action.DATASET_IMPORT: "`GET` / `POST projects/<id>/imports/`, `GET projects/<id>/imports/<id>/`",
    Action.ANALYTICS_VIEW: "`GET projects/<id>/analytics/objects/`, `summary/`, `noc/`, `learning/`, "
    "`health/`; the analytics page",
}


def _cell(rule: Rule, role: Role) -> str:
    if role in rule.other:
        return "yes"
    if role in rule.own:
        return "own"
    return "no"


def permissions_markdown() -> str:
    roles = " | ".join(role.label.lower() for role in ROLE_ORDER)
    lines = [
        "# Permissions",
        "",
        "Who may do what in a project. This page is written from the rules in",
        "`annotator/projects/permissions.py` (`python manage.py permissions_table > docs/permissions.md`);",
        "the permission tests are generated from the same rules, so the page, the code and the tests agree.",
        "",
        "- **yes**: allowed on any target in the project; **no**: refused with 403 (code `forbidden`);",
        "  **own**: only on the member's own target, refused elsewhere with 403 `not_assigned` or",
        "  `not_your_object`. An image is the member's own when",
        f"  {IMAGE_OWN}; an object, when {OBJECT_OWN} (for correcting: or the project lets",
        "  annotators correct each other's objects, its `annotators_correct_others` setting).",
        "- Someone who is not a member gets **404** for everything of the project, so its existence stays",
        "  hidden; a caller who is not logged in (no session, no token) gets **401**.",
        "- In an **archived** project every action that writes (the last column) is refused with 409",
        "  `project_archived`, whatever the role, except bringing the project back.",
        "- On the annotation page's socket a refusal is an `error` frame with the same code; nothing is",
        "  recorded.",
        "",
        f"| action | what it allows | {roles} | writes | where |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for action, rule in RULES.items():
        cells = " | ".join(_cell(rule, role) for role in ROLE_ORDER)
        writes = "yes" if rule.writes else "no"
        lines.append(f"| `{action.value}` | {rule.what} | {cells} | {writes} | {WHERE[action]} |")
    lines += ["", "## Site-wide", "", "| action | who |", "| --- | --- |"]
    lines += [f"| `{action.value}` | {who} |" for action, who in SITE_RULES.items()]
    lines += [
        "",
        "Every endpoint accepts the browser's session (with its CSRF token for writes) or an API token:",
        '`curl -H "Authorization: Token <key>" .../api/projects/`. A user makes or renews their token on',
        "their account page (`POST /api/me/token/`), or a script trades a username and password for it",
        "(`POST /api/auth/token/`).",
        "",
    ]
    return "\n".join(lines)
