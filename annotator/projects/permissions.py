"""Who may do what in a project: the one table of rules.

Every check in the API, the pages and the WebSocket asks ``allowed`` (through
``selectors.membership_require``); ``docs/permissions.md`` is written from this table
(``manage.py permissions_table``) and the permission tests are generated from it.

A rule gives, per role, whether the action is allowed on the user's *own* target and on
*another's*. What "own" means is the rule's ``own`` text: an image assigned to the user (every
image, in an open project), an object the user made. Where ownership does not matter both
columns agree. Outside the table: a user who is not a member gets 404 for everything of the
project (its existence stays hidden), an anonymous caller 401. In an archived project every
action that writes is refused (409 ``project_archived``) except unarchiving it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from annotator.projects.models import Role


class Action(StrEnum):
    PROJECT_VIEW = "project.view"
    PROJECT_CONFIGURE = "project.configure"
    PROJECT_ARCHIVE = "project.archive"
    PROJECT_PROGRESS = "project.progress"
    MEMBER_LIST = "member.list"
    MEMBER_MANAGE = "member.manage"
    INVITATION_MANAGE = "invitation.manage"
    CLASS_MANAGE = "class.manage"
    CLASS_RESTORE = "class.restore"
    ADAPTATION_VIEW = "adaptation.view"
    ADAPTATION_MANAGE = "adaptation.manage"
    IMAGE_VIEW = "image.view"
    IMAGE_UPLOAD = "image.upload"
    IMAGE_DELETE = "image.delete"
    IMAGE_RESTORE = "image.restore"
    IMAGE_ASSIGN = "image.assign"
    IMAGE_FINISH = "image.finish"
    IMAGE_REVIEW = "image.review"
    WORK_TAKE = "work.take"
    SESSION_OPEN = "session.open"
    ANNOTATION_CORRECT = "annotation.correct"
    ANNOTATION_DELETE = "annotation.delete"
    ANNOTATION_RESTORE = "annotation.restore"
    ANNOTATION_TRASH = "annotation.trash"
    DATASET_EXPORT = "dataset.export"
    DATASET_IMPORT = "dataset.import"
    ANALYTICS_VIEW = "analytics.view"


ALL = frozenset(Role)
SETUP = frozenset({Role.ADMIN, Role.MANAGER})
READERS = frozenset({Role.ADMIN, Role.MANAGER, Role.REVIEWER})
ADMIN = frozenset({Role.ADMIN})
NOBODY: frozenset[Role] = frozenset()

IMAGE_OWN = "the image is assigned to the user (every image, in an open project)"
OBJECT_OWN = "the user made the object"
FIGURES_OWN = "the figures are of the user's own work"
CORRECT_OWN = "the user made the object, or the project lets annotators correct each other's objects"


@dataclass(frozen=True)
class Rule:
    what: str
    own: frozenset[Role]
    other: frozenset[Role]
    writes: bool
    owner: str | None = None  # what "own" means; None: ownership does not matter


def _rule(what: str, roles: frozenset[Role], *, writes: bool) -> Rule:
    return Rule(what, roles, roles, writes)


RULES: dict[Action, Rule] = {
    Action.PROJECT_VIEW: _rule("see the project, its classes and its settings", ALL, writes=False),
    Action.PROJECT_CONFIGURE: _rule(
        "rename it; choose its engine, pipeline and how work is handed out", ADMIN, writes=True
    ),
    Action.PROJECT_ARCHIVE: _rule("archive it or bring it back", ADMIN, writes=True),
    Action.PROJECT_PROGRESS: _rule(
        "see the counts per status and per annotator, and every image of the list", READERS, writes=False
    ),
    Action.MEMBER_LIST: _rule("see the members and their roles", READERS, writes=False),
    Action.MEMBER_MANAGE: _rule("add a member, change a role, remove a member", ADMIN, writes=True),
    Action.INVITATION_MANAGE: _rule("create, list and revoke invitations", ADMIN, writes=True),
    Action.CLASS_MANAGE: _rule("add and delete label classes", SETUP, writes=True),
    Action.CLASS_RESTORE: _rule("bring a deleted class back, with its objects", ADMIN, writes=True),
    Action.ADAPTATION_VIEW: _rule(
        "see the model's online adaptation: its variant, each class's versions and replay checks",
        SETUP,
        writes=False,
    ),
    Action.ADAPTATION_MANAGE: _rule(
        "change the online adaptation: variant, switch, rollback, reset, replay checks", SETUP, writes=True
    ),
    Action.IMAGE_VIEW: Rule(
        "see an image, its file and its objects", ALL, READERS, writes=False, owner=IMAGE_OWN
    ),
    Action.IMAGE_UPLOAD: _rule("upload images", SETUP, writes=True),
    Action.IMAGE_DELETE: _rule("delete images (with their objects)", SETUP, writes=True),
    Action.IMAGE_RESTORE: _rule("bring a deleted image back, with its objects", ADMIN, writes=True),
    Action.IMAGE_ASSIGN: _rule("assign images to annotators and take them back", SETUP, writes=True),
    Action.IMAGE_FINISH: Rule(
        "mark an image done, or open it again before it is accepted",
        ALL - {Role.REVIEWER},
        SETUP,
        writes=True,
        owner=IMAGE_OWN,
    ),
    Action.IMAGE_REVIEW: _rule(
        "review a done image: a verdict on each object, comments, accepted or back for fixes; open an "
        "accepted image again",
        READERS,
        writes=True,
    ),
    Action.WORK_TAKE: _rule(
        "take the next unassigned image (projects that hand images out on demand)", ALL, writes=True
    ),
    Action.SESSION_OPEN: Rule(
        "outline new objects on an image (open a session on the annotation page's socket)",
        ALL,
        READERS,
        writes=True,
        owner=IMAGE_OWN,
    ),
    Action.ANNOTATION_CORRECT: Rule(
        "correct, relabel or return a saved object to an earlier revision (a new revision each; the "
        "socket's `start`)",
        ALL,
        READERS,
        writes=True,
        owner=CORRECT_OWN,
    ),
    Action.ANNOTATION_DELETE: Rule(
        "delete a saved object", ALL - {Role.REVIEWER}, SETUP, writes=True, owner=OBJECT_OWN
    ),
    Action.ANNOTATION_RESTORE: Rule(
        "bring a deleted object back", ALL - {Role.REVIEWER}, SETUP, writes=True, owner=OBJECT_OWN
    ),
    Action.ANNOTATION_TRASH: _rule("list deleted objects and images", SETUP, writes=False),
    Action.DATASET_EXPORT: _rule(
        "export the project's images and objects (COCO, VOC, YOLO, mattes, archive); see and download "
        "its exports",
        SETUP,
        writes=False,
    ),
    Action.DATASET_IMPORT: _rule(
        "import images and objects (COCO, archive, images); see the imports", SETUP, writes=True
    ),
    Action.ANALYTICS_VIEW: Rule(
        "see the analytics: interactions, time and failures per object, class, annotator and day; "
        "whether the model is learning; service health",
        ALL,
        SETUP,
        writes=False,
        owner=FIGURES_OWN,
    ),
}

ROLE_ORDER = (Role.ADMIN, Role.MANAGER, Role.REVIEWER, Role.ANNOTATOR)


def allowed(role: str, action: Action, *, own: bool = True) -> bool:
    """Whether a member with ``role`` may do ``action`` on their own target (``own``) or on
    another's."""
    rule = RULES[action]
    return role in (rule.own if own else rule.other)


class SiteAction(StrEnum):
    PROJECT_CREATE = "project.create"
    USER_MANAGE = "user.manage"


SITE_RULES: dict[SiteAction, str] = {
    SiteAction.PROJECT_CREATE: "create a project (its creator becomes its admin): site staff, or every "
    "logged-in user where `MASKLOOP_PROJECT_CREATORS=all`",
    SiteAction.USER_MANAGE: "list the site's users and create accounts: site staff",
}


def site_allowed(user: object, action: SiteAction, *, project_creators: str) -> bool:
    """Whether a logged-in user may do a site-wide action (``project_creators``: the setting)."""
    is_staff = bool(getattr(user, "is_staff", False))
    if action == SiteAction.PROJECT_CREATE and project_creators == "all":
        return bool(getattr(user, "is_authenticated", False))
    return is_staff
