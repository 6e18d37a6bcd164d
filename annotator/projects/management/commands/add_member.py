"""Create an account if it does not exist, and give it a role in a project (scripted set-ups)."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotator.common.errors import DomainError
from annotator.projects import member_services
from annotator.projects.models import Membership, Project, Role

PASSWORD_ENV = "MASKLOOP_NEW_PASSWORD"


class Command(BaseCommand):
    help = (
        "Give USERNAME a role in a project, creating the account first when there is none "
        f"(its password from --password or ${PASSWORD_ENV}). Run it again to change the role."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--project", required=True, help="the project's id or exact name")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", default="", help="for a new account")
        parser.add_argument("--password", help=f"for a new account (or set ${PASSWORD_ENV})")
        parser.add_argument("--staff", action="store_true", help="a new account is site staff")

    def handle(self, *args: Any, **options: Any) -> None:
        project = self._project(options["project"])
        try:
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                password = options["password"] or os.environ.get(PASSWORD_ENV)
                if not password:
                    raise CommandError(f"A new account needs --password or ${PASSWORD_ENV}.")
                user = member_services.user_create(
                    username=options["username"],
                    password=password,
                    email=options["email"],
                    is_staff=options["staff"],
                )
                self.stdout.write(f"Created the account {user.get_username()}.")
            membership = (
                Membership.objects.select_related("project").filter(project=project, user=user).first()
            )
            if membership is None:
                member_services.member_add(project=project, who=user.get_username(), role=options["role"])
            elif membership.role != options["role"]:
                member_services.member_set_role(membership=membership, role=options["role"])
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})") from error
        self.stdout.write(
            f"{user.get_username()} is {options['role']} of {project.name!r} (project {project.id})."
        )

    @staticmethod
    def _project(key: str) -> Project:
        projects = (
            Project.objects.filter(id=int(key))
            if key.isascii() and key.isdigit()
            else Project.objects.filter(name=key)
        )
        found = list(projects[:2])
        if len(found) != 1:
            raise CommandError(f"No single project is {key!r}: give its id.")
        return found[0]
