"""Roles are groups with permissions; a user belongs to exactly the group of their role."""

from django.contrib.auth.models import Group, Permission

# Role value -> (group name, permission codenames as "app_label.codename").
ROLE_PERMISSIONS: dict[str, list[str]] = {
    "richiedente": [],
    "auditor": [],
    "comitato": [
        "codice.manage_codice",
        "codice.view_codeversion",
        "codice.view_meeting",
        "codice.view_amendment",
    ],
    "associazione": [],
    "admin": [],
}


def _group_name(role: str) -> str:
    return f"ruolo:{role}"


def sync_role_groups(**kwargs) -> None:
    """Create one group per role and give it its permissions (runs after every migrate)."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=_group_name(role))
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)


def assign_role_group(user) -> None:
    role_groups = Group.objects.filter(name__startswith="ruolo:")
    current = set(user.groups.filter(name__startswith="ruolo:").values_list("name", flat=True))
    wanted = _group_name(user.role)
    if current == {wanted}:
        return
    user.groups.remove(*role_groups.exclude(name=wanted))
    group = Group.objects.filter(name=wanted).first()
    if group is not None:
        user.groups.add(group)
