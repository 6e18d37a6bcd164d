"""Who may do what on the annotation page's socket (the rules: ``projects/permissions.py``).

Opening a session outlines objects on an image: an annotator in a project that hands images
out needs the image assigned, and only the classes it was assigned for, where it names some.
Accepting checks the same again (a member removed, an image taken back or a project archived
meanwhile stops the save). Correcting a saved object (``start``) is for its author, or a
manager, admin or reviewer.
"""

from __future__ import annotations

from annotator.annotations.selectors import annotation_access
from annotator.common.errors import Forbidden
from annotator.images.selectors import assigned_class_ids, image_is_own
from annotator.projects.models import Membership
from annotator.projects.permissions import Action, allowed
from annotator.projects.selectors import User, check_allowed, membership_get


def check_may_outline(*, user: User, project_id: int, image_id: int, class_id: int) -> Membership:
    """The user's membership, if they may outline objects of the class on the image."""
    membership = membership_get(user=user, project_id=project_id)
    if allowed(membership.role, Action.SESSION_OPEN, own=False):
        check_allowed(membership, Action.SESSION_OPEN, own=False)
        return membership
    check_allowed(membership, Action.SESSION_OPEN, own=image_is_own(membership=membership, image_id=image_id))
    classes = assigned_class_ids(image_id=image_id, user_id=membership.user_id)
    if classes is not None and class_id not in classes:
        raise Forbidden("This image was assigned to you for other classes.", code="class_not_assigned")
    return membership


def check_may_correct(*, user: User, project_id: int, annotation_id: int) -> None:
    """Raise unless the user may correct the saved object."""
    annotation_access(
        user=user, project_id=project_id, annotation_id=annotation_id, action=Action.ANNOTATION_CORRECT
    )
